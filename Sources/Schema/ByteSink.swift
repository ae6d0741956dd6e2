/// Bytes being written, handed on in pieces: whoever writes appends to `bytes` and calls `flushIfFull()` at the points
/// where a piece may end; once about `chunkSize` bytes are waiting they go to `deliver` (a file, say) and the buffer is
/// emptied, so that a large document never exists whole in memory. Without `deliver`, everything stays in `bytes`.
///
/// When `deliver` fails (returns false), the sink stops: what is written afterwards is dropped and `failed` is true.
public struct ByteSink {
    /// What is written and not yet delivered.
    public var bytes: [UInt8]
    /// How many bytes are gathered before they are delivered.
    public let chunkSize: Int
    private let deliver: (([UInt8]) -> Bool)?
    /// Whether delivering failed: the rest was dropped.
    public private(set) var failed = false

    /// A sink that keeps every byte in `bytes`; room for `expectedSize` of them is made at once.
    public init(expectedSize: Int = 1 << 12) {
        bytes = []
        bytes.reserveCapacity(max(expectedSize, 1 << 12))
        chunkSize = .max
        deliver = nil
    }

    /// A sink that gives its bytes to `deliver` about `chunkSize` at a time (at least 1), and the rest at `finish()`.
    public init(chunkSize: Int, deliver: @escaping ([UInt8]) -> Bool) {
        let size = max(chunkSize, 1)
        bytes = []
        // Room for a chunk and some of what follows it, so that the buffer rarely grows.
        bytes.reserveCapacity(min(size + size / 4, 1 << 24))
        self.chunkSize = size
        self.deliver = deliver
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
        bytes.removeAll(keepingCapacity: true)
    }

    /// Delivers the rest; true when every byte was delivered (always, for a sink that keeps them).
    public mutating func finish() -> Bool {
        flush()
        return !failed
    }
}
