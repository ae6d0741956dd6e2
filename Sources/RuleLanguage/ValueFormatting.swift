import Schema

/// How values appear in messages (Chinese, for people) and in evidence (JSON, for machines).
public enum ValueFormatting {
    /// For messages: enum values by their Chinese label, booleans 是/否, lists joined with 、.
    public static func text(_ value: Value, type: RuleType) -> String {
        switch value {
        case .null: return "（空）"
        case .bool(let flag): return flag ? "是" : "否"
        case .int(let number): return String(number)
        case .string(let text): return text
        case .date(let date): return date.description
        case .enumCase(let index):
            if case .enumeration(let enumType) = type.unwrapped, index < enumType.cases.count {
                return enumType.cases[index].label
            }
            return String(index)
        case .list(let items):
            let element = type.unwrapped.elementType ?? .string
            return items.map { text($0, type: element) }.joined(separator: "、")
        case .record(let record):
            return identifier(of: record, type: type) ?? "（记录）"
        }
    }

    /// For evidence: enum values by their English name, dates as YYYY-MM-DD, records by id.
    public static func json(_ value: Value, type: RuleType) -> OrderedJSON {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .string(let text): return .string(text)
        case .date(let date): return .string(date.description)
        case .enumCase(let index):
            if case .enumeration(let enumType) = type.unwrapped, index < enumType.cases.count {
                return .string(enumType.cases[index].name)
            }
            return .int(index)
        case .list(let items):
            let element = type.unwrapped.elementType ?? .string
            return .array(items.map { json($0, type: element) })
        case .record(let record):
            return identifier(of: record, type: type).map { .string($0) } ?? .null
        }
    }

    /// For evidence read by people: `text(_:type:)` when it differs from what the JSON value shows (an enum value, a
    /// boolean, a missing value, a list, written with 、); nil when the JSON value reads the same (numbers, text, dates, ids).
    public static func shown(_ value: Value, type: RuleType) -> String? {
        switch value {
        case .null: return "（空）"
        case .bool, .enumCase: return text(value, type: type)
        case .list(let items):
            return items.isEmpty ? "（无）" : text(value, type: type)
        case .record(let record): return identifier(of: record, type: type) == nil ? "（记录）" : nil
        case .int, .string, .date: return nil
        }
    }

    /// A record's `id` (or `name`) when its type has one; for a record without either (a roster row), the id of the
    /// institution it belongs to.
    static func identifier(of record: Record, type: RuleType) -> String? {
        guard case .record(let recordType) = type.unwrapped else { return nil }
        for field in ["id", "name", "key"] {
            if let slot = recordType.slot(of: field), slot < record.count {
                return text(record[slot], type: RuleType(field: recordType.fields[slot]))
            }
        }
        if let slot = recordType.slot(of: "institution"), slot < record.count, case .record(let institution) = record[slot] {
            return identifier(of: institution, type: RuleType(field: recordType.fields[slot]))
        }
        return nil
    }
}

/// A message with `{expression}` holes, compiled once.
public struct MessageTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case value(Typed)
    }

    let parts: [Part]

    /// Compiles `{…}` holes with `compiler`; errors are reported at byte offsets of the template.
    public static func compile(_ template: String, with compiler: inout ExpressionCompiler) -> MessageTemplate? {
        var parts: [Part] = []
        var literal = ""
        let bytes = Array(template.utf8)
        var index = 0
        var ok = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                literal += "{"
                index += 2
                continue
            }
            if byte == UInt8(ascii: "}"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "}") {
                literal += "}"
                index += 2
                continue
            }
            if byte == UInt8(ascii: "{") {
                guard let close = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
                    compiler.report(SemaError("message.unclosed", "信息模板中的 '{' 没有对应的 '}'", help: "字面的花括号写成 {{ 和 }}", range: index..<bytes.count))
                    return nil
                }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                let inner = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                let before = compiler.errors.count
                if let typed = compiler.compile(inner) {
                    parts.append(.value(typed))
                } else {
                    ok = false
                }
                compiler.shiftErrors(from: before, by: index + 1)
                index = close + 1
                continue
            }
            let length = Lexer.scalarLength(bytes, at: index)
            literal += String(decoding: bytes[index..<index + length], as: UTF8.self)
            index += length
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return ok ? MessageTemplate(parts: parts) : nil
    }

    public func render(_ frame: inout EvalFrame) throws -> String {
        var output = ""
        for part in parts {
            switch part {
            case .text(let text): output += text
            case .value(let typed): output += ValueFormatting.text(try typed.evaluate(&frame), type: typed.type)
            }
        }
        // Appending grew the text's storage by doubling; a finding keeps its message, so it is kept in storage of its size.
        let count = output.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.initialize(fromContentsOf: output.utf8)
        }
    }
}

extension ExpressionCompiler {
    /// Records an error found outside an expression (a message template, a binding).
    public mutating func report(_ error: SemaError) {
        appendError(error)
    }

    /// Moves the ranges of errors recorded since `start` by `offset` bytes (for sub-expressions of a larger text).
    public mutating func shiftErrors(from start: Int, by offset: Int) {
        shiftErrorRanges(from: start, by: offset)
    }
}
