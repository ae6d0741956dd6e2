import ArgumentParser
import FindingsStore
import Foundation
import Schema

/// `bianzhi ledger …`: the rectification ledger (整改台账) that `audit --record` fills.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "整改台账：跟踪每项发现直到整改销号 · the rectification ledger",
        discussion: """
        每次 bianzhi audit SNAPSHOT --record 把审计记入台账（默认 ./bianzhi.ledger.sqlite）。
        新发现为“待整改”；assign 交办后为“整改中”；后一次记录的审计不再发现即“已整改”；
        verify 核实后“已销号”；销号后再次出现的自动重新打开，历史全部保留。

        示例 Examples:
          bianzhi audit Cases/qinghe-county/snapshot --record
          bianzhi ledger list --overdue
          bianzhi ledger assign 3f2a9c1d --owner 县交通运输局人事股 --deadline 2024-12-31 --plan 军转干部调出
          bianzhi audit Cases/qinghe-county-2025/snapshot --record
          bianzhi ledger diff 1 2
          bianzhi ledger verify 3f2a9c1d --by 县编办监督检查股
          bianzhi ledger export --format csv > 整改台账.csv

        退出码 Exit codes: 0 完成；1 请求被拒绝（编号不存在、状态不允许），台账未改动；
        2 台账不存在、不是台账或已损坏、无法打开、只读（交办、销号时）、正被另一个进程写入或由更新版本写过；
        出错时台账文件不会被改动。list、show、diff、runs、export 只读打开台账，不改动文件，只读的台账也能查看。
        详见 docs/ledger.md。
        """,
        subcommands: [List.self, Show.self, Assign.self, Verify.self, Diff.self, Runs.self, Export.self]
    )
}

/// The `--ledger` option every ledger subcommand takes.
/// Which findings `ledger list` and `ledger export` take: by state, overdue, institution.
struct LedgerFilterOptions: ParsableArguments {
    @Option(help: "只要该状态的 · only findings in this state")
    var status: LedgerState?

    @Flag(help: "只要逾期的 · only overdue findings")
    var overdue = false

    @Option(help: "只要该机构（含其人员和事项）的 · only this institution's findings")
    var institution: String?

    var filter: LedgerFilter {
        LedgerFilter(state: status, overdueOnly: overdue, institution: institution)
    }
}

struct LedgerOptions: ParsableArguments {
    @Option(help: "整改台账文件 · the ledger file")
    var ledger = FindingsStore.defaultFileName

    /// Opens the existing ledger to change it, or exits 2 with the reason.
    func open() throws -> FindingsStore {
        try LedgerSupport.run { () throws(StoreError) in
            try FindingsStore(path: ledger, mode: .existing, busyTimeout: LedgerSupport.busyTimeout)
        }
    }

    /// Opens the existing ledger read-only (the commands that only look), or exits 2 with the reason.
    /// The file is never written: not even migrated or switched to WAL; a read-only copy works.
    func openForReading() throws -> FindingsStore {
        try LedgerSupport.run { () throws(StoreError) in
            try FindingsStore(path: ledger, mode: .readOnly, busyTimeout: LedgerSupport.busyTimeout)
        }
    }
}

/// The date overdue is judged on.
struct LedgerDateOption: ParsableArguments {
    @Option(name: .customLong("date"), help: "按该日期判断是否逾期（默认今天）· judge overdue on this date (YYYY-MM-DD)")
    var date: String?

    /// Checked with the other arguments, so that a bad date is shown with this command's usage.
    func validate() throws {
        _ = try Loading.date(date)
    }

    func resolved() throws -> CivilDate {
        try Loading.date(date) ?? LedgerSupport.today()
    }
}

/// Clock, timeouts and error output shared by the ledger commands and `audit --record`.
enum LedgerSupport {
    /// Seconds to wait for another writer: `BIANZHI_LEDGER_TIMEOUT`, 10 by default.
    static var busyTimeout: Double {
        if let text = ProcessInfo.processInfo.environment["BIANZHI_LEDGER_TIMEOUT"], let seconds = Double(text), seconds >= 0 {
            return seconds
        }
        return 10
    }

    /// Now; `SOURCE_DATE_EPOCH` fixes it, as for reports.
    static func now() -> Date {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            return Date(timeIntervalSince1970: seconds)
        }
        return Date()
    }

    /// Today's date in the local time zone (UTC when `SOURCE_DATE_EPOCH` is set).
    static func today() -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        if ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] != nil, let utc = TimeZone(identifier: "UTC") {
            calendar.timeZone = utc
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: now())
        return CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate(daysSinceEpoch: 0)
    }

    /// Runs a store operation; on failure prints the error (clearing `progress`'s line first) and exits 1 (request refused)
    /// or 2 (ledger unusable).
    static func run<T>(refusedCode: Int32 = 1, progress: ProgressIndicator? = nil, _ body: () throws(StoreError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            report(error, progress: progress)
            switch error {
            case .unknownFinding, .ambiguousFinding, .invalidFindingID, .transitionRefused, .unknownRun:
                throw ExitCode(refusedCode)
            default:
                throw ExitCode(2)
            }
        }
    }

    static func report(_ error: StoreError, progress: ProgressIndicator? = nil) {
        var text = "error: \(error.message) [\(error.id)]\n"
        if let help = error.help { text += "      = 帮助 help: \(help)\n" }
        Terminal.writeError(text, clearing: progress)
    }

    /// `2 天`-style days between two dates.
    static func days(from start: CivilDate, to end: CivilDate) -> Int {
        Int(end.daysSinceEpoch) - Int(start.daysSinceEpoch)
    }
}
