import CZlib
import Schema

/// A minimal ZIP writer for Office Open XML packages: entries compressed with deflate (through the system's zlib) and
/// their CRC-32, UTF-8 names and a fixed timestamp (1980-01-01 00:00), so the same entries give the same bytes.
/// Entries and the archive must stay under 4 GiB (no ZIP64): callers bound what they write (`XLSXWorkbook` keeps a
/// whole workbook under `maximumSize`, counted before compression).
///
/// The archive is written into a `ByteSink` as it is made: an entry is written a piece at a time (`addEntry`) and
/// compressed as it comes, its bytes handed on (to a file, say) as the sink fills. Each local header is written before
/// its data with a placeholder for the CRC-32 and the sizes, filled in once the data is written, so the sink must be
/// one whose bytes can be changed after they are written (`ByteSink.isRewritable`: kept in memory, or a file). Only the
/// central directory (46 bytes and the name, an entry) is held.
struct ZIPArchive {
    /// Where the archive is written; given back by `finished()`.
    private var sink: ByteSink
    /// The sink's position where the archive starts: offsets in the archive count from there.
    private let base: Int
    private var central: [UInt8] = []
    private var count = 0
    /// What the entries added so far hold, before compression.
    private(set) var contentSize = 0
    /// Whether entries are compressed (or stored as they are).
    let compresses: Bool
    /// Whether zlib failed on an entry (out of memory): that entry's data is not usable, and the archive must be made
    /// again without compression.
    private(set) var compressionFailed = false
    /// For tests of that fallback: compressing fails once an entry has been given this many bytes.
    var failsCompressingAfter: Int?
    /// What entries may hold together, before compression, for the archive to stay within ZIP's 32-bit sizes and offsets
    /// even stored: 4 GiB less room for the headers.
    static let maximumSize = Int(UInt32.max) - (1 << 24)

    /// An archive kept in memory (`finish()` gives its bytes).
    init(compresses: Bool = true) {
        self.init(compresses: compresses, writingInto: ByteSink())
    }

    /// An archive written into `sink` from its current position; the caller gets the sink back from `finished()`
    /// or `abandoned()`. The sink is taken, not shared: shared, its first write would copy what it holds.
    init(compresses: Bool, writingInto sink: consuming ByteSink) {
        self.compresses = compresses
        self.sink = sink
        base = self.sink.position
    }

    /// DOS date for 1980-01-01, time 00:00:00.
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    private static let dosTime: UInt16 = 0
    /// Bit 11: names are UTF-8.
    private static let flags: UInt16 = 0x0800

    /// Adds an entry with these contents.
    mutating func add(path: String, contents: [UInt8]) {
        addEntry(path: path) { entry in entry.append(contents) }
    }

    /// Adds an entry whose contents `write` gives, a piece at a time.
    ///
    /// The entry's data is compressed straight into the sink, after a local header whose CRC-32 and sizes are filled
    /// in once the data is written: the compressed bytes are never held whole.
    mutating func addEntry(path: String, _ write: (inout ZIPEntryWriter) -> Void) {
        let name = Array(path.utf8)
        let offset = sink.position - base
        // Local file header; the method, CRC-32 and sizes are set below.
        var header: [UInt8] = []
        header.reserveCapacity(30 + name.count)
        Self.append32(0x0403_4B50, to: &header)
        Self.append16(20, to: &header)
        Self.append16(ZIPArchive.flags, to: &header)
        Self.append16(0, to: &header)
        Self.append16(ZIPArchive.dosTime, to: &header)
        Self.append16(ZIPArchive.dosDate, to: &header)
        Self.append32(0, to: &header)
        Self.append32(0, to: &header)
        Self.append32(0, to: &header)
        Self.append16(UInt16(truncatingIfNeeded: name.count), to: &header)
        Self.append16(0, to: &header)
        header += name
        sink.bytes += header
        let dataStart = sink.position
        // The sink is handed to the entry and back, not shared: shared, the entry's first write would copy its bytes.
        var taken = ByteSink()
        swap(&taken, &sink)
        var entry = ZIPEntryWriter(compressing: compresses, writingInto: consume taken, failingAfter: failsCompressingAfter)
        write(&entry)
        let (written, crc, size, method, failed) = entry.finished()
        sink = written
        if failed { compressionFailed = true }
        contentSize += size
        let compressedSize = UInt32(truncatingIfNeeded: sink.position - dataStart)
        let uncompressedSize = UInt32(truncatingIfNeeded: size)
        var sizes: [UInt8] = []
        Self.append32(crc, to: &sizes)
        Self.append32(compressedSize, to: &sizes)
        Self.append32(uncompressedSize, to: &sizes)
        var methodField: [UInt8] = []
        Self.append16(method, to: &methodField)
        sink.overwrite(methodField, at: base + offset + 8)
        sink.overwrite(sizes, at: base + offset + 14)
        // Central directory entry.
        Self.append32(0x0201_4B50, to: &central)
        Self.append16(20, to: &central) // made by: MS-DOS, 2.0
        Self.append16(20, to: &central)
        Self.append16(ZIPArchive.flags, to: &central)
        Self.append16(method, to: &central)
        Self.append16(ZIPArchive.dosTime, to: &central)
        Self.append16(ZIPArchive.dosDate, to: &central)
        central += sizes
        Self.append16(UInt16(truncatingIfNeeded: name.count), to: &central)
        Self.append16(0, to: &central) // extra
        Self.append16(0, to: &central) // comment
        Self.append16(0, to: &central) // disk
        Self.append16(0, to: &central) // internal attributes
        Self.append32(0, to: &central) // external attributes
        Self.append32(UInt32(truncatingIfNeeded: offset), to: &central)
        central += name
        count += 1
    }

    /// Ends the archive with its central directory and gives back the sink it was written into.
    consuming func finished() -> ByteSink {
        writeDirectory()
        sink.flushIfFull()
        return sink
    }

    /// Gives back the sink without ending the archive (to write another from where this one started, say).
    consuming func abandoned() -> ByteSink { sink }

    /// The archive kept in memory: the entries, the central directory and its end record. The bytes are taken, not
    /// copied: the archive is empty afterwards (finished again, it is an archive of no entries).
    mutating func finish() -> [UInt8] {
        writeDirectory()
        var bytes: [UInt8] = []
        swap(&bytes, &sink.bytes)
        central = []
        count = 0
        contentSize = 0
        return bytes
    }

    /// The central directory and its end record.
    private mutating func writeDirectory() {
        let directoryOffset = UInt32(truncatingIfNeeded: sink.position - base)
        sink.bytes += central
        Self.append32(0x0605_4B50, to: &sink.bytes)
        Self.append16(0, to: &sink.bytes)
        Self.append16(0, to: &sink.bytes)
        Self.append16(UInt16(truncatingIfNeeded: count), to: &sink.bytes)
        Self.append16(UInt16(truncatingIfNeeded: count), to: &sink.bytes)
        Self.append32(UInt32(truncatingIfNeeded: central.count), to: &sink.bytes)
        Self.append32(directoryOffset, to: &sink.bytes)
        Self.append16(0, to: &sink.bytes)
    }

    private static func append16(_ value: UInt16, to output: inout [UInt8]) {
        output.append(UInt8(value & 0xFF))
        output.append(UInt8(value >> 8))
    }

    private static func append32(_ value: UInt32, to output: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP uses.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBytes { Deflater.crc32(0, $0) }
    }
}

/// The contents of one ZIP entry as they are written: gathered a little at a time and compressed (or, should zlib be
/// unable to start, stored as they are) into the archive's sink, which hands them on as it fills.
struct ZIPEntryWriter {
    private var pending: [UInt8] = []
    private var sink: ByteSink
    private let deflater: Deflater?
    private var crc: UInt32 = 0
    private var written = 0
    private var failed = false
    /// For tests: compressing fails once this many bytes are given (see `ZIPArchive.failsCompressingAfter`).
    private let failingAfter: Int?
    private static let pieceSize = 1 << 16

    /// A writer whose data goes into `sink`, after what it holds (the archive so far).
    init(compressing: Bool, writingInto sink: consuming ByteSink, failingAfter: Int? = nil) {
        deflater = compressing ? Deflater.make() : nil
        self.sink = sink
        self.failingAfter = failingAfter
        pending.reserveCapacity(ZIPEntryWriter.pieceSize + 4_096)
    }

    /// The bytes written so far, before compression.
    var size: Int { written + pending.count }

    mutating func append(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= ZIPEntryWriter.pieceSize { flush() }
    }

    mutating func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        if pending.count >= ZIPEntryWriter.pieceSize { flush() }
    }

    private mutating func flush() {
        pending.withUnsafeBytes { piece in
            crc = Deflater.crc32(crc, piece)
            written += piece.count
            if let deflater {
                if !failed, !deflater.compress(piece, into: &sink.bytes) { failed = true }
            } else {
                sink.bytes.append(contentsOf: piece)
            }
        }
        if let failingAfter, deflater != nil, written >= failingAfter { failed = true }
        pending.removeAll(keepingCapacity: true)
        sink.flushIfFull()
    }

    /// The sink, with the entry's data (compressed or stored) after what it held; the CRC-32 and size of the contents,
    /// the ZIP method (8 deflate, 0 stored), and whether compressing failed (the data is then not the contents').
    consuming func finished() -> (sink: ByteSink, crc: UInt32, size: Int, method: UInt16, failed: Bool) {
        flush()
        guard let deflater else { return (sink, crc, written, 0, false) }
        if !failed, !deflater.finish(into: &sink.bytes) { failed = true }
        sink.flushIfFull()
        return (sink, crc, written, 8, failed)
    }
}

/// Raw deflate (RFC 1951, the form ZIP stores) through the system's zlib, fed a piece at a time.
final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    /// A deflater, or nil when zlib cannot start (no memory). The stream is started before the object exists, so that
    /// `deinit` only ever ends a stream that was started.
    static func make() -> Deflater? {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Level 6 (zlib's default), deflate, 2^15 window without a zlib header (-15), memory level 8, default strategy.
        guard deflateInit2_(stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            return nil
        }
        return Deflater(started: stream)
    }

    private init(started stream: UnsafeMutablePointer<z_stream>) {
        self.stream = stream
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input`, appending what zlib gives back to `output`; false when zlib failed (its state is broken).
    func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Bool {
        guard let base = input.baseAddress else { return true }
        var offset = 0
        // zlib takes at most 2^32 - 1 bytes a call.
        while offset < input.count {
            let length = min(input.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(length)
            // With no flush, zlib takes all the input once it has room to put out what it made of it; it fails only when
            // its state is broken, and then gives no progress to wait for.
            while stream.pointee.avail_in > 0 {
                guard run(Z_NO_FLUSH, into: &output) == Z_OK else { return false }
            }
            offset += length
        }
        return true
    }

    /// Ends the stream, appending its last bytes to `output`; false when zlib failed.
    func finish(into output: inout [UInt8]) -> Bool {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        // Z_OK while there is more to put out, Z_STREAM_END when done (anything else: a broken state, nothing more to get).
        var status = Z_OK
        while status == Z_OK { status = run(Z_FINISH, into: &output) }
        return status == Z_STREAM_END
    }

    private func run(_ flush: Int32, into output: inout [UInt8]) -> Int32 {
        var status: Int32 = Z_OK
        let produced = scratch.withUnsafeMutableBufferPointer { out -> Int in
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = uInt(out.count)
            status = deflate(stream, flush)
            return out.count - Int(stream.pointee.avail_out)
        }
        output.append(contentsOf: scratch[0..<produced])
        return status
    }

    /// The CRC-32 of `data` continued from `crc` (0 to start), as ZIP uses.
    static func crc32(_ crc: UInt32, _ data: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = data.baseAddress, !data.isEmpty else { return crc }
        var value = uLong(crc)
        var offset = 0
        // zlib takes at most 2^32 - 1 bytes a call.
        while offset < data.count {
            let length = min(data.count - offset, 1 << 30)
            value = CZlib.crc32(value, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: value)
    }
}
