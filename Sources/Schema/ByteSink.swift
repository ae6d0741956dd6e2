/// Bytes being written, handed on in pieces: whoever writes appends to `bytes` and calls `flushIfFull()` at the points
/// where a piece may end; once about `chunkSize` bytes are waiting they go to `deliver` (a file, say) and the buffer is
/// emptied, so that a large document never exists whole in memory. Without `deliver`, everything stays in `bytes`.
///
/// When `deliver` fails (returns false), or a change to bytes already written is refused (`overwrite(_:at:)`,
/// `truncate(to:)`), the sink stops: what is written afterwards is dropped and `failed` is true.
public struct ByteSink {
    /// What is written and not yet delivered.
    public var bytes: [UInt8]
    /// How many bytes are gathered before they are delivered.
    public let chunkSize: Int
    private let deliver: (([UInt8]) -> Bool)?
    /// For a sink that delivers to a file: how to change bytes already delivered (see `Rewriting`).
    private let rewriting: Rewriting?
    /// How many bytes have been delivered (or dropped after a failure) so far.
    public private(set) var delivered = 0
    /// Whether delivering failed, or a change was refused: the rest was dropped.
    public private(set) var failed = false

    /// How a sink that delivers to a file changes what it has delivered: `overwrite` writes bytes at an offset from the
    /// file's start (false on an error), `truncate` cuts the file to a length and goes on writing there (false on an
    /// error). Formats whose headers give sizes known only after the data (ZIP) write a placeholder and fill it in.
    public struct Rewriting {
        public var overwrite: ([UInt8], Int) -> Bool
        public var truncate: (Int) -> Bool

        public init(overwrite: @escaping ([UInt8], Int) -> Bool, truncate: @escaping (Int) -> Bool) {
            self.overwrite = overwrite
            self.truncate = truncate
        }
    }

    /// A sink that keeps every byte in `bytes`; room for `expectedSize` of them is made at once.
    public init(expectedSize: Int = 1 << 12) {
        bytes = []
        bytes.reserveCapacity(max(expectedSize, 1 << 12))
        chunkSize = .max
        deliver = nil
        rewriting = nil
    }

    /// A sink that gives its bytes to `deliver` about `chunkSize` at a time (at least 1), and the rest at `finish()`; with
    /// `rewriting`, delivered bytes can be changed afterwards (`overwrite(_:at:)`, `truncate(to:)`).
    public init(chunkSize: Int, rewriting: Rewriting? = nil, deliver: @escaping ([UInt8]) -> Bool) {
        let size = max(chunkSize, 1)
        bytes = []
        // Room for a chunk and some of what follows it, so that the buffer rarely grows.
        bytes.reserveCapacity(min(size + size / 4, 1 << 24))
        self.chunkSize = size
        self.deliver = deliver
        self.rewriting = rewriting
    }

    /// Appends `whole`, made elsewhere: handed over rather than copied when nothing is waiting.
    public mutating func append(whole: [UInt8]) {
        if bytes.isEmpty { bytes = whole } else { bytes.append(contentsOf: whole) }
    }

    /// Where the next byte written goes: the number of bytes written so far.
    public var position: Int { delivered + bytes.count }

    /// Whether bytes already written can be changed: always when the sink keeps every byte, and when it delivers to
    /// something that can be rewritten (a file, not a pipe).
    public var isRewritable: Bool { deliver == nil || rewriting != nil }

    /// Replaces the bytes written at `offset` (from the first byte written) with `patch`, wherever they are: still
    /// waiting, or delivered. False when they cannot be changed (see `isRewritable`), lie beyond what is written, or
    /// delivering has failed.
    ///
    /// A refusal fails the sink (`failed`), as a failed delivery does: what it holds is no longer what the writer meant
    /// (a ZIP header left without its sizes), so a report written through it must not be kept.
    @discardableResult
    public mutating func overwrite(_ patch: [UInt8], at offset: Int) -> Bool {
        guard !failed else { return false }
        // Compared so that no sum can overflow (an offset near `Int.max` is simply beyond what is written).
        guard offset >= 0, offset <= position - patch.count else { return refuse() }
        var index = 0
        if offset < delivered {
            guard let rewriting else { return refuse() }
            let count = min(patch.count, delivered - offset)
            guard rewriting.overwrite(Array(patch[0..<count]), offset) else { return refuse() }
            index = count
        }
        while index < patch.count {
            bytes[offset + index - delivered] = patch[index]
            index += 1
        }
        return true
    }

    /// Forgets what was written from `offset` on: the next byte goes there. False when that cannot be done (see
    /// `isRewritable`, and `offset` beyond what is written) or delivering has failed; a refusal fails the sink, as in
    /// `overwrite(_:at:)`.
    @discardableResult
    public mutating func truncate(to offset: Int) -> Bool {
        guard !failed else { return false }
        guard offset >= 0, offset <= position else { return refuse() }
        if offset >= delivered {
            bytes.removeSubrange((offset - delivered)...)
            return true
        }
        guard let rewriting else { return refuse() }
        guard rewriting.truncate(offset) else { return refuse() }
        bytes.removeAll(keepingCapacity: true)
        delivered = offset
        return true
    }

    /// Fails the sink for a change it could not make (refused, or failed where it was delivered); false, for the caller
    /// to return.
    private mutating func refuse() -> Bool {
        failed = true
        return false
    }

    /// Delivers the bytes waiting when they are `chunkSize` or more.
    @inlinable
    public mutating func flushIfFull() {
        if bytes.count >= chunkSize { flush() }
    }

    /// Delivers the bytes waiting, if any (dropping them once delivering has failed).
    public mutating func flush() {
        guard let deliver, !bytes.isEmpty else { return }
        if !failed, !deliver(bytes) { failed = true }
        delivered += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// Delivers the rest; true when every byte was delivered (always, for a sink that keeps them).
    public mutating func finish() -> Bool {
        flush()
        return !failed
    }
}
