/// What is generated from the schema definitions: the JSON Schema for editors and the field reference.
public enum SchemaGenerators {
    /// A JSON Schema (draft-07, which the YAML language server reads) for snapshot files.
    /// `root` is `.snapshot` for a whole snapshot or `region.yaml`, `.institutionFile` for a file under `institutions/`.
    public enum Root: String, Sendable, CaseIterable {
        case snapshot
        case institutionFile = "institution-file"
    }

    public static func jsonSchema(_ root: Root) -> OrderedJSON {
        var definitions: [(String, OrderedJSON)] = []
        for record in SnapshotSchema.records {
            definitions.append((record.name, recordSchema(record)))
        }
        for enumType in SnapshotSchema.enums {
            definitions.append((enumType.name, enumSchema(enumType)))
        }
        definitions.append(("Date", .object([
            ("type", .string("string")),
            ("pattern", .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
            ("description", .string("日期，YYYY-MM-DD")),
        ])))
        var members: [(String, OrderedJSON)] = [
            ("$schema", .string("http://json-schema.org/draft-07/schema#")),
            ("$id", .string("https://bianzhi.example/schema/snapshot-v1/\(root.rawValue).json")),
        ]
        switch root {
        case .snapshot:
            members.append(("title", .string("bianzhi 机构编制快照 v1 (snapshot)")))
            members.append(("$ref", .string("#/definitions/Snapshot")))
        case .institutionFile:
            members.append(("title", .string("bianzhi 快照 institutions/ 下的机构文件：一个机构或机构列表")))
            members.append(("oneOf", .array([
                .object([("$ref", .string("#/definitions/Institution"))]),
                .object([("type", .string("array")), ("items", .object([("$ref", .string("#/definitions/Institution"))]))]),
            ])))
        }
        members.append(("definitions", .object(definitions)))
        return .object(members)
    }

    private static func recordSchema(_ record: RecordType) -> OrderedJSON {
        var properties: [(String, OrderedJSON)] = []
        var required: [OrderedJSON] = []
        for field in record.fields {
            var schema = typeSchema(field.type, minimum: field.minimum)
            let title = OrderedJSON.string(field.label)
            let description = OrderedJSON.string(field.description)
            if case .object(var members) = schema {
                members.insert(("title", title), at: 0)
                members.insert(("description", description), at: 1)
                if case .defaulted(let value) = field.presence, let json = defaultJSON(value, type: field.type) {
                    members.append(("default", json))
                }
                schema = .object(members)
            }
            if field.isOptional {
                schema = .object([("anyOf", .array([schema, .object([("type", .string("null"))])]))])
            }
            properties.append((field.name, schema))
            if case .required = field.presence { required.append(.string(field.name)) }
        }
        var members: [(String, OrderedJSON)] = [
            ("title", .string(record.label)),
            ("description", .string(record.description)),
            ("type", .string("object")),
            ("properties", .object(properties)),
        ]
        if !required.isEmpty { members.append(("required", .array(required))) }
        members.append(("additionalProperties", .bool(false)))
        return .object(members)
    }

    private static func typeSchema(_ type: FieldType, minimum: Int?) -> OrderedJSON {
        switch type {
        case .string, .reference:
            // YAML 1.2 editors read `001234` as a number; the loader keeps it as text, so allow both.
            return .object([("type", .array([.string("string"), .string("number"), .string("boolean")]))])
        case .int:
            var members: [(String, OrderedJSON)] = [("type", .string("integer"))]
            members.append(("minimum", .int(minimum ?? -Field.integerLimit)))
            members.append(("maximum", .int(Field.integerLimit)))
            return .object(members)
        case .bool:
            return .object([("anyOf", .array([.object([("type", .string("boolean"))]), .object([("enum", .array([.string("是"), .string("否")]))])]))])
        case .date:
            return .object([("$ref", .string("#/definitions/Date"))])
        case .enumeration(let enumType):
            return .object([("$ref", .string("#/definitions/\(enumType.name)"))])
        case .list(let element):
            return .object([("type", .string("array")), ("items", typeSchema(element, minimum: nil))])
        case .record(let record):
            return .object([("$ref", .string("#/definitions/\(record.name)"))])
        case .literal(let value):
            return .object([("const", .string(value))])
        }
    }

    private static func enumSchema(_ enumType: EnumType) -> OrderedJSON {
        var values: [OrderedJSON] = []
        for enumCase in enumType.cases {
            values.append(.string(enumCase.name))
            values.append(.string(enumCase.label))
        }
        let description = enumType.cases.map { "\($0.name)=\($0.label)" }.joined(separator: ", ")
        return .object([
            ("title", .string(enumType.label)),
            ("description", .string(description)),
            ("enum", .array(values)),
        ])
    }

    private static func defaultJSON(_ value: Value, type: FieldType) -> OrderedJSON? {
        switch (value, type) {
        case (.int(let number), _): .int(number)
        case (.bool(let flag), _): .bool(flag)
        case (.list, _): .array([])
        case (.enumCase(let index), .enumeration(let enumType)): .string(enumType.cases[index].name)
        default: nil
        }
    }

    // MARK: Markdown

    /// The field reference `docs/snapshot.md`.
    public static func markdown() -> String {
        var lines: [String] = [
            "<!-- 本文件由 `bianzhi schema snapshot --format markdown` 生成，请勿手工编辑。 -->",
            "<!-- Generated from Sources/Schema/SnapshotSchema.swift; a test fails when it is stale. -->",
            "",
            "# 快照字段参考 · Snapshot field reference (v1)",
            "",
            "快照（snapshot）是一个地区的党政机构在某一日期的状态：三定规定核定了什么、实名制名册中实际有什么。",
            "它是 `bianzhi check` 和 `bianzhi audit` 的输入。快照可以是一个 YAML（或 JSON）文件，也可以是一个文件夹：",
            "`region.yaml`（含 `snapshot`、`as_of`、`region`、议事协调机构和批准例外）加 `institutions/` 下任意层级的",
            "`*.yaml`、`*.yml`、`*.json` 文件，每个文件是一个机构或一个机构列表。读取的必须是普通文件：命名管道、设备等会被拒绝（不会一直等待），",
            "`institutions/` 下无法列出的文件夹（无权限、路径太长）是错误，不会被跳过而漏掉其中的机构。",
            "",
            "- 标量按字段类型读取，不按 YAML 1.1 猜测：`id: 001234` 是文本 \"001234\"，`name: NO` 是文本 \"NO\"。",
            "- 日期写作 `YYYY-MM-DD`，必须是真实存在的日期（`2024-02-30` 是错误）。",
            "- 枚举值可以写英文名，也可以写中文标签（`category: 政府工作部门` 即 `government_department`）；全角、半角括号不影响。",
            "- 布尔值写 `true` / `false`（也接受 `是` / `否`）；整数不能加引号，绝对值不超过 \(Field.integerLimit)。",
            "- “可省略”的字段不写时为空（null），规则必须说明为空时怎么办；有默认值的字段不写时取默认值。",
            "- 编辑器支持：`bianzhi schema snapshot > snapshot.schema.json`，然后在文件开头写",
            "  `# yaml-language-server: $schema=snapshot.schema.json`；`institutions/` 下的文件用 `bianzhi schema institution-file`。",
            "- 大的单个文件：`audit` 按行把机构列表切成若干段，各段在各个线程上分别解析、审计，名册读完即释放。能切分的写法就是",
            "  导出程序通常的写法：`institutions:` 单独一行、顶格（后面只可有注释），列表的每一项各自另起一行、以同样多的空格和 `- `",
            "  开头，换行用 `\\n`（或 `\\r\\n`），行首不用制表符。其他写法（流式 `[...]`、只用 `\\r` 换行、引号内的字符串跨行后又像列表项的行等）",
            "  也能读，结果相同，只是由一个线程解析；这时还要把 `as_of` 和 `region` 写在 `institutions` 之前（如本页字段的顺序），",
            "  否则先整份装入（内存约为文件大小的 4 倍）。",
            "",
        ]
        for record in SnapshotSchema.records {
            lines.append("## \(record.label) `\(record.name)`")
            lines.append("")
            lines.append(record.description)
            lines.append("")
            lines.append("| 字段 field | 标签 | 类型 type | 必填/默认 | 说明 |")
            lines.append("|---|---|---|---|---|")
            for field in record.fields {
                let presence: String
                switch field.presence {
                case .required: presence = "必填"
                case .optional: presence = "可省略"
                case .defaulted(let value): presence = "默认 " + defaultText(value, type: field.type)
                }
                var type = typeText(field.type)
                if let minimum = field.minimum { type += "，≥ \(minimum)" }
                lines.append("| `\(field.name)` | \(field.label) | \(type) | \(presence) | \(field.description) |")
            }
            lines.append("")
        }
        lines.append("## 枚举 · Enumerations")
        lines.append("")
        for enumType in SnapshotSchema.enums {
            lines.append("### \(enumType.label) `\(enumType.name)`" + (enumType.ordered ? "（有序，从高到低）" : ""))
            lines.append("")
            lines.append("| 值 value | 中文标签 | 也接受 |")
            lines.append("|---|---|---|")
            for enumCase in enumType.cases {
                lines.append("| `\(enumCase.name)` | \(enumCase.label) | \(enumCase.aliases.joined(separator: "、")) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    private static func typeText(_ type: FieldType) -> String {
        switch type {
        case .enumeration(let enumType): "[\(enumType.name)](#\(anchor(enumType.label, enumType.name)))"
        case .record(let record): "[\(record.name)](#\(anchor(record.label, record.name)))"
        case .list(let element): "[" + typeText(element) + "]"
        case .reference(let kind): "id（\(kind == .institution ? "机构代码" : "对象代码")）"
        default: type.displayName
        }
    }

    private static func anchor(_ label: String, _ name: String) -> String {
        (label + "-" + name).lowercased()
    }

    private static func defaultText(_ value: Value, type: FieldType) -> String {
        switch (value, type) {
        case (.int(let number), _): "`\(number)`"
        case (.bool(let flag), _): "`\(flag)`"
        case (.list, _): "`[]`"
        case (.enumCase(let index), .enumeration(let enumType)): "`\(enumType.cases[index].name)`"
        case (.null, .record): "各字段取默认值"
        default: "—"
        }
    }
}
