import Diagnostics
import Schema
import SnapshotLoader
import YAMLLoader

/// Examples are written at the level of the rule's scope (an institution, a coordination
/// body) or as `snapshot: {...}`; the required fields they leave out come from templates.
extension RuleDecoder {
    static let snapshotTemplate = "{snapshot: v1, as_of: 2024-06-30, region: {code: EX, name: 示例县, level: county}}"
    static let institutionTemplate = "{id: EX, name: 示例机构, category: government_department, rank: section, within_limit: true, approved: {leadership: {principal: 1, deputy: 2}}}"
    static let bodyTemplate = "{id: EX-BODY, name: 示例议事协调机构, established: 2020-01-01, temporary: false}"

    static func template(_ text: String) -> YAMLNode {
        let result = YAMLParser.parse(SourceFile(path: "<template>", text: text))
        return result.root ?? YAMLNode(kind: .mapping([]), start: YAMLMark(line: 1, column: 1), end: YAMLMark(line: 1, column: 1))
    }

    /// `over` laid onto `base`: keys of both mappings kept, nested mappings merged, `over` winning.
    static func merge(_ base: YAMLNode, _ over: YAMLNode) -> YAMLNode {
        guard case .mapping(let basePairs) = base.kind, case .mapping(let overPairs) = over.kind else { return over }
        var result = overPairs
        for pair in basePairs {
            guard let key = pair.key.scalar?.value else { continue }
            if let index = result.firstIndex(where: { $0.key.scalar?.value == key }) {
                result[index].value = merge(pair.value, result[index].value)
            } else {
                result.append(pair)
            }
        }
        return YAMLNode(kind: .mapping(result), start: over.start, end: over.end)
    }

    static func scalarNode(_ text: String, at mark: YAMLMark) -> YAMLNode {
        YAMLNode(kind: .scalar(YAMLScalar(value: text, style: .plain)), start: mark, end: mark)
    }

    /// A mapping without the given keys, and the removed values.
    static func split(_ node: YAMLNode, removing names: [String]) -> (YAMLNode, [String: YAMLNode]) {
        guard case .mapping(let pairs) = node.kind else { return (node, [:]) }
        var kept: [YAMLPair] = []
        var removed: [String: YAMLNode] = [:]
        for pair in pairs {
            if let key = pair.key.scalar?.value, names.contains(key) { removed[key] = pair.value } else { kept.append(pair) }
        }
        return (YAMLNode(kind: .mapping(kept), start: node.start, end: node.end), removed)
    }

    /// Builds the snapshot tree of one example.
    func exampleTree(_ node: YAMLNode, scope: RuleScope) -> (YAMLNode, YAMLNode?) {
        let (body, extras) = RuleDecoder.split(node, removing: ["findings", "as_of", "snapshot"])
        var fragment: YAMLNode
        if let snapshot = extras["snapshot"] {
            fragment = snapshot
        } else {
            switch scope {
            case .region:
                fragment = body
            case .institution, .person, .event:
                let list = YAMLNode(kind: .sequence([body]), start: body.start, end: body.end)
                fragment = YAMLNode(kind: .mapping([YAMLPair(key: RuleDecoder.scalarNode("institutions", at: body.start), value: list)]),
                                    start: body.start, end: body.end)
            case .coordinationBody:
                let list = YAMLNode(kind: .sequence([body]), start: body.start, end: body.end)
                fragment = YAMLNode(kind: .mapping([YAMLPair(key: RuleDecoder.scalarNode("coordination_bodies", at: body.start), value: list)]),
                                    start: body.start, end: body.end)
            }
        }
        if let asOf = extras["as_of"], case .mapping(var pairs) = fragment.kind {
            pairs.append(YAMLPair(key: RuleDecoder.scalarNode("as_of", at: asOf.start), value: asOf))
            fragment = YAMLNode(kind: .mapping(pairs), start: fragment.start, end: fragment.end)
        }
        // Fill each institution and body with the required fields it leaves out.
        if case .mapping(var pairs) = fragment.kind {
            for index in pairs.indices {
                guard let key = pairs[index].key.scalar?.value, case .sequence(let items) = pairs[index].value.kind else { continue }
                let template: YAMLNode
                switch key {
                case "institutions": template = RuleDecoder.template(RuleDecoder.institutionTemplate)
                case "coordination_bodies": template = RuleDecoder.template(RuleDecoder.bodyTemplate)
                default: continue
                }
                pairs[index].value = YAMLNode(kind: .sequence(items.map { RuleDecoder.merge(template, $0) }),
                                              start: pairs[index].value.start, end: pairs[index].value.end)
            }
            fragment = YAMLNode(kind: .mapping(pairs), start: fragment.start, end: fragment.end)
        }
        return (RuleDecoder.merge(RuleDecoder.template(RuleDecoder.snapshotTemplate), fragment), extras["findings"])
    }

    mutating func decodeExamples(_ node: YAMLNode?, scope: RuleScope, ruleNode: YAMLNode) -> [RuleExample] {
        guard let node else {
            error("rule.missingExamples", "规则没有示例：至少需要一个合规示例 (compliant) 和一个违规示例 (violating)", at: ruleNode,
                  help: "添加 examples: {compliant: [...], violating: [...]}")
            return []
        }
        guard let keys = pairs(of: node, allowed: ["compliant", "violating"], what: "examples") else { return [] }
        var examples: [RuleExample] = []
        for kind in [RuleExample.Kind.compliant, .violating] {
            guard let list = keys[kind.rawValue]?.value, case .sequence(let items) = list.kind, !items.isEmpty else {
                error("rule.missingExamples", "至少需要一个\(kind == .compliant ? "合规示例 (compliant)" : "违规示例 (violating)")",
                      at: keys[kind.rawValue]?.value ?? node, help: "每条规则都要有合规和违规两种示例，作为测试运行")
                continue
            }
            for (index, item) in items.enumerated() {
                guard case .mapping = item.kind else {
                    error("rule.typeMismatch", "示例应为映射（一个\(scope.label)或 snapshot: {...}）", at: item)
                    continue
                }
                let findings = RuleDecoder.split(item, removing: ["findings"]).1["findings"]
                var expected: Int?
                if let findings {
                    expected = findings.scalar.flatMap { Int($0.value) }
                    if expected == nil || kind == .compliant {
                        error("rule.typeMismatch", "findings 只用于违规示例，应为正整数", at: findings)
                    } else if let count = expected, count < 1 {
                        // A violating example with no finding is a compliant one written in the wrong list.
                        error("rule.typeMismatch", "违规示例的 findings 应为正整数，实际是 \(count)", at: findings,
                              help: "不产生发现的示例是合规示例：移到 compliant 下，去掉 findings")
                        expected = nil
                    }
                }
                guard self.examples == .decoded else { continue }
                let (tree, _) = exampleTree(item, scope: scope)
                let result = SnapshotLoader().load(root: tree, path: file.path)
                for diagnostic in result.diagnostics.diagnostics {
                    var copy = diagnostic
                    copy.id = DiagnosticID("rule.example." + (diagnostic.id.rawValue.split(separator: ".").last.map(String.init) ?? "invalid"))
                    copy.message = "示例不是有效的快照：" + diagnostic.message
                    diagnostics.append(copy)
                }
                if let snapshot = result.snapshot {
                    let lines = (Int(item.start.line)...max(Int(item.start.line), Int(item.end.line))).compactMap { file.text(ofLine: $0) }
                    let indent = Int(item.start.column) - 1
                    let text = lines.enumerated().map { index, line in
                        let dropped = index == 0 ? String(line.unicodeScalars.dropFirst(indent).map(Character.init)) : line
                        return dropped
                    }.joined(separator: "\n")
                    examples.append(RuleExample(kind: kind, index: index, snapshot: snapshot, expectedFindings: expected,
                                                location: SourceLocation(path: file.path, line: Int(item.start.line), column: Int(item.start.column)),
                                                sourceText: text))
                }
            }
        }
        return examples
    }
}
