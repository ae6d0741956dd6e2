import ArgumentParser
import AuditEngine
import Reporters
import RuleSet

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "运行全部规则示例和审计案例 · run every rule example and every case",
        discussion: """
        每条规则的合规示例必须不产生该规则的发现，违规示例必须产生；Cases/ 下每个案例（case.yaml）的审计
        必须恰好产生它列出的发现。最后一行是 `N passed, N failed`。

        示例 Examples:
          bianzhi test
          bianzhi test Rules --cases Cases
          bianzhi test --format github

        退出码 Exit codes: 0 全部通过；1 有失败，或规则有误（与 validate 相同）；2 规则文件夹不存在或无法读取。
        """
    )

    @Argument(help: "规则文件夹 · the rules folder")
    var directory = "Rules"

    @Option(help: "案例文件夹 · the cases folder")
    var cases = "Cases"

    @Flag(help: "只显示失败和总数 · show only failures and the totals")
    var quiet = false

    @Option(help: "输出格式 · text (default), json, sarif or github (workflow annotations for failures)")
    var format: TestFormat = .text

    func run() throws {
        // Rules with errors are a failure of the rules, as `validate` says (1); a missing rules folder is 2.
        let ruleSet = try Loading.rules(directory, failure: 1)
        let tester = RuleTester(engine: AuditEngine(ruleSet: ruleSet))
        let caseRun = tester.runCases(in: cases)
        let outcomes = tester.runExamples() + caseRun.outcomes
        var output = ""
        for outcome in outcomes where !quiet || !outcome.passed {
            output += (outcome.passed ? "✓ " : "✗ ") + outcome.name + "\n"
            for detail in outcome.details {
                output += "    " + detail + "\n"
            }
            // Where to look: the example in its rule file, or the case's case.yaml.
            if !outcome.passed, let location = outcome.location {
                output += "    位置：\(location.description)\n"
            }
        }
        let passed = outcomes.filter(\.passed).count
        let failed = outcomes.count - passed
        output += "\(passed) passed, \(failed) failed\n"
        switch format {
        case .text: try Terminal.writeOut(output)
        case .json: try Terminal.writeOut(JSONReporter.render(outcomes: outcomes))
        case .sarif: try Terminal.writeOut(SARIFReporter.render(outcomes: outcomes, toolVersion: Bianzhi.configuration.version))
        case .github: try Terminal.writeOut(GitHubReporter.render(outcomes: outcomes) + "\(passed) passed, \(failed) failed\n")
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

enum TestFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github
}
