/// A JSON value whose objects keep their keys in the order written, with a
/// deterministic pretty printer. Used for generated files (JSON Schema) whose
/// bytes must not change between runs.
///
/// Only `generated` is boxed: a number or a string is held in place (a finding's evidence is a few of them, and a box
/// each cost more than the values).
public enum OrderedJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])
    /// An array whose items are made one at a time as it is written, each dropped once written: a large report's
    /// findings never exist all at once as JSON values. The same JSON as `.array` of the same items.
    indirect case generated(count: Int, item: @Sendable (Int) -> OrderedJSON)

    /// The items of an array, made now for a generated one (nil for other values).
    public var arrayItems: [OrderedJSON]? {
        switch self {
        case .array(let items): items
        case .generated(let count, let item): (0..<count).map(item)
        default: nil
        }
    }

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
    }

    /// The JSON text; `pretty` indents by two spaces.
    public func rendered(pretty: Bool = true) -> String {
        String(decoding: renderedBytes(pretty: pretty), as: UTF8.self)
    }

    /// The JSON text as UTF-8 bytes (what `rendered` gives, without making a `String` of it). `expectedSize`: about how
    /// many bytes it will be. Room for them is made at once: growing the array by doubling would hold the old bytes and
    /// twice as many new ones at the same time (reserved pages that are never written take no memory).
    public func renderedBytes(pretty: Bool = true, expectedSize: Int = 1 << 12) -> [UInt8] {
        var sink = ByteSink(expectedSize: expectedSize)
        write(into: &sink, pretty: pretty)
        return sink.bytes
    }

    /// Writes the JSON text (what `renderedBytes` gives) into `sink`, which may hand it on between the items of arrays:
    /// written to a file that way, a large report is never held whole. Stops early once the sink has failed.
    public func write(into sink: inout ByteSink, pretty: Bool = true) {
        write(into: &sink, indent: pretty ? 0 : nil)
    }

    /// Written as UTF-8 bytes: appending bytes is several times cheaper than appending to a `String`.
    private func write(into sink: inout ByteSink, indent: Int?) {
        switch self {
        case .null: sink.bytes.append(contentsOf: "null".utf8)
        case .bool(let value): sink.bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): OrderedJSON.writeDecimal(value, into: &sink.bytes)
        case .string(let value): OrderedJSON.quote(value, into: &sink.bytes)
        case .array(let items):
            writeArray(count: items.count, { items[$0] }, into: &sink, indent: indent)
        case .generated(let count, let item):
            writeArray(count: count, item, into: &sink, indent: indent)
        case .object(let members):
            if members.isEmpty { sink.bytes.append(contentsOf: "{}".utf8); return }
            sink.bytes.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { sink.bytes.append(UInt8(ascii: ",")) }
                newline(&sink.bytes, indent.map { $0 + 1 })
                OrderedJSON.quote(key, into: &sink.bytes)
                sink.bytes.append(UInt8(ascii: ":"))
                if indent != nil { sink.bytes.append(UInt8(ascii: " ")) }
                value.write(into: &sink, indent: indent.map { $0 + 1 })
            }
            newline(&sink.bytes, indent)
            sink.bytes.append(UInt8(ascii: "}"))
        }
    }

    /// An array's items, the sink handing its bytes on after any of them once it holds enough.
    private func writeArray(count: Int, _ item: (Int) -> OrderedJSON, into sink: inout ByteSink, indent: Int?) {
        if count == 0 { sink.bytes.append(contentsOf: "[]".utf8); return }
        sink.bytes.append(UInt8(ascii: "["))
        for index in 0..<count {
            if sink.failed { return }
            if index > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            newline(&sink.bytes, indent.map { $0 + 1 })
            item(index).write(into: &sink, indent: indent.map { $0 + 1 })
            sink.flushIfFull()
        }
        newline(&sink.bytes, indent)
        sink.bytes.append(UInt8(ascii: "]"))
    }

    /// Two spaces per level of indentation, appended from this line in one piece (deeper levels in several).
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    private func newline(_ output: inout [UInt8], _ indent: Int?) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        var remaining = indent * 2
        while remaining > 0 {
            let count = min(remaining, OrderedJSON.spaces.count)
            output.append(contentsOf: OrderedJSON.spaces[0..<count])
            remaining -= count
        }
    }

    /// The decimal digits of `value` (with a minus sign when negative), without making a `String`.
    private static func writeDecimal(_ value: Int, into output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so that Int.min has one too.
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for the 20 digits of the largest UInt64
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }

    /// Writes a JSON string literal, escaping what JSON requires (UTF-8 kept as is).
    public static func quote(_ text: String, into output: inout String) {
        var bytes: [UInt8] = []
        quote(text, into: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }

    /// Writes a JSON string literal as UTF-8: `"`, `\\` and control characters escaped, and U+2028 and
    /// U+2029 too (JavaScript reads them as line ends); everything else kept as is.
    public static func quote(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Bytes that need no escape are appended a run at a time.
            var runStart = 0
            var index = 0
            func flush() {
                if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            }
            while index < bytes.count {
                let byte = bytes[index]
                let escape: String
                switch byte {
                case UInt8(ascii: "\""): escape = #"\""#
                case UInt8(ascii: "\\"): escape = #"\\"#
                case UInt8(ascii: "\n"): escape = #"\n"#
                case UInt8(ascii: "\r"): escape = #"\r"#
                case UInt8(ascii: "\t"): escape = #"\t"#
                case 0..<0x20:
                    flush()
                    output.append(contentsOf: #"\u00"#.utf8)
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0xF))
                    index += 1
                    runStart = index
                    continue
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    // U+2028 (E2 80 A8) and U+2029 (E2 80 A9)
                    flush()
                    output.append(contentsOf: (bytes[index + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
                    index += 3
                    runStart = index
                    continue
                default:
                    index += 1
                    continue
                }
                flush()
                output.append(contentsOf: escape.utf8)
                index += 1
                runStart = index
            }
            flush()
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
