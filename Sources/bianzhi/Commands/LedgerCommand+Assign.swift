import ArgumentParser
import FindingsStore

extension LedgerCommand {
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assign",
            abstract: "交办整改：责任人、期限、措施（→ 整改中）· assign an owner, a deadline and a plan",
            discussion: """
            待整改、整改中（调整安排）或已批准例外的发现可以交办；已整改和已销号的不能。

            示例 Example:
              bianzhi ledger assign 3f2a9c1d --owner 县交通运输局 --deadline 2024-12-31 --plan 两名军转干部按计划调出
            """
        )

        @OptionGroup var options: LedgerOptions

        @Argument(help: "发现编号（指纹或其前缀）· the finding's id")
        var id: String

        @Option(help: "责任单位或责任人 · who is responsible")
        var owner: String

        @Option(help: "整改期限 · the deadline (YYYY-MM-DD)")
        var deadline: String

        @Option(help: "整改措施 · the plan")
        var plan: String?

        func validate() throws {
            // 整改中 needs someone responsible: an empty or blank owner was recorded as it was.
            guard !owner.allSatisfy(\.isWhitespace) else {
                throw ValidationError("--owner 不能为空：写明责任单位或责任人，如 --owner \"县农业农村局\"")
            }
            _ = try Loading.date(deadline)
        }

        func run() throws {
            guard let due = try Loading.date(deadline) else { throw ValidationError("缺少 --deadline") }
            let store = try options.open()
            defer { try? store.close() }
            let entry = try LedgerSupport.run { () throws(StoreError) in
                try store.assign(id, owner: owner, deadline: due, plan: plan, at: LedgerSupport.now())
            }
            try Terminal.writeOut("已交办 \(entry.shortID) \(entry.ruleID) \(LedgerText.subject(entry))：责任人 \(owner)，期限 \(due)，状态 \(entry.state.label)\n")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "核实销号（已整改 → 已销号）· confirm a rectified finding and close it",
            discussion: """
            只有“已整改”（后一次记录的审计不再发现）的发现可以销号。

            示例 Example:
              bianzhi ledger verify 3f2a9c1d --by 县编办监督检查股 --note 已核对2025年6月实名制名册
            """
        )

        @OptionGroup var options: LedgerOptions

        @Argument(help: "发现编号（指纹或其前缀）· the finding's id")
        var id: String

        @Option(help: "核实人 · the inspector who verified it")
        var by: String

        @Option(help: "核实说明 · a note")
        var note: String?

        func run() throws {
            let store = try options.open()
            defer { try? store.close() }
            let entry = try LedgerSupport.run { () throws(StoreError) in
                try store.verify(id, by: by, note: note, at: LedgerSupport.now())
            }
            try Terminal.writeOut("已销号 \(entry.shortID) \(entry.ruleID) \(LedgerText.subject(entry))：核实人 \(by)\n")
        }
    }
}
