import ArgumentParser
import FindingsStore
import Reporters

/// The formats `ledger export` writes.
enum LedgerExportFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json, xlsx, html
}

extension LedgerCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "导出台账：csv、xlsx（Excel/WPS）、html（打印）或 json · export the ledger",
            discussion: """
            每项发现一行（一个对象），顺序同 ledger list；可用 --status、--overdue、--institution 筛选。
            csv 带 UTF-8 BOM，Excel 和 WPS 直接打开不乱码；以 = + - @ 开头的单元格前加 '，防止被当作公式。

            示例 Examples:
              bianzhi ledger export --format csv > 整改台账.csv
              bianzhi ledger export --format json --overdue
              bianzhi ledger export --format xlsx --output 整改台账.xlsx
              bianzhi ledger export --format html --output 整改台账.html
            """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var date: LedgerDateOption
        @OptionGroup var selection: LedgerFilterOptions

        @Option(help: "导出格式 · csv, json, xlsx (needs --output) or html")
        var format: LedgerExportFormat = .csv

        @Option(name: .shortAndLong, help: "写入该文件（整体写入）· write to this file, atomically")
        var output: String?

        func validate() throws {
            if format == .xlsx, output == nil || output == "-" {
                throw ValidationError("xlsx 是二进制文件，请用 --output 指定文件 (xlsx needs --output FILE)")
            }
        }

        func run() throws {
            try OutputFile.refuseOverwriting(output, inputs: [(options.ledger, "整改台账")])
            let today = try date.resolved()
            let store = try options.openForReading()
            defer { try? store.close() }
            let filter = selection.filter
            let export = try LedgerSupport.run { () throws(StoreError) in
                LedgerExport(entries: try store.entries(filter, on: today), runs: try store.runs(), date: today)
            }
            let bytes: [UInt8]
            switch format {
            case .csv: bytes = Array(LedgerCSVExporter().render(export).utf8)
            case .json: bytes = Array(LedgerJSONExporter().render(export).utf8)
            case .xlsx, .html:
                let table = SpreadsheetTable(name: "整改台账", header: LedgerCSVExporter.headings,
                                             rows: LedgerCSVExporter().rows(export).map { $0.map { SpreadsheetCell.text($0) } })
                bytes = format == .xlsx
                    ? SpreadsheetTable.xlsx([table])
                    : Array(SpreadsheetTable.html(title: "机构编制整改台账", note: "导出日期 \(today)；共 \(export.entries.count) 项；逾期的排在前面。",
                                                  tables: [table]).utf8)
            }
            try OutputFile.write(bytes, to: output)
        }
    }
}
