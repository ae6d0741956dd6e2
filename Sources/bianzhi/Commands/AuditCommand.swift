import ArgumentParser
import AuditEngine
import Diagnostics
import Foundation
import Reporters
import RuleSet
import Schema
import SnapshotLoader
import Statistics
import WorkerPool

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "审计快照：逐条核对规则，报告每一处违规及其条款 · audit a snapshot against the rules",
        discussion: """
        读取快照和规则，按快照的数据日期（或 --as-of）适用当时有效的法规，报告每一项发现、
        所违反的条款（如《地方各级人民政府机构设置和编制管理条例》第六条第二款）和依据的数值。

        示例 Examples:
          bianzhi audit Cases/qinghe-county/snapshot
          bianzhi audit Cases/qinghe-county/snapshot --format json > report.json
          bianzhi audit Cases/qinghe-county/snapshot --format html --output report.html
          bianzhi audit Cases/qinghe-county/snapshot --format xlsx --output report.xlsx
          bianzhi audit Cases/qinghe-county/snapshot --format sarif > bianzhi.sarif
          bianzhi audit snapshot.yaml --fail-on warning --as-of 2024-12-31
          bianzhi audit province/ --jobs 1 --timings

        退出码 Exit codes: 0 没有达到 --fail-on 级别的违规；1 有；2 快照或规则无法读取（标准输出为空）。
        """
    )

    @Argument(help: "快照文件或文件夹 · the snapshot file or folder")
    var snapshot: String

    @OptionGroup var reportOptions: ReportOptions

    @Option(name: .customLong("as-of"), help: "按该日期审计（默认用快照的 as_of）· audit as of this date (YYYY-MM-DD)")
    var asOf: String?

    @Option(name: .customLong("only"), parsing: .upToNextOption, help: "只运行这些规则 · run only these rule ids")
    var only: [String] = []

    @Flag(help: "在标准错误上报告各阶段用时（读取规则、读取快照、计算规则、生成报告），以及最耗时的 5 条规则 · print the time of each stage, and of the five slowest rules, on standard error")
    var timings = false

    @Flag(help: "不显示进度 · no progress display on standard error")
    var quiet = false

    @Option(help: "同时工作的线程数（默认为处理器数；结果与线程数无关）· threads to use (default: one per processor; the report is the same for any number)")
    var jobs: Int?

    @Flag(help: "把本次审计记入整改台账 · record this run and its findings in the ledger (see bianzhi ledger)")
    var record = false

    @Option(help: "整改台账文件 · the ledger file for --record")
    var ledger = "bianzhi.ledger.sqlite"

    func validate() throws {
        if let jobs, jobs < 1 {
            throw ValidationError("--jobs 至少为 1（给出的是 \(jobs)）")
        }
        // A bad date is reported with this command's usage, before anything is read.
        _ = try Loading.date(asOf)
    }

    /// Refuses `--only` ids that name no rule (with exit code 2, before the snapshot is read): an audit of nothing
    /// would otherwise pass, and a CI job with a misspelt id would stay green.
    static func checkSelection(_ ids: [String], in ruleSet: RuleSet, progress: ProgressIndicator) throws {
        let known = Set(ruleSet.rules.map(\.id))
        let unknown = ids.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return }
        progress.finish()
        for id in unknown {
            var text = "error: --only 指定的规则 '\(id)' 不存在\n"
            if let near = Suggestion.closest(to: id, in: known.sorted()) { text += "  = 帮助 help: 是否指 \(near)？" } else { text += "  = 帮助 help: " }
            text += "规则编号区分大小写，全部编号见 docs/rules/README.md\n"
            Terminal.writeError(text)
        }
        throw ExitCode(2)
    }

    /// An audit as of another date than the snapshot's reads the snapshot as it was on its own date: changes after it
    /// (staff who left, a unit abolished) are not in it. Said on standard error; and such an audit is not recorded in the
    /// ledger, whose runs follow the data's dates (a later `--as-of` recorded there would make the next real audit look
    /// older than the last one).
    private func checkAuditDate(_ report: AuditReport, dataDate: CivilDate, progress: ProgressIndicator) throws {
        if record {
            Terminal.writeError("error: --as-of \(report.asOf) 与快照的数据日期 \(dataDate) 不同，这样的审计不能记入整改台账（台账按数据日期记录每次审计）；"
                                + "去掉 --record，或使用数据日期为 \(report.asOf) 的快照 (an audit as of another date than the data's is not recorded)\n",
                                clearing: progress)
            throw ExitCode(2)
        }
        Terminal.writeError("注意：按审计基准日 \(report.asOf) 适用法规，但快照反映的是数据日期 \(dataDate) 的状态，此后的变化不在快照中 "
                            + "(note: audited as of \(report.asOf); the data are as of \(dataDate))\n", clearing: progress)
    }

    func run() throws {
        try OutputFile.refuseOverwriting(reportOptions.output, inputs: [(snapshot, "被审计的快照"), (reportOptions.rules, "规则文件夹")]
                                             + (record ? [(ledger, "整改台账")] : []))
        // The run's progress line: what is printed on standard error while it shows clears it first.
        let progress = ProgressIndicator()
        progress.start(enabled: ProgressIndicator.isWanted(quiet: quiet), steps: 4)
        let date = try Loading.date(asOf)
        progress.advance("读取规则")
        let clock = ContinuousClock()
        let started = clock.now
        let workers = jobs.map { WorkerPool(workers: $0) } ?? .perProcessor
        // The audit never runs the rules' examples: only their form is checked (`validate` and `test` check the rest).
        let ruleSet = try Loading.rules(reportOptions.rules, workers: workers, examples: .formOnly, progress: progress)
        let rulesRead = clock.now
        try AuditCommand.checkSelection(only, in: ruleSet, progress: progress)
        progress.advance("读取快照")
        let engine = AuditEngine(ruleSet: ruleSet, workers: workers)
        let selection = only.isEmpty ? nil : Set(only)
        // The snapshot is audited as it is read (a folder file by file, one file in batches of institutions), keeping
        // only what the region's rules need of each institution (and, for html and xlsx, the statistics tallied as each
        // file is read), unless the rules or the snapshot do not allow it; then it is loaded in full. The report is the
        // same either way.
        // Loaded in full, the snapshot is kept until the report is written (see below); streamed, what is left of it (the
        // projections the region's rules read) is freed as soon as the audit is done, before the report is made: html and
        // xlsx reports of a province hold their statistics and their output meanwhile.
        var loaded: Snapshot?
        var report: AuditReport
        let dataDate: CivilDate
        let snapshotRead: ContinuousClock.Instant
        var evaluation: (rules: Duration, filesReadAgain: Int, reread: Duration)?
        let showsStatistics = reportOptions.format.showsStatistics
        var statistics: StaffingStatistics?
        if let streamed = engine.auditStreaming(path: snapshot, loader: SnapshotLoader(workers: workers), asOf: date,
                                                only: selection, measuringRules: timings, statistics: showsStatistics) {
            snapshotRead = clock.now
            report = streamed.report
            dataDate = streamed.dataDate
            evaluation = (streamed.evaluation, streamed.filesReadAgain, streamed.reread)
            statistics = streamed.statistics
        } else {
            var whole = try Loading.snapshot(snapshot, workers: workers, progress: progress)
            snapshotRead = clock.now
            progress.advance("审计")
            dataDate = whole.asOf
            if let date { whole = whole.with(asOf: date) }
            report = engine.audit(whole, only: selection, measuringRules: timings)
            if showsStatistics { statistics = StaffingStatistics(whole) }
            loaded = consume whole
        }
        let evaluated = clock.now
        if dataDate != report.asOf {
            report.dataDate = dataDate
            try checkAuditDate(report, dataDate: dataDate, progress: progress)
        }
        try recordInLedger(report, ruleSet: ruleSet, progress: progress)
        let recorded = clock.now
        progress.advance("生成报告")
        let context = ReportContext(generatedAt: AuditCommand.generatedAt(),
                                    useColor: reportOptions.format == .text && reportOptions.output == nil && Terminal.useColor(onStandardError: false),
                                    toolVersion: Bianzhi.configuration.version,
                                    rules: RuleDescriptor.describing(ruleSet, region: report.regionCode, only: only.isEmpty ? nil : Set(only)),
                                    statistics: statistics)
        progress.finish()
        // The report is written as it is made (the JSON report a megabyte at a time: it is never held whole).
        try OutputFile.write(to: reportOptions.output) { sink in
            reportOptions.format.write(report, context: context, into: &sink)
        }
        // The snapshot is not read again: its hundreds of thousands of records are freed on another thread, instead of
        // one by one at the end of this function; if the process ends first, the system takes the memory back at once.
        // Not before the report is made and written: freeing them meanwhile made that a third slower (10,000 institutions).
        if let whole = loaded.take() { Loading.releaseInBackground(whole) }
        if timings {
            func ms(_ duration: Duration) -> String {
                let (seconds, attoseconds) = duration.components
                return String(Double(seconds) * 1000 + Double(attoseconds) / 1e15)
            }
            // Streamed, the rules are evaluated while the snapshot is read: the time of both together, then the time the
            // workers spent evaluating (their processor time, added up) and the rules of the region evaluated afterwards; and the time spent reading
            // some files again (parsing and decoding, for persons met in more than one file), which is not evaluation.
            let stages = evaluation.map {
                "snapshot and evaluate, streamed \(ms(snapshotRead - rulesRead)) ms, evaluate \(ms($0.rules)) ms, "
                    + "read again \($0.filesReadAgain) parts \(ms($0.reread)) ms"
            }
                ?? "snapshot \(ms(snapshotRead - rulesRead)) ms, evaluate \(ms(evaluated - snapshotRead)) ms"
            Terminal.writeError("timings: rules \(ms(rulesRead - started)) ms, \(stages) (\(report.rulesApplied) rules), "
                + (record ? "ledger \(ms(recorded - evaluated)) ms, " : "") + "report \(ms(clock.now - recorded)) ms\n")
            for timing in report.ruleTimings.sorted(by: { $0.duration > $1.duration }).prefix(5) {
                Terminal.writeError("timings:   \(timing.rule) \(ms(timing.duration)) ms\n")
            }
        }
        try reportOptions.conclude(report)
    }

    /// Now, in UTC; `SOURCE_DATE_EPOCH` fixes it for reproducible reports.
    static func generatedAt() -> String {
        var date = Date()
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            date = Date(timeIntervalSince1970: seconds)
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
