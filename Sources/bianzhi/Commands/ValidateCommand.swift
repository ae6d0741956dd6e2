import ArgumentParser
import Foundation
import AuditEngine
import Diagnostics
import Reporters
import RuleSet

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "检查规则：格式、类型、引用、编号、示例 · validate rule files",
        discussion: """
        在读取任何数据之前检查每条规则：字段、表达式的类型（按快照格式）、可能为空的值是否有处理、
        引用的条款是否在法规目录中、编号是否重复、每条规则是否有合规和违规示例且示例表现与标注一致。
        每个问题给出 文件:行:列（表达式内部的确切位置）和改法。

        示例 Examples:
          bianzhi validate
          bianzhi validate Rules --format github
          bianzhi validate Rules --format sarif > rules.sarif

        退出码 Exit codes: 0 规则有效（可能有警告，--strict 时警告也算失败）；1 规则有误；2 规则文件夹无法读取。
        """
    )

    @Argument(help: "规则文件夹 · the rules folder")
    var directory = "Rules"

    @Option(help: "输出格式 · text, json, sarif or github (workflow annotations)")
    var format: ValidateFormat = .text

    @Option(help: "案例文件夹：覆盖规则须在每个案例上不比被覆盖的规则宽松 · the cases folder, for the override check")
    var cases = "Cases"

    @Flag(help: "警告也算失败 · treat warnings as errors")
    var strict = false

    func run() throws {
        let result = RuleSet.load(directory: directory)
        var engine = result.diagnostics
        var sources = result.sources
        if !result.diagnostics.diagnostics.contains(where: { ["rules.notFound", "rules.notAFolder", "catalog.notFound"].contains($0.id.rawValue) }) {
            engine.emit(contentsOf: OverrideCheck(ruleSet: result.ruleSet).diagnostics(cases: CaseSnapshots.load(cases)))
            for outcome in RuleTester(engine: AuditEngine(ruleSet: result.ruleSet)).runExamples() where !outcome.passed {
                if let path = outcome.location?.path, sources[path] == nil, let bytes = RegularFile.bytes(at: path) {
                    sources.add(SourceFile(path: path, bytes: bytes))
                }
                engine.emit(Diagnostic("rule.exampleMismatch", message: "\(outcome.name)：" + outcome.details.joined(separator: "；"),
                                       at: outcome.location, help: "修改示例或规则，使示例的表现与它的标注（compliant / violating）一致"))
            }
        } else {
            try DiagnosticOutput.emit(engine, sources: result.sources, format: .text)
            throw ExitCode(2)
        }
        switch format {
        case .text, .json:
            try DiagnosticOutput.emit(engine, sources: sources, format: format == .json ? .json : .text)
        case .github:
            try Terminal.writeOut(GitHubReporter.render(diagnostics: engine.sorted))
        case .sarif:
            try Terminal.writeOut(SARIFReporter.render(diagnostics: engine.sorted, toolVersion: Bianzhi.configuration.version))
        }
        let failed = engine.hasErrors || (strict && engine.warningCount > 0)
        if format == .text {
            let rules = result.ruleSet.rules.count
            let examples = result.ruleSet.rules.reduce(0) { $0 + $1.examples.count }
            try Terminal.writeOut(failed
                ? "规则有误 (invalid)：\(engine.errorCount) 个错误，\(engine.warningCount) 个警告\n"
                : "规则有效 (valid)：\(rules) 条规则，\(result.ruleSet.packs.count) 个规则包，\(examples) 个示例全部符合标注；\(engine.warningCount) 个警告\n")
        }
        if failed { throw ExitCode(1) }
    }
}

enum ValidateFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github
}
