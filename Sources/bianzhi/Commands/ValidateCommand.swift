import ArgumentParser
import AuditEngine
import Diagnostics
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

        退出码 Exit codes: 0 规则有效（可能有警告，--strict 时警告也算失败）；1 规则有误；2 规则文件夹无法读取。
        """
    )

    @Argument(help: "规则文件夹 · the rules folder")
    var directory = "Rules"

    @Option(help: "输出格式 · text, json or github (workflow annotations)")
    var format: ValidateFormat = .text

    @Flag(help: "警告也算失败 · treat warnings as errors")
    var strict = false

    func run() throws {
        let result = RuleSet.load(directory: directory)
        var engine = result.diagnostics
        if !result.diagnostics.diagnostics.contains(where: { $0.id == "rules.notFound" }) {
            for outcome in RuleTester(engine: AuditEngine(ruleSet: result.ruleSet)).runExamples() where !outcome.passed {
                engine.emit(Diagnostic("rule.exampleMismatch", message: "\(outcome.name)：" + outcome.details.joined(separator: "；"),
                                       at: outcome.location, help: "修改示例或规则，使示例的表现与它的标注（compliant / violating）一致"))
            }
        } else {
            DiagnosticOutput.emit(engine, sources: result.sources, format: .text)
            throw ExitCode(2)
        }
        switch format {
        case .text, .json:
            DiagnosticOutput.emit(engine, sources: result.sources, format: format == .json ? .json : .text)
        case .github:
            Terminal.writeOut(GitHubAnnotations.render(engine.sorted))
        }
        let failed = engine.hasErrors || (strict && engine.warningCount > 0)
        if format == .text {
            let rules = result.ruleSet.rules.count
            let examples = result.ruleSet.rules.reduce(0) { $0 + $1.examples.count }
            Terminal.writeOut(failed
                ? "规则有误 (invalid)：\(engine.errorCount) 个错误，\(engine.warningCount) 个警告\n"
                : "规则有效 (valid)：\(rules) 条规则，\(result.ruleSet.packs.count) 个规则包，\(examples) 个示例全部符合标注；\(engine.warningCount) 个警告\n")
        }
        if failed { throw ExitCode(1) }
    }
}

enum ValidateFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, github
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
enum GitHubAnnotations {
    static func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            let level = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
            var properties: [String] = []
            if let location = diagnostic.location {
                properties = ["file=\(escape(location.path, property: true))", "line=\(location.line)", "col=\(location.column)"]
            }
            properties.append("title=\(escape(diagnostic.id.rawValue, property: true))")
            let message = diagnostic.message + (diagnostic.help.map { "（\($0)）" } ?? "")
            return "::\(level) \(properties.joined(separator: ","))::\(escape(message, property: false))\n"
        }.joined()
    }

    static func escape(_ text: String, property: Bool) -> String {
        var result = text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        if property { result = result.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
        return result
    }
}
