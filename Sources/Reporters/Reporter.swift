import AuditEngine
import Schema
import Statistics

/// Turns an audit report into the text of one output format.
public protocol Reporter {
    func render(_ report: AuditReport) -> String
}

/// Turns an audit report into the bytes of a binary format (xlsx).
public protocol BinaryReporter {
    func data(for report: AuditReport) -> [UInt8]
}

/// What reporters need beside the audit report: the time of the run, the rules that ran
/// (SARIF describes each), and the snapshot's staffing statistics (HTML and xlsx show them).
public struct ReportContext: Sendable {
    /// ISO 8601, UTC; fixed by the caller so that output is reproducible.
    public var generatedAt: String
    public var useColor: Bool
    public var toolVersion: String
    public var rules: [RuleDescriptor]
    public var statistics: StaffingStatistics?

    public init(generatedAt: String, useColor: Bool = false, toolVersion: String = "0.1.0",
                rules: [RuleDescriptor] = [], statistics: StaffingStatistics? = nil) {
        self.generatedAt = generatedAt
        self.useColor = useColor
        self.toolVersion = toolVersion
        self.rules = rules
        self.statistics = statistics
    }
}

/// The formats `audit --format` accepts.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, github, html, csv, xlsx

    /// A binary format cannot go to a terminal: it needs `--output FILE`.
    public var isBinary: Bool { self == .xlsx }

    /// Formats that show the snapshot's staffing statistics beside the findings.
    public var showsStatistics: Bool { self == .html || self == .xlsx }

    /// Writes `report` in this format into `sink`: the JSON report a few findings at a time, the text and HTML reports a
    /// group of findings at a time, the xlsx workbook compressed as it is made, so that the sink can hand it on as it is
    /// made; the other formats whole (the same bytes as `render`).
    public func write(_ report: AuditReport, context: ReportContext, into sink: inout ByteSink) {
        switch self {
        case .json:
            JSONReporter(generatedAt: context.generatedAt).write(report, into: &sink)
        case .text:
            TextReporter(useColor: context.useColor).write(report, into: &sink)
        case .html:
            HTMLReporter(context: context).write(report, into: &sink)
        case .xlsx:
            XLSXReporter(statistics: context.statistics).write(report, into: &sink)
        default:
            sink.append(whole: render(report, context: context))
        }
        sink.flushIfFull()
    }

    /// The bytes of `report` in this format.
    public func render(_ report: AuditReport, context: ReportContext) -> [UInt8] {
        switch self {
        case .text: Array(TextReporter(useColor: context.useColor).render(report).utf8)
        case .json: JSONReporter(generatedAt: context.generatedAt).bytes(report)
        case .sarif: Array(SARIFReporter(context: context).render(report).utf8)
        case .junit: Array(JUnitReporter(generatedAt: context.generatedAt, rules: context.rules).render(report).utf8)
        case .github: Array(GitHubReporter().render(report).utf8)
        case .html: Array(HTMLReporter(context: context).render(report).utf8)
        case .csv: Array(CSVReporter().render(report).utf8)
        case .xlsx: XLSXReporter(statistics: context.statistics).data(for: report)
        }
    }
}
