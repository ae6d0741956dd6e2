import AuditEngine

/// Turns an audit report into the bytes of one output format.
public protocol Reporter {
    func render(_ report: AuditReport) -> String
}

/// The formats `audit --format` accepts.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json

    public func reporter(generatedAt: String, useColor: Bool) -> any Reporter {
        switch self {
        case .text: TextReporter(useColor: useColor)
        case .json: JSONReporter(generatedAt: generatedAt)
        }
    }
}
