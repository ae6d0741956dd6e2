import Schema

/// The keys of a rule file, defined once: the decoder accepts exactly these, and
/// `bianzhi schema rules` prints the JSON Schema editors use to complete and check rule files.
public enum RuleFileSchema {
    /// The form of a rule id, in the JSON Schema and in `validate`: capital letters and digits in parts joined by `-`.
    static let idPattern = "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"

    /// Whether `id` has the form of `idPattern` (checked by hand: the same rule, without a regular-expression engine).
    static func isValidID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else { return false }
        let upperOrDigit: (Unicode.Scalar) -> Bool = { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        guard let first = parts[0].unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return parts.allSatisfy { $0.unicodeScalars.allSatisfy(upperOrDigit) }
    }

    public struct Key: Sendable {
        public var name: String
        public var required: Bool
        public var description: String
        public var schema: OrderedJSON
    }

    private static let expression = OrderedJSON.object([("type", .string("string")), ("description", .string("规则表达式"))])

    public static let ruleKeys: [Key] = [
        Key(name: "id", required: true, description: "规则编号，所有包中唯一，如 GW-ST-001", schema: .object([("type", .string("string")), ("pattern", .string(RuleFileSchema.idPattern))])),
        Key(name: "title", required: true, description: "中文标题", schema: .object([("type", .string("string"))])),
        Key(name: "severity", required: true, description: "严重程度", schema: .object([("enum", .array(RuleSeverity.allCases.reversed().map { .string($0.rawValue) }))])),
        Key(name: "description", required: false, description: "说明", schema: .object([("type", .string("string"))])),
        Key(name: "scope", required: true, description: "一次计算的对象", schema: .object([("enum", .array(RuleScope.allCases.map { .string($0.rawValue) }))])),
        Key(name: "each", required: false, description: "逐一列举：{名称: 列表表达式}", schema: .object([
            ("type", .string("object")), ("minProperties", .int(1)), ("maxProperties", .int(1)), ("additionalProperties", expression)])),
        Key(name: "key", required: false, description: "与 each 一起：区分多处违规的键", schema: expression),
        Key(name: "when", required: false, description: "适用条件（布尔表达式）", schema: expression),
        Key(name: "let", required: false, description: "命名的中间值：名称: 表达式", schema: .object([("type", .string("object")), ("additionalProperties", expression)])),
        Key(name: "require", required: true, description: "必须成立的条件", schema: expression),
        Key(name: "message", required: true, description: "中文信息模板，{表达式} 处插入值", schema: .object([("type", .string("string"))])),
        Key(name: "cite", required: true, description: "引用：法规目录中的条款、sanding 或 region_limits", schema: .object([
            ("type", .string("array")), ("minItems", .int(1)),
            ("items", .object([
                ("type", .string("object")),
                ("properties", .object([
                    ("source", .object([("type", .string("string"))])),
                    ("article", .object([("type", .string("integer")), ("minimum", .int(1))])),
                    ("paragraph", .object([("type", .string("integer")), ("minimum", .int(1))])),
                    ("item", .object([("type", .string("integer")), ("minimum", .int(1))])),
                    ("part", .object([("type", .array([.string("integer"), .string("string")]))])),
                ])),
                ("required", .array([.string("source")])),
                ("additionalProperties", .bool(false)),
            ])),
        ])),
        Key(name: "effective", required: false, description: "有效期 {from, until}", schema: .object([
            ("type", .string("object")),
            ("properties", .object([("from", .object([("type", .string("string"))])), ("until", .object([("type", .string("string"))]))])),
            ("additionalProperties", .bool(false)),
        ])),
        Key(name: "overrides", required: false, description: "地方包收紧的中央规则编号", schema: .object([("type", .string("string"))])),
        Key(name: "examples", required: true, description: "合规和违规示例，作为测试运行", schema: .object([
            ("type", .string("object")),
            ("properties", .object([
                ("compliant", .object([("type", .string("array")), ("minItems", .int(1)), ("items", .object([("type", .string("object"))]))])),
                ("violating", .object([("type", .string("array")), ("minItems", .int(1)), ("items", .object([("type", .string("object"))]))])),
            ])),
            ("required", .array([.string("compliant"), .string("violating")])),
            ("additionalProperties", .bool(false)),
        ])),
    ]

    public static var keyNames: [String] { ruleKeys.map(\.name) }

    /// The JSON Schema (draft-07) of a rule file: a list of rules, or `{rules: [...]}`.
    public static func jsonSchema() -> OrderedJSON {
        var properties: [(String, OrderedJSON)] = []
        for key in ruleKeys {
            var schema = key.schema
            if case .object(var members) = schema {
                members.insert(("description", .string(key.description)), at: 0)
                schema = .object(members)
            }
            properties.append((key.name, schema))
        }
        let rule = OrderedJSON.object([
            ("type", .string("object")),
            ("properties", .object(properties)),
            ("required", .array(ruleKeys.filter(\.required).map { .string($0.name) })),
            ("additionalProperties", .bool(false)),
        ])
        let list = OrderedJSON.object([("type", .string("array")), ("items", .object([("$ref", .string("#/definitions/Rule"))]))])
        return .object([
            ("$schema", .string("http://json-schema.org/draft-07/schema#")),
            ("$id", .string("https://bianzhi.example/schema/rules-v1.json")),
            ("title", .string("bianzhi 规则文件 (rule file)")),
            ("oneOf", .array([list, .object([("type", .string("object")), ("properties", .object([("rules", list)])),
                                              ("required", .array([.string("rules")])), ("additionalProperties", .bool(false))])])),
            ("definitions", .object([("Rule", rule)])),
        ])
    }
}
