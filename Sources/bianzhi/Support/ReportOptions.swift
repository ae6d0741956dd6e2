import ArgumentParser
import AuditEngine
import Reporters
import RuleSet

extension ReportFormat: ExpressibleByArgument {}
extension RuleSeverity: ExpressibleByArgument {}

/// The options of the commands that audit with the rules and report what they found (`audit`, `cross-region`).
struct ReportOptions: ParsableArguments {
    @Option(help: "规则文件夹（含 catalog/ 和规则包）· the rules folder")
    var rules = "Rules"

    @Option(help: "输出格式 · text (default), json (report contract v1), sarif, junit, github, html, csv or xlsx (needs --output)")
    var format: ReportFormat = .text

    @Option(name: .customLong("fail-on"), help: "达到该级别的违规时退出码为 1 · error (default), warning or info")
    var failOn: RuleSeverity = .error

    @Option(name: .shortAndLong, help: "把报告写入该文件（整体写入，不会留下半个文件）· write the report to this file, atomically")
    var output: String?

    func validate() throws {
        if format.isBinary && (output == nil || output == "-") {
            throw ValidationError("--format \(format.rawValue) 是二进制格式，需要 --output FILE（如 --output report.xlsx）")
        }
    }

    /// After the report is written: each evaluation that failed, on standard error, at its rule; then exit 1 when a
    /// finding at or above `--fail-on` counts or an evaluation failed.
    func conclude(_ report: AuditReport) throws {
        for failure in report.failures {
            Terminal.writeError("\(failure.ruleLocation.description): error: \(failure.diagnostic.message) [audit.evaluation]\n")
        }
        if report.counting(atOrAbove: failOn) > 0 || !report.failures.isEmpty { throw ExitCode(1) }
    }
}
