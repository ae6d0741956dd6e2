import ArgumentParser
import FindingsStore
import Schema

extension LedgerState: ExpressibleByArgument {}

extension LedgerCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "列出台账中的发现，逾期的排在最前 · list findings, overdue first",
            discussion: """
            每项一段：编号（指纹前 8 位，命令中可用）、台账状态、规则和对象，随后是问题、
            责任人和期限（或整改、例外、销号情况）。逾期（期限已过仍为待整改或整改中）的排在最前，
            按期限先后；其余按 整改中、待整改、已整改、已批准例外、已销号 排列。

            状态 --status：pending 待整改、in_progress 整改中、rectified 已整改、closed 已销号、exempted 已批准例外（中英文均可）。

            示例 Examples:
              bianzhi ledger list
              bianzhi ledger list --overdue
              bianzhi ledger list --status 已整改 --institution QH-JYJ
            """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var date: LedgerDateOption

        @OptionGroup var selection: LedgerFilterOptions

        func run() throws {
            let today = try date.resolved()
            let store = try options.openForReading()
            defer { try? store.close() }
            let filter = selection.filter
            let (entries, all, runs) = try LedgerSupport.run { () throws(StoreError) in
                (try store.entries(filter, on: today), try store.entries(on: today), try store.runs())
            }
            var lines = ["整改台账 \(options.ledger)（按 \(today) 判断逾期；已记录审计 \(runs.count) 次"
                + (runs.last.map { "，最近一次为第 \($0.number) 次，\($0.regionName) 数据日期 \($0.asOf)" } ?? "") + "）"]
            lines.append(LedgerText.counts(all, on: today))
            if entries.count != all.count { lines.append("符合条件的 \(entries.count) 项") }
            if entries.isEmpty {
                lines.append("")
                lines.append(all.isEmpty ? "台账中还没有发现。" : "没有符合条件的发现。")
            }
            for entry in entries {
                lines.append("")
                lines.append(contentsOf: LedgerText.block(entry, on: today))
            }
            try Terminal.writeOut(lines.joined(separator: "\n") + "\n")
        }
    }
}

/// How the ledger commands write findings for people.
enum LedgerText {
    /// `共 18 项：逾期 2，整改中 3，……`
    static func counts(_ entries: [LedgerEntry], on date: CivilDate) -> String {
        let overdue = entries.filter { $0.isOverdue(on: date) }.count
        var parts = ["逾期 \(overdue)"]
        for state in [LedgerState.inProgress, .pending, .rectified, .exempted, .closed] {
            parts.append("\(state.label) \(entries.filter { $0.state == state }.count)")
        }
        return "共 \(entries.count) 项：" + parts.joined(separator: "，")
    }

    /// The marker, id, state, rule and subject line, the message, and what stands.
    static func block(_ entry: LedgerEntry, on date: CivilDate) -> [String] {
        let marker = entry.isOverdue(on: date) ? "[逾期] " : ""
        var lines = ["\(marker)\(entry.shortID) \(entry.state.label) \(entry.ruleID) \(entry.title) · \(subject(entry))"]
        lines.append("    \(entry.message)")
        if let status = status(entry, on: date) { lines.append("    \(status)") }
        return lines
    }

    /// `县交通运输局（QH-JYJ）`, or `人员 P000509（县住房和城乡建设局 QH-ZJJ）`.
    static func subject(_ entry: LedgerEntry) -> String {
        switch entry.subjectKind {
        case "person":
            return "人员 \(entry.subjectID)" + (entry.institutionText.map { "，\($0)" } ?? "")
        case "event":
            return "事项 \(entry.subjectID)"
        default:
            return entry.subjectText
        }
    }

    /// Who and by when, or how it was rectified, exempted or closed.
    static func status(_ entry: LedgerEntry, on date: CivilDate) -> String? {
        switch entry.state {
        case .pending, .inProgress:
            var parts: [String] = []
            if let owner = entry.owner { parts.append("责任人 \(owner)") }
            if let deadline = entry.deadline {
                var text = "期限 \(deadline)"
                if let due = entry.deadlineDate {
                    let days = LedgerSupport.days(from: due, to: date)
                    text += days > 0 ? "（已逾期 \(days) 天）" : days == 0 ? "（今天到期）" : "（还有 \(-days) 天）"
                }
                parts.append(text)
            }
            if let plan = entry.plan, !plan.isEmpty { parts.append("措施：\(plan)") }
            if entry.auditStatus == .exemptionExpired, let document = entry.exemptionDocument {
                parts.append("例外 \(document) 已于 \(entry.exemptionUntil ?? "") 到期")
            }
            if entry.reopenedCount > 0 { parts.append("曾整改后再次出现 \(entry.reopenedCount) 次") }
            return parts.isEmpty ? "尚未交办（bianzhi ledger assign \(entry.shortID) --owner … --deadline …）" : parts.joined(separator: "，")
        case .rectified:
            return "数据日期 \(entry.rectifiedOn ?? "") 的快照（第 \(entry.rectifiedRunID ?? 0) 次审计）不再发现，待核实销号"
                + (entry.owner.map { "；责任人 \($0)" } ?? "")
        case .closed:
            return "已于 \(entry.verifiedAt ?? "") 由 \(entry.verifiedBy ?? "") 核实销号（数据日期 \(entry.rectifiedOn ?? "") 起不再发现）"
        case .exempted:
            return "例外 \(entry.exemptionDocument ?? "")，有效期至 \(entry.exemptionUntil ?? "")"
                + (entry.exemptionReason.map { "（\($0)）" } ?? "")
        }
    }
}
