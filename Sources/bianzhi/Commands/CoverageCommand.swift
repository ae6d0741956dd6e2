import ArgumentParser
import RuleSet

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "法规覆盖情况：每条已有规则、不可检查或待编写 · which articles the rules check",
        discussion: """
        对法规目录中每部法规的每一条，列出检查它的规则；目录标为不可检查的，列出理由；其余为待编写。
        --require 所列法规（默认 tiaoli、gwy486、gwy227）中有待编写的条文时退出码为 1，供 CI 使用。

        示例 Examples:
          bianzhi coverage
          bianzhi coverage --format markdown > docs/coverage.md
          bianzhi coverage --format json --require tiaoli,gwy486,gwy227

        退出码 Exit codes: 0 所要求的法规每条都已归类；1 有待编写的条文；2 规则无法读取。
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Argument(help: "规则文件夹 · the rules folder")
    var directory = "Rules"

    @Option(help: "输出格式 · text, json or markdown")
    var format: Format = .text

    @Option(help: "必须每条都归类的法规，逗号分隔 · regulations whose every article must be checked or classified")
    var require = "tiaoli,gwy486,gwy227"

    func run() throws {
        let coverage = Coverage(ruleSet: try Loading.rules(directory))
        switch format {
        case .text: try Terminal.writeOut(coverage.text())
        case .json: try Terminal.writeOut(coverage.json().rendered() + "\n")
        case .markdown: try Terminal.writeOut(coverage.markdown())
        }
        let keys = require.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let open = coverage.openArticles(in: keys)
        if !open.isEmpty {
            let list = open.map { "\($0.regulation.key) 第\($0.article.number)条" }.joined(separator: "、")
            Terminal.writeError("error: \(open.count) 条待编写（既无规则也未标为不可检查）：\(list)\n"
                + "      = 帮助 help: 为这些条文编写规则，或在 Rules/catalog 中写明 not_checkable: 理由\n")
            throw ExitCode(1)
        }
    }
}
