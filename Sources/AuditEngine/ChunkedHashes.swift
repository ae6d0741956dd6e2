/// A list of 64-bit hashes that grows a fixed-size chunk at a time: its unused room is never more than one chunk (nor
/// more than what it holds), and growing copies at most the last chunk.
///
/// The hashes of every person's id stay in memory for the whole of a streamed audit (3 million of them for 100,000
/// institutions). In one array, each doubling left up to half of it unused and, while it copied, held the old and the
/// new together: 37 MB at the peak for 24 MB of hashes.
struct ChunkedHashes: Sendable {
    /// Hashes per chunk: 512 KB each.
    static let chunkSize = 1 << 16

    private var chunks: [[UInt64]] = []
    private(set) var count = 0

    init() {}

    init(_ hashes: [UInt64]) {
        append(contentsOf: hashes)
    }

    mutating func append(contentsOf hashes: [UInt64]) {
        var remaining = hashes[...]
        while !remaining.isEmpty {
            if chunks.isEmpty || chunks[chunks.count - 1].count == ChunkedHashes.chunkSize { chunks.append([]) }
            let last = chunks.count - 1
            let part = remaining.prefix(ChunkedHashes.chunkSize - chunks[last].count)
            // The last chunk doubles up to its full size: a list of a few files' hashes (each visitor has one) does not
            // take a whole chunk.
            let needed = chunks[last].count + part.count
            if needed > chunks[last].capacity {
                chunks[last].reserveCapacity(min(ChunkedHashes.chunkSize, max(needed, 2 * chunks[last].capacity)))
            }
            chunks[last].append(contentsOf: part)
            remaining = remaining.dropFirst(part.count)
        }
        count += hashes.count
    }

    /// Whether a hash in positions `range` satisfies `predicate`.
    func contains(in range: Range<Int>, where predicate: (UInt64) -> Bool) -> Bool {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range out of bounds")
        var position = range.lowerBound
        while position < range.upperBound {
            let chunk = chunks[position / ChunkedHashes.chunkSize]
            let start = position % ChunkedHashes.chunkSize
            let end = min(chunk.count, start + (range.upperBound - position))
            if chunk[start..<end].contains(where: predicate) { return true }
            position += end - start
        }
        return false
    }

    /// Calls `body` with each hash, in order.
    func forEach(_ body: (UInt64) -> Void) {
        for chunk in chunks {
            for hash in chunk { body(hash) }
        }
    }
}
