import ArgumentParser
import AuditEngine
import CrossRegion
import Diagnostics
import Reporters
import RuleSet

struct CrossRegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-region",
        abstract: "跨地区核查：同一人员在两个以上地区的名册中 · the check across regions, over their person-id indexes",
        discussion: """
        读取各地区由 bianzhi roster-index 导出的名册索引（每个都按人员编号排序），同时顺序读完（不必全部装入内存），
        找出在两个以上地区的名册中出现的人员；用这些人员的记录组成一个快照（机构代码写为“区划代码/机构代码”），
        以规则中跨机构核查的那些规则（调用 rosters_of 的规则，如 GW-RY-001）审计它。报告与 audit 相同，
        数据日期取各索引中最晚的一个。

        示例 Examples:
          bianzhi roster-index province-a/ --output a.tsv
          bianzhi roster-index province-b/ --output b.tsv
          bianzhi cross-region a.tsv b.tsv --format json --output cross-region.json

        退出码 Exit codes: 0 没有达到 --fail-on 级别的违规；1 有；2 索引或规则无法读取。
        """
    )

    @Argument(help: "各地区的名册索引（至少两个）· the regions' roster indexes (two or more)")
    var indexes: [String]

    @OptionGroup var reportOptions: ReportOptions

    func run() throws {
        try OutputFile.refuseOverwriting(reportOptions.output, inputs: indexes.map { ($0, "名册索引") } + [(reportOptions.rules, "规则文件夹")])
        let ruleSet = try Loading.rules(reportOptions.rules)
        let merged: CrossRegionCheck.Merged
        do {
            merged = try CrossRegionCheck.merge(indexes)
        } catch {
            var engine = DiagnosticEngine()
            engine.emit(error.diagnostic)
            try DiagnosticOutput.emit(engine, sources: SourceFileSet(), format: .text)
            throw ExitCode(2)
        }
        let across = Set(ruleSet.rules.filter(\.usesRoster).map(\.id))
        if across.isEmpty {
            Terminal.writeError("规则中没有跨机构核查的规则（调用 rosters_of 的规则），没有可核查的内容\n")
        }
        let snapshot = CrossRegionCheck.snapshot(of: merged)
        let report = AuditEngine(ruleSet: ruleSet).audit(snapshot, only: across)
        Terminal.writeError("读了 \(indexes.count) 个名册索引的 \(merged.rowsRead) 条记录，\(Set(merged.rows.map(\.person)).count) 名人员在两个以上地区的名册中\n")
        let context = ReportContext(generatedAt: AuditCommand.generatedAt(), useColor: false, toolVersion: Bianzhi.configuration.version,
                                    rules: RuleDescriptor.describing(ruleSet, only: across))
        try OutputFile.write(to: reportOptions.output) { reportOptions.format.write(report, context: context, into: &$0) }
        try reportOptions.conclude(report)
    }
}
