import Schema

/// The static type of a rule expression. Schema fields map onto these; optional
/// fields become `.optional`, which must be handled before use.
public indirect enum RuleType: Hashable, Sendable {
    case int, bool, string, date
    case enumeration(EnumType)
    case list(RuleType)
    case record(RecordType)
    case optional(RuleType)
    /// The type of the literal `null`.
    case null
    /// The type of the literal `[]`, which fits any list.
    case emptyList

    /// The type a schema field has in expressions.
    public init(field: Field) {
        let base = RuleType(fieldType: field.type)
        self = field.isOptional ? .optional(base) : base
    }

    public init(fieldType: FieldType) {
        switch fieldType {
        case .string, .reference, .literal: self = .string
        case .int: self = .int
        case .bool: self = .bool
        case .date: self = .date
        case .enumeration(let enumType): self = .enumeration(enumType)
        case .list(let element): self = .list(RuleType(fieldType: element))
        case .record(let record): self = .record(record)
        }
    }

    public var isOptional: Bool {
        if case .optional = self { return true }
        if case .null = self { return true }
        return false
    }

    /// The type without its optional wrapper.
    public var unwrapped: RuleType {
        if case .optional(let inner) = self { return inner }
        return self
    }

    public var elementType: RuleType? {
        switch self {
        case .list(let element): element
        case .emptyList: .null
        default: nil
        }
    }

    /// Can values of this type be ordered with `<`?
    public var isOrdered: Bool {
        switch self {
        case .int, .date: true
        case .enumeration(let enumType): enumType.ordered
        default: false
        }
    }

    /// How the type is named in messages.
    public var displayName: String {
        switch self {
        case .int: "整数 int"
        case .bool: "布尔 bool"
        case .string: "文本 string"
        case .date: "日期 date"
        case .enumeration(let enumType): "\(enumType.label) \(enumType.name)"
        case .list(let element): "列表 [\(element.shortName)]"
        case .record(let record): "\(record.label) \(record.name)"
        case .optional(let inner): "可能为空的 \(inner.shortName)?"
        case .null: "null"
        case .emptyList: "空列表 []"
        }
    }

    var shortName: String {
        switch self {
        case .int: "int"
        case .bool: "bool"
        case .string: "string"
        case .date: "date"
        case .enumeration(let enumType): enumType.name
        case .list(let element): "[\(element.shortName)]"
        case .record(let record): record.name
        case .optional(let inner): "\(inner.shortName)?"
        case .null: "null"
        case .emptyList: "[]"
        }
    }

    /// The common type of two branches or list elements, if there is one.
    static func unify(_ a: RuleType, _ b: RuleType) -> RuleType? {
        if a == b { return a }
        switch (a, b) {
        case (.emptyList, .list), (.null, .optional): return b
        case (.list, .emptyList), (.optional, .null): return a
        case (.null, _): return .optional(b)
        case (_, .null): return .optional(a)
        case (.optional(let inner), _) where inner == b: return a
        case (_, .optional(let inner)) where inner == a: return b
        case (.list(let x), .list(let y)): return unify(x, y).map { .list($0) }
        default: return nil
        }
    }
}

/// Record types that exist only in expressions.
public enum SyntheticRecords {
    /// One row of all rosters: a person and the institution whose roster lists them.
    public static let rosterEntry = RecordType(name: "RosterEntry", label: "名册行", description: "一个人和列出此人的机构", fields: [
        Field("person", "人员", .record(SnapshotSchema.person), .required, "名册中的人员"),
        Field("institution", "机构", .record(SnapshotSchema.institution), .required, "名册所属的机构"),
    ])

    /// The result of `group_by`: a key, the items with that key, and how many.
    static func group(key: RuleType, item: RuleType) -> RecordType {
        RecordType(name: "Group<\(key.shortName),\(item.shortName)>", label: "分组", description: "group_by 的一组", fields: [
            Field("key", "键", .string, .required, "分组的键"),
            Field("items", "元素", .list(.string), .required, "该组的元素"),
            Field("count", "个数", .int, .required, "该组的元素个数"),
        ])
    }
}
