import ArgumentParser
import FindingsStore

/// The formats `ledger export` writes.
enum LedgerExportFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json
}

extension LedgerCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "导出台账：csv（Excel/WPS）或 json · export the ledger",
            discussion: """
            每项发现一行（一个对象），顺序同 ledger list；可用 --status、--overdue、--institution 筛选。
            csv 带 UTF-8 BOM，Excel 和 WPS 直接打开不乱码；以 = + - @ 开头的单元格前加 '，防止被当作公式。

            示例 Examples:
              bianzhi ledger export --format csv > 整改台账.csv
              bianzhi ledger export --format json --overdue
            """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var date: LedgerDateOption

        @Option(help: "导出格式 · csv or json")
        var format: LedgerExportFormat = .csv

        @Option(help: "只导出该状态 · only findings in this state")
        var status: LedgerState?

        @Flag(help: "只导出逾期的 · only overdue findings")
        var overdue = false

        @Option(help: "只导出该机构的 · only this institution's findings")
        var institution: String?

        func run() throws {
            let today = try date.resolved()
            let store = try options.open()
            defer { try? store.close() }
            let filter = LedgerFilter(state: status, overdueOnly: overdue, institution: institution)
            let export = try LedgerSupport.run { () throws(StoreError) in
                LedgerExport(entries: try store.entries(filter, on: today), runs: try store.runs(), date: today)
            }
            switch format {
            case .csv: Terminal.writeOut(LedgerCSVExporter().render(export))
            case .json: Terminal.writeOut(LedgerJSONExporter().render(export))
            }
        }
    }
}
