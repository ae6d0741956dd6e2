/// The text of one input file, kept as UTF-8 bytes with a table of line starts,
/// so that any byte offset or (line, column) can be turned into the other.
///
/// Columns are counted in Unicode scalars, 1-based, as libyaml counts them.
public struct SourceFile: Sendable {
    /// The path as the user gave it (shown in diagnostics).
    public let path: String
    /// The file's bytes, unchanged.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 24 + 1)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
            } else if byte == UInt8(ascii: "\r") {
                if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                starts.append(index + 1)
            }
            index += 1
        }
        self.lineStarts = starts
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// Number of lines (a final line without a newline counts).
    public var lineCount: Int { lineStarts.count }

    /// The 1-based line that holds `offset` (binary search in the line table).
    public func line(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// The byte range of a 1-based line, without its line break.
    public func byteRange(ofLine line: Int) -> Range<Int>? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return start..<end
    }

    /// The location of a byte offset, with the column in Unicode scalars.
    /// Bytes that are not valid UTF-8 count as one column each.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        let line = line(containing: clamped)
        let start = lineStarts[line - 1]
        var column = 1
        var index = start
        while index < clamped {
            index += UTF8Scalars.length(at: index, in: bytes)
            column += 1
        }
        return SourceLocation(path: path, line: line, column: column, offset: clamped)
    }

    /// The byte offset of a 1-based (line, column in scalars), clamped to the line.
    public func offset(line: Int, column: Int) -> Int {
        guard let range = byteRange(ofLine: line) else { return bytes.count }
        var index = range.lowerBound
        var remaining = column - 1
        while remaining > 0, index < range.upperBound {
            index += UTF8Scalars.length(at: index, in: bytes)
            remaining -= 1
        }
        return min(index, range.upperBound)
    }

    /// Part of a line shown under a diagnostic: the whole line when it is at most `limit` scalars long; otherwise about
    /// `limit` scalars around `column`, so that an error on a line of megabytes does not print megabytes. Control
    /// characters other than tabs are shown as U+FFFD (a file in UTF-16 would otherwise write NUL bytes to a terminal).
    public struct Excerpt: Equatable, Sendable {
        public var text: String
        /// The column (in scalars) of the excerpt's first scalar.
        public var firstColumn: Int
        public var clippedStart: Bool
        public var clippedEnd: Bool
    }

    public func excerpt(ofLine line: Int, around column: Int, limit: Int = 160) -> Excerpt? {
        guard let range = byteRange(ofLine: line) else { return nil }
        func advance(_ index: Int, by count: Int) -> (Int, Int) {
            var index = index
            var moved = 0
            while moved < count, index < range.upperBound {
                index += UTF8Scalars.length(at: index, in: bytes)
                moved += 1
            }
            return (index, moved)
        }
        var start = range.lowerBound
        var end = range.upperBound
        var firstColumn = 1
        if advance(range.lowerBound, by: limit + 1).1 > limit {
            firstColumn = max(1, column - limit / 2)
            start = advance(range.lowerBound, by: firstColumn - 1).0
            end = advance(start, by: limit).0
        }
        let scalars = String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars.map { scalar -> Character in
            scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F ? "\u{FFFD}" : Character(scalar)
        }
        return Excerpt(text: String(scalars), firstColumn: firstColumn, clippedStart: start > range.lowerBound,
                       clippedEnd: end < range.upperBound)
    }

    /// The text of a 1-based line, with invalid bytes replaced by U+FFFD.
    public func text(ofLine line: Int) -> String? {
        guard let range = byteRange(ofLine: line) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }
}

/// Helpers for walking UTF-8 bytes one scalar at a time, tolerant of bad bytes.
enum UTF8Scalars {
    /// Length of the scalar that starts at `index`: 1 for ASCII or for an invalid byte.
    static func length(at index: Int, in bytes: [UInt8]) -> Int {
        let lead = bytes[index]
        let expected: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: expected = 2
        case 0xE0...0xEF: expected = 3
        case 0xF0...0xF4: expected = 4
        default: return 1
        }
        guard index + expected <= bytes.count else { return 1 }
        for next in 1..<expected where bytes[index + next] & 0xC0 != 0x80 {
            return 1
        }
        return expected
    }
}
