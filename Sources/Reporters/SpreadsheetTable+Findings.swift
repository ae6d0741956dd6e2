import AuditEngine

extension SpreadsheetTable {
    /// The findings sheet: one row per finding, in the report's order.
    public static func findings(_ report: AuditReport) -> SpreadsheetTable {
        SpreadsheetTable(name: findingsName, header: findingsHeader, rows: report.findings.map(findingRow), widths: findingsWidths)
    }

    /// The same sheet for a workbook, each row made as it is written.
    static func findingsSheet(_ report: AuditReport) -> XLSXWorkbook.Sheet {
        let findings = report.findings
        return XLSXWorkbook.Sheet(name: findingsName, header: findingsHeader, widths: findingsWidths, rowCount: findings.count,
                                  columns: findingsHeader.count) { findingRow(findings[$0]) }
    }

    private static let findingsName = "发现"
    private static let findingsHeader = ["机构代码", "机构名称", "对象类别", "对象代码", "对象名称", "规则", "标题", "级别", "状态", "说明",
                                         "依据", "数值", "例外文号", "例外有效期至", "例外理由", "文件", "行", "列", "键", "指纹"]
    private static let findingsWidths = [12, 24, 10, 12, 24, 12, 30, 6, 10, 60, 50, 30, 18, 12, 30, 40, 6, 6, 16, 18]

    private static func findingRow(_ finding: Finding) -> [SpreadsheetCell] {
        let owner = finding.subject.owner
        return [
            .text(owner.id), .text(owner.name), .text(finding.subject.kindLabel), .text(finding.subject.id),
            .text(finding.subject.name ?? ""), .text(finding.ruleID), .text(finding.title), .text(finding.severity.label),
            .text(finding.statusText), .text(finding.message), .text(finding.citationText), .text(finding.evidenceText),
            .text(finding.exemption?.documentNumber ?? ""), .text(finding.exemption?.until.description ?? ""),
            .text(finding.exemption?.reason ?? ""), .text(finding.location?.path ?? ""),
            finding.location.map { .number($0.line) } ?? .empty, finding.location.map { .number($0.column) } ?? .empty,
            .text(finding.key ?? ""), .text(finding.fingerprint),
        ]
    }
}
