import CZlib

/// The entries of a ZIP archive as bianzhi writes it (local headers carrying the sizes; entries stored or deflated), for
/// tests that read what a workbook holds.
public enum ZIPReader {
    /// Entry name → its contents, in archive order; nil when the bytes are not such an archive or an entry does not inflate.
    public static func entries(_ bytes: [UInt8]) -> [(name: String, contents: [UInt8])]? {
        func field(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, offset + size <= bytes.count else { return nil }
            return (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var entries: [(name: String, contents: [UInt8])] = []
        var offset = 0
        while field(offset, 4) == 0x0403_4B50 {
            guard let method = field(offset + 8, 2), let compressed = field(offset + 18, 4), let size = field(offset + 22, 4),
                  let nameLength = field(offset + 26, 2), let extraLength = field(offset + 28, 2) else { return nil }
            let dataStart = offset + 30 + nameLength + extraLength
            guard dataStart + compressed <= bytes.count else { return nil }
            let name = String(decoding: bytes[(offset + 30)..<(offset + 30 + nameLength)], as: UTF8.self)
            let data = Array(bytes[dataStart..<(dataStart + compressed)])
            switch method {
            case 0: entries.append((name, data))
            case 8:
                guard let inflated = inflate(data, size: size) else { return nil }
                entries.append((name, inflated))
            default: return nil
            }
            offset = dataStart + compressed
        }
        return entries
    }

    /// The compression method of each entry, in archive order (0 stored, 8 deflated); nil when the bytes are not such an
    /// archive.
    public static func methods(_ bytes: [UInt8]) -> [Int]? {
        func field(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, offset + size <= bytes.count else { return nil }
            return (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var methods: [Int] = []
        var offset = 0
        while field(offset, 4) == 0x0403_4B50 {
            guard let method = field(offset + 8, 2), let compressed = field(offset + 18, 4),
                  let nameLength = field(offset + 26, 2), let extraLength = field(offset + 28, 2) else { return nil }
            methods.append(method)
            offset += 30 + nameLength + extraLength + compressed
        }
        return methods
    }

    /// The contents of the entry named `name`.
    public static func entry(_ name: String, in bytes: [UInt8]) -> [UInt8]? {
        entries(bytes)?.first { $0.name == name }?.contents
    }

    /// Raw deflate data inflated to exactly `size` bytes, or nil.
    private static func inflate(_ data: [UInt8], size: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size + 1)
        var input = data
        let status = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else { return nil }
        return Array(output.prefix(size))
    }
}
