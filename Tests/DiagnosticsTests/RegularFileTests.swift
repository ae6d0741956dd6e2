import Diagnostics
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RegularFileTests {
    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("regular-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Every size around the edges of the read (empty, one byte, the sizes of a page and of the old 1 MB buffer, and
    /// a few MB) gives back exactly the file's bytes.
    @Test func givesBackExactlyTheBytesOfFilesOfEverySize() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for size in [0, 1, 2, 4095, 4096, 4097, 65_536, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7] {
            // A pattern that is not periodic in any small power of two, so a chunk read twice or skipped shows.
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                for index in 0..<size { buffer[index] = UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13) }
                count = size
            }
            let path = folder.appendingPathComponent("f\(size)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let read = RegularFile.bytes(at: path)
            #expect(read == bytes, "size \(size)")
            // Through a symbolic link too.
            let link = path + ".link"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
            #expect(RegularFile.bytes(at: link) == bytes, "link, size \(size)")
        }
    }

    @Test func refusesWhatIsNotARegularFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(pipe, 0o644) == 0)
        #expect(RegularFile.bytes(at: pipe) == nil)
        #expect(RegularFile.reason(at: pipe).contains("FIFO"))
        #expect(RegularFile.bytes(at: folder.path) == nil)
        #expect(RegularFile.reason(at: folder.path).contains("文件夹"))
        #expect(RegularFile.bytes(at: "/dev/zero") == nil)
        #expect(RegularFile.reason(at: "/dev/zero").contains("设备"))
        let missing = folder.appendingPathComponent("missing").path
        #expect(RegularFile.bytes(at: missing) == nil)
        #expect(RegularFile.reason(at: missing) == "文件不存在")
    }
}
