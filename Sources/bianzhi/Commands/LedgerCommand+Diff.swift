import ArgumentParser
import FindingsStore
import Schema

extension LedgerCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "比较两次审计：新发现、已解决、仍存在 · new, resolved and persisting findings between two runs",
            discussion: """
            RUN 为审计序号（见 bianzhi ledger runs），也可写 latest、previous；
            不写时比较最近两次。仍存在的发现若审计结论变了（如例外过期）会标出。

            示例 Examples:
              bianzhi ledger diff 1 2
              bianzhi ledger diff --format json
            """
        )

        @OptionGroup var options: LedgerOptions

        @Argument(help: "较早的审计 · the earlier run (default: previous)")
        var from: String = "previous"

        @Argument(help: "较晚的审计 · the later run (default: latest)")
        var to: String = "latest"

        @Option(help: "输出格式 · text or json")
        var format: DiagnosticFormat = .text

        func run() throws {
            let store = try options.openForReading()
            defer { try? store.close() }
            let diff = try LedgerSupport.run { () throws(StoreError) in
                try store.diff(from: try store.run(from), to: try store.run(to))
            }
            switch format {
            case .json: try Terminal.writeOut(json(diff).rendered() + "\n")
            case .text: try Terminal.writeOut(text(diff))
            }
        }

        func text(_ diff: RunDiff) -> String {
            func run(_ run: RunRecord) -> String { "第 \(run.number) 次审计（\(run.regionName) 数据日期 \(run.asOf)，\(run.snapshotPath)）" }
            var lines = ["\(run(diff.from)) → \(run(diff.to))"]
            lines.append("新发现 \(diff.new.count) 项，已解决 \(diff.resolved.count) 项，仍存在 \(diff.persisting.count) 项")
            func line(_ sign: String, _ entry: LedgerEntry, _ suffix: String = "") -> String {
                "  \(sign) \(entry.shortID) \(entry.ruleID) \(LedgerText.subject(entry))：\(entry.title)\(suffix)"
            }
            if !diff.new.isEmpty {
                lines.append("")
                lines.append("新发现：")
                lines.append(contentsOf: diff.new.map { line("+", $0) })
            }
            if !diff.resolved.isEmpty {
                lines.append("")
                lines.append("已解决（后一次审计不再发现）：")
                lines.append(contentsOf: diff.resolved.map { line("-", $0) })
            }
            if !diff.persisting.isEmpty {
                lines.append("")
                lines.append("仍存在：")
                lines.append(contentsOf: diff.persisting.map { item in
                    line("=", item.entry, item.from == item.to ? "" : "［\(item.from.label) → \(item.to.label)］")
                })
            }
            return lines.joined(separator: "\n") + "\n"
        }

        func json(_ diff: RunDiff) -> OrderedJSON {
            func run(_ run: RunRecord) -> OrderedJSON {
                .object([("run", .int(Int(run.number))), ("as_of", .string(run.asOf)), ("snapshot", .string(run.snapshotPath)),
                         ("snapshot_hash", .string(run.snapshotHash)), ("rule_set_version", .string(run.ruleSetVersion))])
            }
            func item(_ entry: LedgerEntry) -> [(String, OrderedJSON)] {
                [("id", .string(entry.fingerprint)), ("rule", .string(entry.ruleID)), ("subject", .string(entry.subjectID)),
                 ("institution", entry.institutionID.map(OrderedJSON.string) ?? .null), ("title", .string(entry.title)),
                 ("state", .string(entry.state.rawValue))]
            }
            return .object([
                ("from", run(diff.from)),
                ("to", run(diff.to)),
                ("new", .array(diff.new.map { .object(item($0)) })),
                ("resolved", .array(diff.resolved.map { .object(item($0)) })),
                ("persisting", .array(diff.persisting.map {
                    .object(item($0.entry) + [("from_status", .string($0.from.rawValue)), ("to_status", .string($0.to.rawValue))])
                })),
            ])
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "runs",
            abstract: "列出已记录的审计 · the recorded runs",
            discussion: """
            每次 audit --record 一行：序号、数据日期、地区、快照路径、发现数、记录时间，
            以及快照内容和规则文件的 SHA-256（可用 sha256sum 核对单文件快照）。
            """
        )

        @OptionGroup var options: LedgerOptions

        func run() throws {
            let store = try options.openForReading()
            defer { try? store.close() }
            let runs = try LedgerSupport.run { () throws(StoreError) in try store.runs() }
            var lines: [String] = []
            for run in runs {
                lines.append("第 \(run.number) 次  数据日期 \(run.asOf)  \(run.regionName)（\(run.regionCode)）  \(run.snapshotPath)  发现 \(run.findingCount) 项  记录于 \(run.recordedAt)")
                lines.append("    快照 \(run.snapshotHash)")
                lines.append("    规则 \(run.ruleSetVersion)（\(run.rulesApplied) 条；\(run.packs)）" + (run.ruleFilter.map { "；只运行 \($0)" } ?? ""))
            }
            if runs.isEmpty { lines.append("台账中还没有记录审计。") }
            try Terminal.writeOut(lines.joined(separator: "\n") + "\n")
        }
    }
}
