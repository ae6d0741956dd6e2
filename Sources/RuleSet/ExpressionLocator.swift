import Diagnostics
import YAMLLoader

/// Maps a byte offset inside a scalar's value back to the file: errors in an
/// expression point at the exact line and column inside the YAML text, for plain,
/// quoted and block (`|`, `>`) scalars alike, on any line of a multi-line scalar and
/// after escapes (`\"`, `\u201c`, `''`).
///
/// The scalar's source text is read again as YAML reads it (escapes, line folding,
/// block indentation), noting where each byte of the value came from. What is read
/// must be the value libyaml gave; when it is not (a form this reader does not know),
/// the older approximation is used.
struct ExpressionLocator {
    let file: SourceFile

    func location(ofOffset offset: Int, in node: YAMLNode) -> SourceLocation {
        guard let scalar = node.scalar else { return start(of: node) }
        let value = Array(scalar.value.utf8)
        let target = max(0, min(offset, value.count))
        if let origins = ScalarSource(file: file, node: node, style: scalar.style).origins(matching: value) {
            // The end of the value: just after the last byte's source (a closing quote or line end follows it).
            let source = target < origins.count ? origins[target] : (origins.last.map { $0 + 1 } ?? sourceStart(node))
            return file.location(ofOffset: source)
        }
        return approximateLocation(ofOffset: target, value: value, node: node, style: scalar.style)
    }

    func start(of node: YAMLNode) -> SourceLocation {
        SourceLocation(path: file.path, line: Int(node.start.line), column: Int(node.start.column))
    }

    func end(of node: YAMLNode) -> SourceLocation {
        SourceLocation(path: file.path, line: Int(node.end.line), column: Int(node.end.column))
    }

    private func sourceStart(_ node: YAMLNode) -> Int {
        file.offset(line: Int(node.start.line), column: Int(node.start.column))
    }

    /// Walks the source and the value side by side, skipping what differs (the approximation used before the scalar's
    /// source was read as YAML; kept for what `ScalarSource` does not read).
    private func approximateLocation(ofOffset target: Int, value: [UInt8], node: YAMLNode, style: YAMLScalar.Style) -> SourceLocation {
        let bytes = file.bytes
        var source = sourceStart(node)
        switch style {
        case .singleQuoted, .doubleQuoted:
            source += 1
        case .literal, .folded:
            let nextLine = Int(node.start.line) + 1
            source = file.offset(line: nextLine, column: 1)
            while source < bytes.count, bytes[source] == UInt8(ascii: " ") { source += 1 }
        case .plain:
            break
        }
        var index = 0
        while index < target, source < bytes.count {
            let expected = value[index]
            let actual = bytes[source]
            if expected == actual {
                index += 1
                source += 1
            } else if actual == UInt8(ascii: " ") || actual == UInt8(ascii: "\n") || actual == UInt8(ascii: "\r") || actual == UInt8(ascii: "\t") {
                source += 1
            } else if expected == UInt8(ascii: " ") || expected == UInt8(ascii: "\n") {
                index += 1
            } else {
                source += 1
                index += 1
            }
        }
        return file.location(ofOffset: source)
    }
}

/// A scalar's source text read as YAML reads it, giving for each byte of the value the offset in the file it came from
/// (for a byte an escape made, the escape's backslash; for a space or line break that folding made, the line break).
struct ScalarSource {
    let bytes: [UInt8]
    let start: Int
    let end: Int
    let style: YAMLScalar.Style

    init(file: SourceFile, node: YAMLNode, style: YAMLScalar.Style) {
        bytes = file.bytes
        start = file.offset(line: Int(node.start.line), column: Int(node.start.column))
        end = min(file.bytes.count, file.offset(line: Int(node.end.line), column: Int(node.end.column)))
        self.style = style
    }

    /// The origin of each byte of `value`, or nil when reading the source does not give `value`.
    func origins(matching value: [UInt8]) -> [Int]? {
        guard start < end else { return nil }
        let read: [(byte: UInt8, origin: Int)]?
        switch style {
        case .plain: read = flow(from: start, quote: nil)
        case .singleQuoted: read = flow(from: start + 1, quote: UInt8(ascii: "'"))
        case .doubleQuoted: read = flow(from: start + 1, quote: UInt8(ascii: "\""))
        case .literal: read = block(folded: false)
        case .folded: read = block(folded: true)
        }
        guard var read else { return nil }
        // Block scalars' final line breaks depend on chomping (`|-`, `|+`): compared without them.
        if style == .literal || style == .folded {
            var expected = value
            while expected.last == UInt8(ascii: "\n") { expected.removeLast() }
            while read.last?.byte == UInt8(ascii: "\n") { read.removeLast() }
            guard read.map(\.byte) == expected else { return nil }
            var origins = read.map(\.origin)
            while origins.count < value.count { origins.append(origins.last.map { $0 + 1 } ?? start) }
            return origins
        }
        guard read.map(\.byte) == value else { return nil }
        return read.map(\.origin)
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    private func isBreak(_ byte: UInt8) -> Bool { byte == ScalarSource.newline || byte == ScalarSource.carriageReturn }
    private func isBlank(_ byte: UInt8) -> Bool { byte == ScalarSource.space || byte == ScalarSource.tab }

    /// The offset after the line break at `index` (`\r\n` is one break).
    private func afterBreak(_ index: Int) -> Int {
        bytes[index] == ScalarSource.carriageReturn && index + 1 < bytes.count && bytes[index + 1] == ScalarSource.newline ? index + 2 : index + 1
    }

    /// A plain or quoted scalar: escapes (double quotes), `''` (single quotes), and line folding (a line break and the
    /// next line's indentation are one space; each empty line is a line break; blanks before a break are dropped).
    private func flow(from first: Int, quote: UInt8?) -> [(byte: UInt8, origin: Int)]? {
        var out: [(byte: UInt8, origin: Int)] = []
        // How many bytes at the end of `out` are blanks that a following line break would drop (not escaped ones).
        var trailingBlanks = 0
        var index = first
        while index < end {
            let byte = bytes[index]
            if let quote, byte == quote {
                if quote == UInt8(ascii: "'"), index + 1 < end, bytes[index + 1] == quote {
                    out.append((quote, index))
                    trailingBlanks = 0
                    index += 2
                    continue
                }
                break
            }
            if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { return nil }
                let next = bytes[index + 1]
                if isBreak(next) {
                    // An escaped line break: nothing, and the next line's indentation is dropped too.
                    index = afterBreak(index + 1)
                    while index < end, isBlank(bytes[index]) { index += 1 }
                    trailingBlanks = 0
                    continue
                }
                guard let (scalar, length) = escape(at: index) else { return nil }
                for unit in String(scalar).utf8 { out.append((unit, index)) }
                trailingBlanks = 0
                index += length
                continue
            }
            if isBreak(byte) {
                out.removeLast(trailingBlanks)
                trailingBlanks = 0
                let breakAt = index
                index = afterBreak(index)
                var emptyLines: [Int] = []
                while true {
                    while index < end, isBlank(bytes[index]) { index += 1 }
                    guard index < end, isBreak(bytes[index]) else { break }
                    emptyLines.append(index)
                    index = afterBreak(index)
                }
                if emptyLines.isEmpty {
                    out.append((ScalarSource.space, breakAt))
                } else {
                    for line in emptyLines { out.append((ScalarSource.newline, line)) }
                }
                continue
            }
            out.append((byte, index))
            trailingBlanks = isBlank(byte) ? trailingBlanks + 1 : 0
            index += 1
        }
        if quote == nil {
            // A plain scalar has no trailing blanks.
            out.removeLast(trailingBlanks)
        }
        return out
    }

    /// The character a double-quoted escape at `index` (its backslash) stands for, and the escape's length in bytes.
    private func escape(at index: Int) -> (Unicode.Scalar, Int)? {
        let letter = bytes[index + 1]
        let simple: [UInt8: UInt32] = [
            UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "t"): 9, UInt8(ascii: "\t"): 9,
            UInt8(ascii: "n"): 10, UInt8(ascii: "v"): 11, UInt8(ascii: "f"): 12, UInt8(ascii: "r"): 13, UInt8(ascii: "e"): 27,
            UInt8(ascii: " "): 32, UInt8(ascii: "\""): 34, UInt8(ascii: "/"): 47, UInt8(ascii: "\\"): 92,
            UInt8(ascii: "N"): 0x85, UInt8(ascii: "_"): 0xA0, UInt8(ascii: "L"): 0x2028, UInt8(ascii: "P"): 0x2029,
        ]
        if let value = simple[letter], let scalar = Unicode.Scalar(value) { return (scalar, 2) }
        let digits: Int
        switch letter {
        case UInt8(ascii: "x"): digits = 2
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default: return nil
        }
        guard index + 2 + digits <= bytes.count,
              let code = UInt32(String(decoding: bytes[(index + 2)..<(index + 2 + digits)], as: UTF8.self), radix: 16),
              let scalar = Unicode.Scalar(code) else { return nil }
        return (scalar, 2 + digits)
    }

    /// A literal (`|`) or folded (`>`) block scalar: the lines after the header, without their indentation; in a folded
    /// one, the break between two lines of text is a space and a break before an empty line is dropped, except around
    /// more-indented lines.
    private func block(folded: Bool) -> [(byte: UInt8, origin: Int)]? {
        // The header: the indicator, an optional indentation digit and chomping sign, an optional comment.
        var index = start + 1
        var explicitIndent: Int?
        while index < end, !isBreak(bytes[index]) {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "1"), byte <= UInt8(ascii: "9") { explicitIndent = Int(byte - UInt8(ascii: "0")) }
            if byte == UInt8(ascii: "#") { break }
            index += 1
        }
        while index < bytes.count, !isBreak(bytes[index]) { index += 1 }
        guard index < bytes.count else { return [] }
        index = afterBreak(index)
        // The lines, up to the node's end.
        var lines: [(start: Int, end: Int, breakAt: Int?)] = []
        while index < end {
            var lineEnd = index
            while lineEnd < bytes.count, !isBreak(bytes[lineEnd]) { lineEnd += 1 }
            lines.append((index, lineEnd, lineEnd < bytes.count ? lineEnd : nil))
            guard lineEnd < bytes.count else { break }
            index = afterBreak(lineEnd)
        }
        func leadingSpaces(_ line: (start: Int, end: Int, breakAt: Int?)) -> Int {
            var count = 0
            while line.start + count < line.end, bytes[line.start + count] == ScalarSource.space { count += 1 }
            return count
        }
        func isEmpty(_ line: (start: Int, end: Int, breakAt: Int?)) -> Bool {
            (line.start..<line.end).allSatisfy { isBlank(bytes[$0]) }
        }
        // An explicit indentation indicator counts from the parent's indentation, which is not known here.
        if explicitIndent != nil { return nil }
        guard let indent = lines.first(where: { !isEmpty($0) }).map(leadingSpaces) else { return [] }
        var out: [(byte: UInt8, origin: Int)] = []
        var previousWasText = false
        var pendingBreak: Int?
        var emptyBreaks: [Int] = []
        for line in lines {
            let content = min(line.end, line.start + indent)
            if isEmpty(line) {
                emptyBreaks.append(line.breakAt ?? line.start)
                continue
            }
            let moreIndented = content < line.end && isBlank(bytes[content])
            if let pending = pendingBreak {
                if folded, previousWasText, !moreIndented, emptyBreaks.isEmpty {
                    out.append((ScalarSource.space, pending))
                } else if folded, previousWasText, !moreIndented {
                    for at in emptyBreaks { out.append((ScalarSource.newline, at)) }
                } else {
                    out.append((ScalarSource.newline, pending))
                    for at in emptyBreaks { out.append((ScalarSource.newline, at)) }
                }
            } else {
                for at in emptyBreaks { out.append((ScalarSource.newline, at)) }
            }
            emptyBreaks = []
            for offset in content..<line.end { out.append((bytes[offset], offset)) }
            previousWasText = !moreIndented
            pendingBreak = line.breakAt ?? line.end
        }
        return out
    }
}
