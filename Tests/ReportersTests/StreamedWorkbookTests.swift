import _BianzhiTestSupport
import Foundation
@testable import Reporters
import Schema
import Testing

/// A workbook written into a sink that hands its bytes on (a file): compressed as it is made, its headers' sizes filled
/// in afterwards, and the same bytes as the workbook made whole in memory.
@Suite struct StreamedWorkbookTests {
    /// A file kept in memory: what a sink delivers is appended, and rewritten or cut where the sink asks.
    final class MemoryFile {
        var bytes: [UInt8] = []
        var deliveries = 0
        var overwrites: [Int] = []
        var truncations: [Int] = []

        func sink(chunkSize: Int) -> ByteSink {
            let rewriting = ByteSink.Rewriting(
                overwrite: { patch, offset in
                    guard offset + patch.count <= self.bytes.count else { return false }
                    self.bytes.replaceSubrange(offset..<(offset + patch.count), with: patch)
                    self.overwrites.append(offset)
                    return true
                },
                truncate: { length in
                    guard length <= self.bytes.count else { return false }
                    self.bytes.removeSubrange(length...)
                    self.truncations.append(length)
                    return true
                })
            return ByteSink(chunkSize: chunkSize, rewriting: rewriting) { chunk in
                self.bytes += chunk
                self.deliveries += 1
                return true
            }
        }
    }

    /// A workbook with one large sheet (about 1.5 MB of XML) and a small one.
    private static func workbook() -> XLSXWorkbook {
        let large = XLSXWorkbook.Sheet(name: "发现", header: ["编号", "机构", "说明"], widths: [10, 20, 40], rowCount: 20_000,
                                       columns: 3) { row in
            [.text("F\(row)"), .text("县第\(row % 97)局"), .number(row)]
        }
        let small = XLSXWorkbook.Sheet(name: "统计", header: ["项目", "数"], widths: [10, 10], rowCount: 3, columns: 2) { row in
            [.text("项\(row)"), .number(row)]
        }
        return XLSXWorkbook(sheets: [large, small])
    }

    /// The workbook written into a `MemoryFile` a chunk at a time.
    private static func written(_ workbook: XLSXWorkbook, chunkSize: Int) throws -> MemoryFile {
        let file = MemoryFile()
        var sink = file.sink(chunkSize: chunkSize)
        workbook.write(into: &sink)
        let finished = sink.finish()
        try #require(finished, "every byte delivered")
        return file
    }

    /// Handed on in pieces of every size, the workbook is the bytes made whole; the large worksheet left the sink before
    /// the workbook was done, and its header was filled in where it had been delivered.
    @Test(arguments: [1, 4096, ReportOutput.chunkSize])
    func aWorkbookHandedOnInPiecesIsTheWholeWorkbook(chunkSize: Int) throws {
        let workbook = Self.workbook()
        let whole = workbook.data()
        let file = try Self.written(workbook, chunkSize: chunkSize)
        let same = file.bytes == whole
        #expect(same, "\(file.bytes.count) bytes written, \(whole.count) made whole")
        #expect(ZIPReader.methods(whole) == Array(repeating: 8, count: 7), "every entry deflated")
        let sheet = try #require(ZIPReader.entry("xl/worksheets/sheet1.xml", in: whole))
        #expect(sheet.count > 1_000_000)
        if chunkSize < whole.count {
            #expect(file.deliveries > 1, "handed on while it was made")
            #expect(!file.overwrites.isEmpty, "a header already delivered was filled in")
        }
    }

    /// The same through `ReportOutput` into a real file (pwrite on the temporary file before it is renamed).
    @Test func aWorkbookWrittenToAFileIsTheWholeWorkbook() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("报告.xlsx").path
        let workbook = Self.workbook()
        try ReportOutput.write(toFile: path, chunkSize: 1000) { workbook.write(into: &$0) }
        let same = FileManager.default.contents(atPath: path) == Data(workbook.data())
        #expect(same, "the file is the workbook made whole")
    }

    /// Should zlib fail part way through the large worksheet, after much of the workbook was delivered, what was written
    /// is cut off and the workbook written again stored: the same contents, every entry stored, and the bytes of the
    /// fallback made in memory. A sink that cannot cut (delivered to a pipe) gets the workbook made whole in memory first.
    @Test(arguments: [64, ReportOutput.chunkSize])
    func aWorkbookWhoseCompressionFailsIsWrittenAgainStored(chunkSize: Int) throws {
        let compressed = Self.workbook()
        var failing = compressed
        failing.failsCompressingAfter = 600_000
        let fallback = failing.data()
        #expect(ZIPReader.methods(fallback) == Array(repeating: 0, count: 7), "every entry stored")
        let expected = try #require(ZIPReader.entries(compressed.data()))
        let contents = try #require(ZIPReader.entries(fallback))
        #expect(contents.map(\.name) == expected.map(\.name))
        #expect(contents.map(\.contents) == expected.map(\.contents))

        let file = try Self.written(failing, chunkSize: chunkSize)
        let same = file.bytes == fallback
        #expect(same, "\(file.bytes.count) bytes written, \(fallback.count) made in memory")
        if chunkSize == 64 {
            #expect(file.truncations == [0], "what was delivered was cut off")
        }

        var chunks: [[UInt8]] = []
        var pipe = ByteSink(chunkSize: chunkSize) { chunk in
            chunks.append(chunk)
            return true
        }
        #expect(!pipe.isRewritable)
        failing.write(into: &pipe)
        let delivered = pipe.finish()
        #expect(delivered)
        let piped = Array(chunks.joined()) == fallback
        #expect(piped, "a sink that cannot cut gets the fallback made in memory")

        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stored.xlsx").path
        try ReportOutput.write(toFile: path, chunkSize: chunkSize) { failing.write(into: &$0) }
        let stored = FileManager.default.contents(atPath: path) == Data(fallback)
        #expect(stored, "the file is the fallback made in memory")
    }

    /// An archive written straight into a sink that cannot change what it delivered (a pipe), small pieces at a time:
    /// the header of an entry is gone before its sizes are known, so filling them in is refused and the sink fails,
    /// instead of handing on an archive whose header says its entry is empty. (`XLSXWorkbook.write(into:)` never does
    /// this: it makes the workbook whole in memory for such a sink, as the test above shows.)
    @Test func anArchiveWhoseHeaderCannotBeFilledInFailsItsSink() {
        var pipe = ByteSink(chunkSize: 16) { _ in true }
        var archive = ZIPArchive(compresses: true, writingInto: pipe)
        archive.addEntry(path: "a.txt") { $0.append(String(repeating: "编制", count: 100)) }
        pipe = archive.finished()
        #expect(pipe.failed, "the sizes of a delivered header could not be filled in")
        let finished = pipe.finish()
        #expect(!finished)

        var memory = ZIPArchive(compresses: true, writingInto: ByteSink())
        memory.addEntry(path: "a.txt") { $0.append(String(repeating: "编制", count: 100)) }
        var kept = memory.finished()
        let keptFinished = kept.finish()
        #expect(keptFinished && !kept.failed, "a sink that keeps every byte can fill it in")
        #expect(ZIPReader.entry("a.txt", in: kept.bytes) == Array(String(repeating: "编制", count: 100).utf8))
    }
}
