import Foundation

/// Where a snapshot file's list of institutions can be cut into runs that libyaml parses on their own, each on a worker
/// (see `SnapshotLoader.stream(splitFile:start:)`): found by reading the file's lines once, without parsing it.
///
/// It is found only for the plain layout every export has: a line `institutions:` at the start of a line, with nothing
/// after it but a comment, then the items, each on a line of its own that begins with the same number of spaces and
/// `- ` (or `-` alone); the list ends at the first line, not blank and not a comment, that is less indented (or, for
/// items at the start of the line, that is not one). Anything else (a flow list, a tab before a line's content, a
/// line longer than the buffer) gives no split, and the file is read in one pass.
///
/// The lines are only looked at, not parsed, so a split may be wrong, such as a line inside a quoted string that looks
/// like an item. The reader of a split checks what would then differ: the top-level text (the file without the items)
/// must have `institutions:` on `keyLine` with nothing after it, and each run must parse, on its own, as a list of
/// exactly the items counted in it; a run cut inside a string or a flow collection does not parse.
///
/// Lines are counted at `\n` only (a `\r` before it belongs to the break), and each part parsed must have as many line
/// breaks as libyaml counts in it: a file with a line break of another kind (`\r` alone, U+0085, U+2028, U+2029),
/// after which the lines would be numbered differently, is read in one pass.
struct FileSplit: Sendable {
    /// The line (1-based) of `institutions:`.
    var keyLine: Int32
    /// The spaces before each item's `-`.
    var indent: Int
    /// The runs, each beginning where an item does; the last ends where the list does.
    var chunks = FileChunks()
    /// Where the text after the list begins (the file's size when nothing follows), and its line number (when nothing
    /// follows, one more than the file's line breaks).
    var endOffset: Int
    var endLine: Int32

    /// Where the first item's line begins, and its line number.
    var firstItemOffset: Int { chunks.ranges.first?.lowerBound ?? endOffset }
    var firstItemLine: Int32 { chunks.firstLines.first ?? endLine }

    /// The text of the file at `path`, of `size` bytes, without its items (what comes before the first item and what comes
    /// after the list), and how many line breaks (`\n`) it has.
    func topLevelText(of path: String, size: Int) -> (bytes: [UInt8], lineBreaks: Int32)? {
        guard size >= endOffset, let before = FileBytes.read(path, range: 0..<firstItemOffset),
              let after = FileBytes.read(path, range: endOffset..<size) else { return nil }
        let breaksAfter = after.withUnsafeBufferPointer { bytes in bytes.reduce(0) { $0 &+ ($1 == 0x0A ? 1 : 0) } }
        return (before + after, firstItemLine - 1 + Int32(breaksAfter))
    }

    /// The line, in the top-level text, on which the text after the list begins; and how many lines were cut before it.
    var lineShift: (from: Int32, by: Int32) {
        (firstItemLine, endLine - firstItemLine)
    }

    /// An item's line begins at `offset`, on `line`: it begins a run when the run so far holds `runBytes` or more.
    private mutating func item(at offset: Int, line: Int32, runBytes: Int) {
        if let last = chunks.ranges.indices.last, offset - chunks.ranges[last].lowerBound < runBytes {
            chunks.counts[last] += 1
            return
        }
        chunks.ranges.append(offset..<offset)
        chunks.firstLines.append(line)
        chunks.lineBreaks.append(0)
        chunks.counts.append(1)
    }

    /// The list ends at `offset`, on `line`: each run ends where the next begins.
    private mutating func end(at offset: Int, line: Int32) {
        endOffset = offset
        endLine = line
        for run in chunks.ranges.indices {
            let next = run + 1 < chunks.ranges.count ? (chunks.ranges[run + 1].lowerBound, chunks.firstLines[run + 1]) : (offset, line)
            chunks.ranges[run] = chunks.ranges[run].lowerBound..<next.0
            chunks.lineBreaks[run] = next.1 - chunks.firstLines[run]
        }
    }

    private enum Phase {
        case key, firstItem, items
    }

    /// Reads the file at `path` for its split into runs of about `runBytes` bytes; nil when it has none (see above) or
    /// cannot be read. Only where each run begins is kept, so what the scan holds does not grow with the items. The bytes
    /// are read into one buffer, through a pointer: a line of the data is about twenty bytes, so what is done per line
    /// must be little.
    static func scan(path: String, runBytes: Int, bufferSize: Int = 1 << 20) -> FileSplit? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        let capacity = max(bufferSize, 64)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        var base = 0
        var atEnd = false
        var line: Int32 = 1
        var phase = Phase.key
        var split = FileSplit(keyLine: 0, indent: 0, endOffset: 0, endLine: 0)
        // Where the line being read begins, in the buffer.
        var lineStart = 0
        while true {
            // Find the end of the line (its `\n`, less a `\r` before it), reading more when the buffer holds no whole line.
            var lineEnd = -1
            var next = 0
            if lineStart < filled, let found = memchr(buffer + lineStart, 0x0A, filled - lineStart) {
                next = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                lineEnd = next - 1 > lineStart && buffer[next - 2] == 0x0D ? next - 2 : next - 1
            }
            if lineEnd < 0 {
                if atEnd {
                    // The last line, without a line break (or nothing at all).
                    guard lineStart < filled else { break }
                    lineEnd = filled
                } else {
                    // Keep the line begun, read more after it.
                    if lineStart > 0 {
                        buffer.update(from: buffer + lineStart, count: filled - lineStart)
                        base += lineStart
                        filled -= lineStart
                        lineStart = 0
                    }
                    // A line as long as the buffer: not a layout this reads.
                    guard filled < capacity else { return nil }
                    let count = fread(buffer + filled, 1, capacity - filled, file)
                    guard ferror(file) == 0 else { return nil }
                    filled += count
                    atEnd = count == 0
                    continue
                }
            }
            // The line is `lineStart..<lineEnd`.
            switch FileSplit.classify(buffer, lineStart, lineEnd) {
            case .blankOrComment:
                break
            case .tabbed:
                return nil
            case .content(let spaces, let isItem):
                switch phase {
                case .key:
                    guard spaces == 0, FileSplit.isInstitutionsKey(buffer, lineStart, lineEnd) else { break }
                    // The key with something after it (a flow list, a value): no split.
                    guard FileSplit.bareKeyEnds(buffer, lineStart, lineEnd) else { return nil }
                    split.keyLine = line
                    phase = .firstItem
                case .firstItem:
                    guard isItem else { return nil }
                    split.indent = spaces
                    split.item(at: base + lineStart, line: line, runBytes: runBytes)
                    phase = .items
                case .items:
                    if spaces == split.indent, isItem {
                        split.item(at: base + lineStart, line: line, runBytes: runBytes)
                    } else if spaces <= split.indent {
                        split.end(at: base + lineStart, line: line)
                        return split
                    }
                }
            }
            guard next > 0 else { break }
            lineStart = next
            line += 1
        }
        // The end of the file.
        guard phase == .items else { return nil }
        split.end(at: base + filled, line: line)
        return split
    }

    private enum LineKind {
        /// Only spaces and tabs, or a comment after them.
        case blankOrComment
        /// A tab before the line's content: how libyaml reads it is not worked out here.
        case tabbed
        /// Content after `spaces` spaces: whether it is an item's `- ` (or `-` alone).
        case content(spaces: Int, isItem: Bool)
    }

    @inline(__always)
    private static func classify(_ bytes: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int) -> LineKind {
        var position = start
        while position < end, bytes[position] == 0x20 { position += 1 }
        let spaces = position - start
        if position == end || bytes[position] == UInt8(ascii: "#") { return .blankOrComment }
        if bytes[position] == 0x09 {
            // Spaces and tabs, then a comment or nothing; or a tab before the content.
            var content = position
            while content < end, bytes[content] == 0x20 || bytes[content] == 0x09 { content += 1 }
            return content == end || bytes[content] == UInt8(ascii: "#") ? .blankOrComment : .tabbed
        }
        let isItem = bytes[position] == UInt8(ascii: "-") && (position + 1 == end || bytes[position + 1] == 0x20)
        return .content(spaces: spaces, isItem: isItem)
    }

    /// Whether the line's content from `start` is a plain key (`word:`) followed by nothing but spaces and a comment.
    private static func bareKeyEnds(_ bytes: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var position = start
        while position < end, bytes[position] != UInt8(ascii: ":") {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) else { return false }
            position += 1
        }
        guard position < end, position > start else { return false }
        position += 1
        guard position == end || bytes[position] == 0x20 || bytes[position] == 0x09 else { return false }
        while position < end, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
        return position == end || bytes[position] == UInt8(ascii: "#")
    }

    private static let institutionsKey = Array("institutions:".utf8)

    /// Whether the line begins with `institutions:` followed by the end of the line, a space or a tab.
    private static func isInstitutionsKey(_ bytes: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let key = institutionsKey
        guard end - start >= key.count else { return false }
        for offset in 0..<key.count where bytes[start + offset] != key[offset] { return false }
        let after = start + key.count
        return after == end || bytes[after] == 0x20 || bytes[after] == 0x09
    }
}

/// The runs of a split snapshot file's institutions (see `FileSplit`): each one's bytes in the file, the line it begins
/// on, its line breaks, and how many institutions it has.
struct FileChunks: Sendable {
    var ranges: [Range<Int>] = []
    var firstLines: [Int32] = []
    /// How many `\n` each holds: libyaml must count as many line breaks in it.
    var lineBreaks: [Int32] = []
    var counts: [Int] = []
}

/// Bytes of a file, read with `pread`.
enum FileBytes {
    /// The bytes at `range` of the file at `path`; nil when it cannot be read or is shorter.
    static func read(_ path: String, range: Range<Int>) -> [UInt8]? {
        guard range.lowerBound >= 0 else { return nil }
        if range.isEmpty { return [] }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
            var done = 0
            while done < range.count {
                let got = pread(descriptor, buffer.baseAddress.map { $0 + done }, range.count - done, off_t(range.lowerBound + done))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { break }
                done += got
            }
            complete = done == range.count
            count = done
        }
        return complete ? bytes : nil
    }
}
