/// A position that libyaml reports: 1-based line and column (Unicode scalars).
public struct YAMLMark: Hashable, Sendable {
    public var line: Int32
    public var column: Int32

    public init(line: Int32, column: Int32) {
        self.line = line
        self.column = column
    }
}

/// One node of a YAML document, with where it starts and ends in its file.
///
/// Aliases are resolved: an alias is the anchored node itself (shared, not copied).
public struct YAMLNode: Sendable {
    public enum Kind: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var kind: Kind
    public var start: YAMLMark
    public var end: YAMLMark

    public init(kind: Kind, start: YAMLMark, end: YAMLMark) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// The scalar, when this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// A short English/Chinese name for the node's kind, for messages.
    public var kindDescription: String {
        switch kind {
        case .scalar(let scalar): scalar.isNull ? "空值 (null)" : "标量 (scalar)"
        case .sequence: "列表 (sequence)"
        case .mapping: "映射 (mapping)"
        }
    }
}

/// A key and its value in a mapping, in the order written.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A scalar as written: its text, how it was quoted, and its explicit tag if any.
/// Typing is left to the schema: `001234` is not turned into a number here.
public struct YAMLScalar: Sendable, Hashable {
    public enum Style: UInt8, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style
    /// An explicit tag such as `tag:yaml.org,2002:str`, or nil.
    public var tag: String?

    public init(value: String, style: Style, tag: String? = nil) {
        self.value = value
        self.style = style
        self.tag = tag
    }

    /// A plain, untagged scalar that YAML reads as null: empty, `~`, `null`.
    public var isNull: Bool {
        guard style == .plain, tag == nil else { return false }
        var text = value
        return text.withUTF8 { YAMLScalar.isNullSpelling($0) }
    }

    /// The texts that a plain, untagged scalar spells null with: empty, `~`, `null`, `Null`, `NULL`.
    public static func isNullSpelling(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 0: return true
        case 1: return bytes[0] == UInt8(ascii: "~")
        case 4: return bytes.elementsEqual("null".utf8) || bytes.elementsEqual("Null".utf8) || bytes.elementsEqual("NULL".utf8)
        default: return false
        }
    }

    /// True when the author marked the scalar as text (quotes, block style or `!!str`).
    public var isExplicitString: Bool {
        style != .plain || tag == "tag:yaml.org,2002:str"
    }
}
