/// A minimal ZIP writer for Office Open XML packages: stored (uncompressed) entries with CRC-32,
/// UTF-8 names and a fixed timestamp (1980-01-01 00:00), so the same entries give the same bytes.
/// Entries and the archive must stay under 4 GiB (no ZIP64); callers bound their sizes.
struct ZIPArchive {
    private var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    /// DOS date for 1980-01-01, time 00:00:00.
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    private static let dosTime: UInt16 = 0
    /// Bit 11: names are UTF-8.
    private static let flags: UInt16 = 0x0800

    mutating func add(path: String, contents: [UInt8]) {
        let name = Array(path.utf8)
        let crc = ZIPArchive.crc32(contents)
        let offset = UInt32(truncatingIfNeeded: bytes.count)
        let size = UInt32(truncatingIfNeeded: contents.count)
        // Local file header.
        append32(0x0403_4B50, to: &bytes)
        append16(20, to: &bytes)
        append16(ZIPArchive.flags, to: &bytes)
        append16(0, to: &bytes) // stored
        append16(ZIPArchive.dosTime, to: &bytes)
        append16(ZIPArchive.dosDate, to: &bytes)
        append32(crc, to: &bytes)
        append32(size, to: &bytes)
        append32(size, to: &bytes)
        append16(UInt16(truncatingIfNeeded: name.count), to: &bytes)
        append16(0, to: &bytes)
        bytes += name
        bytes += contents
        // Central directory entry.
        append32(0x0201_4B50, to: &central)
        append16(20, to: &central) // made by: MS-DOS, 2.0
        append16(20, to: &central)
        append16(ZIPArchive.flags, to: &central)
        append16(0, to: &central)
        append16(ZIPArchive.dosTime, to: &central)
        append16(ZIPArchive.dosDate, to: &central)
        append32(crc, to: &central)
        append32(size, to: &central)
        append32(size, to: &central)
        append16(UInt16(truncatingIfNeeded: name.count), to: &central)
        append16(0, to: &central) // extra
        append16(0, to: &central) // comment
        append16(0, to: &central) // disk
        append16(0, to: &central) // internal attributes
        append32(0, to: &central) // external attributes
        append32(offset, to: &central)
        central += name
        count += 1
    }

    /// The archive: the entries, the central directory and its end record.
    func finished() -> [UInt8] {
        var output = bytes
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
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
}
