import ArgumentParser
import FindingsStore
import RuleSet

extension LedgerCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "显示一项发现的全部情况和历史 · one finding with its full history",
            discussion: """
            编号是发现的指纹（16 位十六进制），可只写前几位（至少 4 位），只要唯一。

            示例 Example:
              bianzhi ledger show 3f2a9c1d
            """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var date: LedgerDateOption

        @Argument(help: "发现编号（指纹或其前缀）· the finding's id")
        var id: String

        func run() throws {
            let today = try date.resolved()
            let store = try options.openForReading()
            defer { try? store.close() }
            let found = try LedgerSupport.run { () throws(StoreError) in try store.history(of: id) }
            let entry = found.entry
            var lines = ["发现 \(entry.fingerprint) · \(entry.state.label)" + (entry.isOverdue(on: today) ? "（逾期）" : "")]
            lines.append("规则：\(entry.ruleID) \(entry.title)（\(RuleSeverity(rawValue: entry.severity)?.label ?? entry.severity)）")
            lines.append("对象：\(LedgerText.subject(entry))" + (entry.key.map { "；\($0)" } ?? ""))
            lines.append("情况：\(entry.message)")
            if !entry.citations.isEmpty { lines.append("依据：\(entry.citations)") }
            lines.append("最近一次审计结论：\(entry.auditStatus.label)（第 \(entry.lastSeenRunID) 次审计）")
            if let document = entry.exemptionDocument {
                lines.append("例外：\(document)，有效期至 \(entry.exemptionUntil ?? "")" + (entry.exemptionReason.map { "（\($0)）" } ?? ""))
            }
            if entry.owner != nil || entry.deadline != nil {
                lines.append("责任人：\(entry.owner ?? "")；整改期限：\(entry.deadline ?? "")" + (entry.plan.map { "；整改措施：\($0)" } ?? ""))
            }
            lines.append("发现于：" + found.runs.map { "第 \($0.number) 次（\($0.asOf)）" }.joined(separator: "、"))
            if let status = LedgerText.status(entry, on: today), entry.state != .pending && entry.state != .inProgress {
                lines.append("现状：\(status)")
            }
            lines.append("")
            lines.append("历史：")
            for event in found.events {
                var text = "  \(event.at)  \(event.action.label)"
                if let run = event.runID { text += "（第 \(run) 次审计）" }
                text += "：" + (event.stateFrom.map { "\($0.label) → " } ?? "") + event.stateTo.label
                var details: [String] = []
                if let actor = event.actor { details.append(event.action == .verified ? "核实人 \(actor)" : "责任人 \(actor)") }
                if let deadline = event.deadline { details.append("期限 \(deadline)") }
                if let note = event.note, !note.isEmpty { details.append(note) }
                if !details.isEmpty { text += "；" + details.joined(separator: "；") }
                lines.append(text)
            }
            try Terminal.writeOut(lines.joined(separator: "\n") + "\n")
        }
    }
}
