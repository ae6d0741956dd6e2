import Catalog

/// The rule reference `docs/rules/`, generated from the rule files (as SwiftLint generates its rule directory).
public enum RuleReference {
    /// File name → content: `README.md` (the index) and one page per pack.
    public static func pages(for ruleSet: RuleSet) -> [(name: String, content: String)] {
        let header = "<!-- 由 `bianzhi docs rules` 从 Rules/ 生成，请勿手工编辑；测试会在过期时失败。 -->\n\n"
        var index = header + "# 规则参考 · Rule reference\n\n"
        index += "共 \(ruleSet.rules.count) 条规则，\(ruleSet.packs.count) 个规则包。规则语言见 [../rule-language.md](../rule-language.md)。\n\n"
        index += "| 规则 | 标题 | 级别 | 对象 | 规则包 |\n|---|---|---|---|---|\n"
        for rule in ruleSet.rules.sorted(by: { $0.id < $1.id }) {
            index += "| [\(rule.id)](\(rule.pack).md#\(rule.id.lowercased())) | \(rule.title) | \(rule.severity.rawValue) | \(rule.scope.rawValue) | \(rule.pack) |\n"
        }
        var pages = [(name: "README.md", content: index)]
        for pack in ruleSet.packs {
            let rules = ruleSet.rules.filter { $0.pack == pack }.sorted { $0.id < $1.id }
            var page = header + "# 规则包 `\(pack)`\n\n"
            if rules.isEmpty { page += "（本包暂无规则）\n" }
            for rule in rules {
                page += "## \(rule.id)\n\n**\(rule.title)** · \(rule.severity.label) `\(rule.severity.rawValue)` · 对象 \(rule.scope.label) `\(rule.scope.rawValue)`"
                if let target = rule.overrides { page += " · 覆盖 `\(target)`" }
                page += "\n\n"
                if let description = rule.description { page += description + "\n\n" }
                page += "依据：" + rule.citations.map { citationText($0, catalog: ruleSet.catalog) }.joined(separator: "；") + "\n\n"
                page += "```yaml\n"
                if let each = rule.source.each, let name = rule.eachName { page += "each: {\(name): \(each)}\n" }
                if let when = rule.source.when { page += "when: \(when)\n" }
                if !rule.source.lets.isEmpty {
                    page += "let:\n"
                    for binding in rule.source.lets { page += "  \(binding.name): \(binding.expression.replacingOccurrences(of: "\n", with: " "))\n" }
                }
                page += "require: \(rule.source.require.replacingOccurrences(of: "\n", with: " "))\n"
                page += "message: \"\(rule.source.message)\"\n```\n\n"
                for kind in [RuleExample.Kind.compliant, .violating] {
                    let examples = rule.examples.filter { $0.kind == kind }
                    guard !examples.isEmpty else { continue }
                    page += kind == .compliant ? "合规示例：\n\n" : "违规示例：\n\n"
                    page += "```yaml\n" + examples.map(\.sourceText).joined(separator: "\n") + "\n```\n\n"
                }
            }
            pages.append((name: "\(pack).md", content: page))
        }
        return pages
    }

    /// A citation as written in a rule, before it is resolved against an institution's 三定 规定.
    public static func citationText(_ citation: CitationSpec, catalog: RegulationCatalog) -> String {
        switch citation.target {
        case .catalog(let reference):
            let regulation = reference.version.flatMap { catalog.regulation(key: reference.source, version: $0) } ?? catalog.latest(key: reference.source)
            guard let regulation else { return reference.source }
            let text = CitationText(reference, in: regulation).description
            let verified = regulation.article(reference.article ?? reference.part ?? 0)?.verified ?? false
            let version = reference.version.map { "（\($0)年版）" } ?? ""
            return text + version + (verified ? "" : "（待核）")
        case .sanding(let part):
            let names = ["functions": "主要职责", "internal_units": "内设机构", "staffing": "人员编制和领导职数"]
            return "被审计机构的三定规定（\(names[part] ?? part)条款）"
        case .regionLimits:
            return "地区机构编制限额的核定文件"
        }
    }
}
