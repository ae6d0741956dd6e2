import ArgumentParser
import Foundation
import RuleSet

struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "生成规则参考 docs/rules/ · generate the rule reference from the rule files",
        discussion: """
        示例 Example:
          bianzhi docs rules --output docs/rules
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case rules }

    @Argument(help: "生成什么 · what to generate: rules")
    var kind: Kind

    @Option(help: "规则文件夹 · the rules folder")
    var rules = "Rules"

    @Option(help: "输出文件夹 · the output folder")
    var output = "docs/rules"

    func run() throws {
        let ruleSet = try Loading.rules(rules)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let pages = RuleReference.pages(for: ruleSet)
        let wanted = Set(pages.map(\.name))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? [] where name.hasSuffix(".md") && !wanted.contains(name) {
            try FileManager.default.removeItem(atPath: output + "/" + name)
        }
        for page in pages {
            try Data(page.content.utf8).write(to: URL(fileURLWithPath: output + "/" + page.name), options: .atomic)
        }
        try Terminal.writeOut("已生成 \(pages.count) 个文件到 \(output)/\n")
    }
}
