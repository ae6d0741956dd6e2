import CZlib

/// A minimal ZIP writer for Office Open XML packages: entries compressed with deflate (through the system's zlib) and
/// their CRC-32, UTF-8 names and a fixed timestamp (1980-01-01 00:00), so the same entries give the same bytes.
/// Entries and the archive must stay under 4 GiB (no ZIP64): callers bound what they write (`XLSXWorkbook` keeps a
/// whole workbook under `maximumSize`, counted before compression).
///
/// An entry is written a piece at a time (`addEntry`): what is written is compressed as it comes, so only the compressed
/// bytes are held, never the whole of a large worksheet.
struct ZIPArchive {
    private var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0
    /// What the entries added so far hold, before compression.
    private(set) var contentSize = 0
    /// Whether entries are compressed (or stored as they are).
    let compresses: Bool
    /// Whether zlib failed on an entry (out of memory): that entry's data is not usable, and the archive must be made
    /// again without compression.
    private(set) var compressionFailed = false
    /// What entries may hold together, before compression, for the archive to stay within ZIP's 32-bit sizes and offsets
    /// even stored: 4 GiB less room for the headers.
    static let maximumSize = Int(UInt32.max) - (1 << 24)

    init(compresses: Bool = true) {
        self.compresses = compresses
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
    /// The entry's data is compressed straight into the archive, after a local header whose CRC-32 and sizes are filled
    /// in once the data is written: the compressed bytes are never held twice.
    mutating func addEntry(path: String, _ write: (inout ZIPEntryWriter) -> Void) {
        let name = Array(path.utf8)
        let offset = bytes.count
        // Local file header; the method, CRC-32 and sizes are set below.
        append32(0x0403_4B50, to: &bytes)
        append16(20, to: &bytes)
        append16(ZIPArchive.flags, to: &bytes)
        append16(0, to: &bytes)
        append16(ZIPArchive.dosTime, to: &bytes)
        append16(ZIPArchive.dosDate, to: &bytes)
        append32(0, to: &bytes)
        append32(0, to: &bytes)
        append32(0, to: &bytes)
        append16(UInt16(truncatingIfNeeded: name.count), to: &bytes)
        append16(0, to: &bytes)
        bytes += name
        let dataStart = bytes.count
        // The archive's bytes are handed to the entry and back, not shared: shared, the entry's first write would copy
        // them all. (`consume`: passed as a plain argument, the variable kept its reference and they were copied.)
        var archived: [UInt8] = []
        swap(&archived, &bytes)
        var entry = ZIPEntryWriter(compressing: compresses, appendingTo: consume archived)
        write(&entry)
        let (data, crc, size, method, failed) = entry.finished()
        bytes = data
        if failed { compressionFailed = true }
        contentSize += size
        let compressedSize = UInt32(truncatingIfNeeded: bytes.count - dataStart)
        let uncompressedSize = UInt32(truncatingIfNeeded: size)
        set16(method, at: offset + 8)
        set32(crc, at: offset + 14)
        set32(compressedSize, at: offset + 18)
        set32(uncompressedSize, at: offset + 22)
        // Central directory entry.
        append32(0x0201_4B50, to: &central)
        append16(20, to: &central) // made by: MS-DOS, 2.0
        append16(20, to: &central)
        append16(ZIPArchive.flags, to: &central)
        append16(method, to: &central)
        append16(ZIPArchive.dosTime, to: &central)
        append16(ZIPArchive.dosDate, to: &central)
        append32(crc, to: &central)
        append32(compressedSize, to: &central)
        append32(uncompressedSize, to: &central)
        append16(UInt16(truncatingIfNeeded: name.count), to: &central)
        append16(0, to: &central) // extra
        append16(0, to: &central) // comment
        append16(0, to: &central) // disk
        append16(0, to: &central) // internal attributes
        append32(0, to: &central) // external attributes
        append32(UInt32(truncatingIfNeeded: offset), to: &central)
        central += name
        count += 1
    }

    private mutating func set16(_ value: UInt16, at position: Int) {
        bytes[position] = UInt8(value & 0xFF)
        bytes[position + 1] = UInt8(value >> 8)
    }

    private mutating func set32(_ value: UInt32, at position: Int) {
        for index in 0..<4 { bytes[position + index] = UInt8((value >> UInt32(8 * index)) & 0xFF) }
    }

    /// The archive: the entries, the central directory and its end record. The entries' bytes are taken, not copied: the
    /// archive is empty afterwards (finished again, it is an archive of no entries).
    mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        swap(&output, &bytes)
        defer {
            central = []
            count = 0
            contentSize = 0
        }
        let directoryOffset = UInt32(truncatingIfNeeded: output.count)
        output += central
        append32(0x0605_4B50, to: &output)
        append16(0, to: &output)
        append16(0, to: &output)
        append16(UInt16(truncatingIfNeeded: count), to: &output)
        append16(UInt16(truncatingIfNeeded: count), to: &output)
        append32(UInt32(truncatingIfNeeded: central.count), to: &output)
        append32(directoryOffset, to: &output)
        append16(0, to: &output)
        return output
    }

    private func append16(_ value: UInt16, to output: inout [UInt8]) {
        output.append(UInt8(value & 0xFF))
        output.append(UInt8(value >> 8))
    }

    private func append32(_ value: UInt32, to output: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP uses.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBytes { Deflater.crc32(0, $0) }
    }
}

/// The contents of one ZIP entry as they are written: gathered a little at a time and compressed (or, should zlib be
/// unable to start, stored as they are).
struct ZIPEntryWriter {
    private var pending: [UInt8] = []
    private var output: [UInt8] = []
    private let deflater: Deflater?
    private var crc: UInt32 = 0
    private var written = 0
    private var failed = false
    private static let pieceSize = 1 << 16

    /// A writer whose data goes after `output`'s bytes (the archive so far).
    init(compressing: Bool, appendingTo output: consuming [UInt8] = []) {
        deflater = compressing ? Deflater.make() : nil
        self.output = output
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
                if !failed, !deflater.compress(piece, into: &output) { failed = true }
            } else {
                output.append(contentsOf: piece)
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// What the writer was started with, then the entry's data (compressed or stored); the CRC-32 and size of its
    /// contents, the ZIP method (8 deflate, 0 stored), and whether compressing failed (the data is then not the contents').
    consuming func finished() -> (data: [UInt8], crc: UInt32, size: Int, method: UInt16, failed: Bool) {
        flush()
        guard let deflater else { return (output, crc, written, 0, false) }
        if !failed, !deflater.finish(into: &output) { failed = true }
        return (output, crc, written, 8, failed)
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
