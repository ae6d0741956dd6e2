import ArgumentParser
import AuditEngine
import Foundation
import Reporters
import RuleSet

extension ReportFormat: ExpressibleByArgument {}
extension RuleSeverity: ExpressibleByArgument {}

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
          bianzhi audit snapshot.yaml --fail-on warning --as-of 2024-12-31

        退出码 Exit codes: 0 没有达到 --fail-on 级别的违规；1 有；2 快照或规则无法读取（标准输出为空）。
        """
    )

    @Argument(help: "快照文件或文件夹 · the snapshot file or folder")
    var snapshot: String

    @Option(help: "规则文件夹（含 catalog/ 和规则包）· the rules folder")
    var rules = "Rules"

    @Option(help: "输出格式 · text (default) or json (report contract v1)")
    var format: ReportFormat = .text

    @Option(name: .customLong("fail-on"), help: "达到该级别的违规时退出码为 1 · error (default), warning or info")
    var failOn: RuleSeverity = .error

    @Option(name: .customLong("as-of"), help: "按该日期审计（默认用快照的 as_of）· audit as of this date (YYYY-MM-DD)")
    var asOf: String?

    @Option(name: .customLong("only"), parsing: .upToNextOption, help: "只运行这些规则 · run only these rule ids")
    var only: [String] = []

    func run() throws {
        let date = try Loading.date(asOf)
        let ruleSet = try Loading.rules(rules)
        var loaded = try Loading.snapshot(snapshot)
        if let date { loaded = loaded.with(asOf: date) }
        let report = AuditEngine(ruleSet: ruleSet).audit(loaded, only: only.isEmpty ? nil : Set(only))
        let reporter = format.reporter(generatedAt: AuditCommand.generatedAt(), useColor: format == .text && Terminal.useColor(onStandardError: false))
        Terminal.writeOut(reporter.render(report))
        for failure in report.failures {
            Terminal.writeError("\(failure.ruleLocation.description): error: \(failure.diagnostic.message) [audit.evaluation]\n")
        }
        if report.counting(atOrAbove: failOn) > 0 || !report.failures.isEmpty { throw ExitCode(1) }
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
