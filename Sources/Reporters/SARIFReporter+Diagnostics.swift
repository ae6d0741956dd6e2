import AuditEngine
import Diagnostics

extension SARIFReporter {
    /// Diagnostics (of `validate`) as a SARIF log: one rule per diagnostic id, one result per diagnostic,
    /// notes as related locations and fix-its as fixes, so CI can annotate the rule files.
    public static func render(diagnostics: [Diagnostic], toolVersion: String) -> String {
        var ids: [String] = []
        for diagnostic in diagnostics where !ids.contains(diagnostic.id.rawValue) { ids.append(diagnostic.id.rawValue) }
        ids.sort()
        let rules = ids.map { id in
            SARIFLog.ReportingDescriptor(id: id, shortDescription: .init(text: id))
        }
        let results = diagnostics.map { diagnostic -> SARIFLog.Result in
            let level = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "note"
            var text = diagnostic.message
            if let help = diagnostic.help { text += "（帮助：\(help)）" }
            var locations: [SARIFLog.Location] = []
            if let location = diagnostic.location {
                locations.append(SARIFLog.Location(physicalLocation: physicalLocation(location, end: diagnostic.endLocation)))
            }
            let related = diagnostic.notes.enumerated().compactMap { index, note -> SARIFLog.Location? in
                guard let location = note.location else { return nil }
                return SARIFLog.Location(id: index, physicalLocation: physicalLocation(location, end: nil), message: .init(text: note.message))
            }
            let fixes = diagnostic.fixIts.map { fixIt in
                SARIFLog.Fix(description: .init(text: fixIt.message), artifactChanges: [
                    .init(artifactLocation: .init(uri: SARIFLog.uri(forPath: fixIt.start.path)), replacements: [
                        .init(deletedRegion: .init(startLine: fixIt.start.line, startColumn: fixIt.start.column,
                                                   endLine: fixIt.end.line, endColumn: fixIt.end.column),
                              insertedContent: .init(text: fixIt.replacement)),
                    ]),
                ])
            }
            return SARIFLog.Result(ruleId: diagnostic.id.rawValue, ruleIndex: ids.firstIndex(of: diagnostic.id.rawValue), level: level,
                                   message: .init(text: text), locations: locations,
                                   relatedLocations: related.isEmpty ? nil : related, fixes: fixes.isEmpty ? nil : fixes)
        }
        let run = SARIFLog.Run(tool: .init(driver: .init(version: toolVersion, semanticVersion: toolVersion, rules: rules)),
                               invocations: [.init(executionSuccessful: true)],
                               results: results)
        return SARIFLog(runs: [run]).rendered()
    }

    /// The outcomes of `test` as a SARIF log: one result per failed example or case, at the example or
    /// case file; the counts in the run's properties.
    public static func render(outcomes: [TestOutcome], toolVersion: String) -> String {
        let failed = outcomes.filter { !$0.passed }
        let rule = SARIFLog.ReportingDescriptor(
            id: "test.failed", shortDescription: .init(text: "规则示例或审计案例的结果与标注不符"),
            help: .init(text: "修改示例、案例或规则，使结果与标注一致；运行 bianzhi test 查看全部结果"),
            defaultConfiguration: .init(level: "error"))
        let results = failed.map { outcome in
            SARIFLog.Result(
                ruleId: rule.id, ruleIndex: 0, level: "error",
                message: .init(text: ([outcome.name] + outcome.details).joined(separator: "\n")),
                locations: outcome.location.map { [SARIFLog.Location(physicalLocation: physicalLocation($0, end: nil))] } ?? [],
                properties: ["test": .string(outcome.name)])
        }
        let run = SARIFLog.Run(tool: .init(driver: .init(version: toolVersion, semanticVersion: toolVersion, rules: [rule])),
                               invocations: [.init(executionSuccessful: true)],
                               results: results,
                               properties: ["passed": .int(outcomes.count - failed.count), "failed": .int(failed.count)])
        return SARIFLog(runs: [run]).rendered()
    }

    static func physicalLocation(_ location: SourceLocation, end: SourceLocation?) -> SARIFLog.PhysicalLocation {
        var region = SARIFLog.Region(startLine: location.line, startColumn: location.column)
        if let end, end.path == location.path, end > location {
            region.endLine = end.line
            region.endColumn = end.column
        }
        return .init(artifactLocation: .init(uri: SARIFLog.uri(forPath: location.path)), region: region)
    }
}
