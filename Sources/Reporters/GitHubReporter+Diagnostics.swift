import AuditEngine
import Diagnostics

extension GitHubReporter {
    /// Diagnostics (of `validate`) as workflow commands, at the rule files.
    public static func render(diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            let level: GitHubAnnotation.Level = diagnostic.severity == .error ? .error : diagnostic.severity == .warning ? .warning : .notice
            let message = diagnostic.message + (diagnostic.help.map { "（\($0)）" } ?? "")
            let end = diagnostic.endLocation.flatMap { end in
                end.path == diagnostic.location?.path && end.line == diagnostic.location?.line ? end : nil
            }
            return GitHubAnnotation(level: level, file: diagnostic.location?.path, line: diagnostic.location?.line,
                                    column: diagnostic.location?.column, endColumn: end?.column,
                                    title: diagnostic.id.rawValue, message: message).rendered
        }.joined()
    }

    /// The failed outcomes of `test` as workflow commands, at the example or case file.
    public static func render(outcomes: [TestOutcome]) -> String {
        outcomes.filter { !$0.passed }.map { outcome in
            GitHubAnnotation(level: .error, file: outcome.location?.path, line: outcome.location?.line, column: outcome.location?.column,
                             title: outcome.name, message: outcome.details.joined(separator: "\n")).rendered
        }.joined()
    }
}
