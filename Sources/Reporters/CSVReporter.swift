import AuditEngine

/// The findings as CSV for Excel and WPS: a UTF-8 byte order mark, CRLF line ends, one row per
/// finding, and every cell that could be read as a formula neutralised with a leading `'`.
public struct CSVReporter: Reporter {
    public init() {}

    public func render(_ report: AuditReport) -> String {
        SpreadsheetTable.findings(report).csv()
    }
}
