import Diagnostics
import Schema
import YAMLLoader

/// Turns YAML nodes into typed values, as the schema says: scalars are typed by the
/// field they fill, never by YAML 1.1 guessing (`id: 001234` stays "001234").
/// Every problem is collected, with the node's location.
struct ValueDecoder {
    let path: String
    let fileIndex: Int32
    private(set) var errors: [SnapshotError] = []

    init(path: String, fileIndex: Int32) {
        self.path = path
        self.fileIndex = fileIndex
    }

    func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(path: path, line: Int(mark.line), column: Int(mark.column))
    }

    func valueMark(_ node: YAMLNode) -> ValueMark {
        ValueMark(file: fileIndex, line: node.start.line, column: node.start.column)
    }

    private mutating func fail(_ kind: SnapshotError.Kind, _ node: YAMLNode) {
        errors.append(SnapshotError(kind, at: location(node.start), end: location(node.end)))
    }

    /// Decodes a mapping as a record of `type`: defaults filled in, unknown and missing fields reported. `field` is the
    /// field that holds it (nil for a list item); `topLevel` says it is a whole file, for the message when it is no mapping.
    mutating func decodeRecord(_ node: YAMLNode, as type: RecordType, field: Field? = nil, topLevel: Bool = false) -> Record {
        var values = [Value](repeating: .null, count: type.fields.count)
        var marks = [ValueMark](repeating: .none, count: type.fields.count)
        var written = [Bool](repeating: false, count: type.fields.count)
        guard case .mapping(let pairs) = node.kind else {
            if node.scalar?.isNull == true {
                // An empty value stands for an empty mapping: defaults apply, required fields are missing.
                return finishRecord(type, values: &values, marks: &marks, written: written, at: node)
            }
            if topLevel {
                fail(.topLevelNotMapping(type, found: describe(node)), node)
            } else {
                fail(.typeMismatch(field, expected: .record(type), found: describe(node)), node)
            }
            return Record(values: values, marks: marks, mark: valueMark(node))
        }
        for pair in pairs {
            guard let key = pair.key.scalar?.value else { continue }
            guard let slot = type.slot(of: key) else {
                let labelMatch = type.fields.first { EnumType.normalize($0.label) == EnumType.normalize(key) }?.name
                let suggestion = Suggestion.closest(to: key, in: type.fields.map(\.name))
                fail(.unknownField(key, record: type, suggestion: suggestion, labelMatch: labelMatch), pair.key)
                continue
            }
            let field = type.fields[slot]
            written[slot] = true
            marks[slot] = valueMark(pair.value)
            if pair.value.scalar?.isNull == true {
                switch field.presence {
                case .optional:
                    values[slot] = .null
                    continue
                case .defaulted:
                    written[slot] = false
                    continue
                case .required:
                    fail(.missingField(field, record: type), pair.value)
                    continue
                }
            }
            values[slot] = decode(pair.value, as: field.type, field: field)
        }
        return finishRecord(type, values: &values, marks: &marks, written: written, at: node)
    }

    private mutating func finishRecord(_ type: RecordType, values: inout [Value], marks: inout [ValueMark],
                                       written: [Bool], at node: YAMLNode) -> Record {
        for (slot, field) in type.fields.enumerated() where !written[slot] {
            switch field.presence {
            case .required:
                errors.append(SnapshotError(.missingField(field, record: type), at: location(node.start)))
            case .optional:
                values[slot] = .null
            case .defaulted(let value):
                if case .record(let nested) = field.type, value.isNull {
                    let empty = YAMLNode(kind: .mapping([]), start: node.start, end: node.start)
                    values[slot] = .record(decodeRecord(empty, as: nested))
                } else {
                    values[slot] = value
                }
            }
        }
        return Record(values: values, marks: marks, mark: valueMark(node))
    }

    mutating func decode(_ node: YAMLNode, as type: FieldType, field: Field?) -> Value {
        switch type {
        case .record(let recordType):
            return .record(decodeRecord(node, as: recordType, field: field))
        case .list(let element):
            switch node.kind {
            case .sequence(let items):
                var values: [Value] = []
                values.reserveCapacity(items.count)
                for item in items {
                    values.append(decode(item, as: element, field: nil))
                }
                return .list(values)
            case .scalar(let scalar) where scalar.isNull:
                return .list([])
            default:
                fail(.typeMismatch(field, expected: type, found: describe(node)), node)
                return .list([])
            }
        default:
            guard let scalar = node.scalar else {
                fail(.typeMismatch(field, expected: type, found: describe(node)), node)
                return .null
            }
            if scalar.isNull {
                fail(.typeMismatch(field, expected: type, found: "空值 (null)"), node)
                return .null
            }
            return decodeScalar(scalar, node: node, as: type, field: field)
        }
    }

    /// Whether UTF-8 `bytes` hold a control character other than tab and line breaks (C0, DEL or C1).
    static func hasControlCharacter(_ bytes: some Sequence<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { return true }
            if byte == 0x7F { return true }
            // C1 (U+0080–U+009F) is 0xC2 0x80–0x9F in UTF-8.
            if previous == 0xC2, (0x80...0x9F).contains(byte) { return true }
            previous = byte
        }
        return false
    }

    private mutating func decodeScalar(_ scalar: YAMLScalar, node: YAMLNode, as type: FieldType, field: Field?) -> Value {
        let text = scalar.value
        // YAML's own tags (`!!str`) are understood; any other means something to the file's author that the loader ignores.
        if let tag = scalar.tag, !tag.hasPrefix("tag:yaml.org,2002:") {
            fail(.ignoredTag(field, tag: tag), node)
        }
        switch type {
        case .string, .reference:
            // Control characters made by escapes ("\e[2J", "\a") would be printed as they are by the text report and
            // the terminal would obey them: refused here, once, for every output.
            if ValueDecoder.hasControlCharacter(text.utf8) {
                fail(.controlCharacter(field, text: text), node)
                return .string(text)
            }
            return .string(text)
        case .int:
            if scalar.isExplicitString {
                if Int(text) != nil {
                    fail(.quotedNumber(field, text: text), node)
                } else {
                    fail(.typeMismatch(field, expected: type, found: "文本 '\(text)'"), node)
                }
                return .null
            }
            guard isDecimalInteger(text) else {
                fail(.typeMismatch(field, expected: type, found: "'\(text)'"), node)
                return .null
            }
            guard let value = Int(text), value.magnitude <= Field.integerLimit else {
                fail(.integerOverflow(field, text: text), node)
                return .null
            }
            if let field, let minimum = field.minimum, value < minimum {
                fail(.belowMinimum(field, value: value, minimum: minimum), node)
            }
            return .int(value)
        case .bool:
            if !scalar.isExplicitString {
                switch text {
                case "true", "是": return .bool(true)
                case "false", "否": return .bool(false)
                default: break
                }
            }
            fail(.typeMismatch(field, expected: type, found: "'\(text)'"), node)
            return .null
        case .date:
            if let date = CivilDate(parsing: text) { return .date(date) }
            fail(.badDate(field, text: text, shapeOK: CivilDate.hasDateShape(text)), node)
            return .null
        case .enumeration(let enumType):
            if let index = enumType.index(of: text) { return .enumCase(index) }
            let suggestion = Suggestion.closest(to: text, in: enumType.spellings)
            fail(.badEnum(field, enumType, text: text, suggestion: suggestion), node)
            return .null
        case .literal(let expected):
            if text == expected { return .string(text) }
            fail(.badLiteral(field, expected: expected, found: text), node)
            return .null
        case .list, .record:
            return .null
        }
    }

    private func isDecimalInteger(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private func describe(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let scalar): scalar.isNull ? "空值 (null)" : "'\(scalar.value)'"
        case .sequence: "列表 (sequence)"
        case .mapping: "映射 (mapping)"
        }
    }
}
