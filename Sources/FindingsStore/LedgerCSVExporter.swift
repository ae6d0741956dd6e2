/// The ledger as CSV (RFC 4180) for spreadsheets: a UTF-8 byte order mark so Excel and WPS read
/// the Chinese text correctly, CRLF line ends, Chinese column headings, one finding a row.
/// Cells that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`) are prefixed with `'`.
/// Every value is in words people read: 台账状态, 级别 (错误/警告/提示), 对象类型 (机构/人员/……) and 审计结论
/// in Chinese, never the codes the JSON export keeps for programs.
public struct LedgerCSVExporter: Sendable {
    public init() {}

    public static let headings = [
        "编号", "台账状态", "是否逾期", "规则", "问题", "级别", "对象类型", "对象", "机构代码", "机构名称",
        "情况", "依据", "审计结论", "例外文号", "例外有效期至", "责任人", "整改期限", "整改措施",
        "首次发现", "最近发现", "整改日期", "显示已整改的审计", "销号人", "销号时间", "重新出现次数",
    ]

    public func render(_ export: LedgerExport) -> String {
        var output = "\u{FEFF}"
        output += LedgerCSVExporter.headings.map(cell).joined(separator: ",") + "\r\n"
        for fields in rows(export) {
            output += fields.map(cell).joined(separator: ",") + "\r\n"
        }
        return output
    }

    /// One row of fields per entry, in the order of `headings` (shared by the csv, xlsx and html exports).
    public func rows(_ export: LedgerExport) -> [[String]] {
        export.entries.map { entry in
            [
                entry.fingerprint, entry.state.label, entry.isOverdue(on: export.date) ? "逾期" : "", entry.ruleID, entry.title,
                entry.severityLabel, entry.subjectKindLabel, entry.subjectID, entry.institutionID ?? "", entry.institutionName ?? "",
                entry.message, entry.citations, entry.auditStatus.label, entry.exemptionDocument ?? "", entry.exemptionUntil ?? "",
                entry.owner ?? "", entry.deadline ?? "", entry.plan ?? "",
                export.runText(entry.firstRunID), export.runText(entry.lastSeenRunID), entry.rectifiedOn ?? "",
                export.runText(entry.rectifiedRunID), entry.verifiedBy ?? "", entry.verifiedAt ?? "", String(entry.reopenedCount),
            ]
        }
    }

    func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
