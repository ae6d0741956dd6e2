import _BianzhiTestSupport
import Foundation
@testable import Reporters
import Schema
import Testing

/// Reports written as they are made: the same bytes as rendered whole, and a file replaced whole or not at all.
@Suite struct ReportOutputTests {
    /// The JSON report, handed on a few findings at a time, and the text report, a group of findings at a time, are the
    /// bytes of the report rendered whole (and of their golden files); so is every other format, which is written whole.
    @Test(arguments: [1, 300, 4096, ReportOutput.chunkSize])
    func aReportWrittenInPiecesIsTheWholeReport(chunkSize: Int) throws {
        let reportCase = try ReportCase.load()
        for format in ReportFormat.allCases {
            let whole = reportCase.render(format)
            var chunks: [[UInt8]] = []
            var sink = ByteSink(chunkSize: chunkSize) { chunk in
                chunks.append(chunk)
                return true
            }
            format.write(reportCase.report, context: reportCase.context, into: &sink)
            let finished = sink.finish()
            #expect(finished)
            #expect(Array(chunks.joined()) == whole, "\(format)")
            if format == .json || format == .text, chunkSize < whole.count {
                #expect(chunks.count > 1, "the \(format) report is handed on while it is made")
            }
        }
    }

    @Test func aFileIsWrittenInPiecesAndReplacedWhole() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("报告.json").path
        let reportCase = try ReportCase.load()
        try ReportOutput.write(toFile: path, chunkSize: 100) { ReportFormat.json.write(reportCase.report, context: reportCase.context, into: &$0) }
        #expect(FileManager.default.contents(atPath: path) == Data(reportCase.render(.json)))
        // Replacing it.
        try ReportOutput.write(toFile: path, chunkSize: 100) { $0.bytes.append(contentsOf: "替换后\n".utf8) }
        #expect(FileManager.default.contents(atPath: path) == Data("替换后\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["报告.json"], "no temporary file left")
    }

    /// Writing fails part way (a full disk, say) after some pieces have gone to the temporary file: the report that was
    /// there is untouched and the temporary file is gone.
    @Test func aFailedWriteLeavesTheOldReportAndNoTemporaryFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        try Data("原有报告\n".utf8).write(to: URL(fileURLWithPath: path))
        var pieces = 0
        var temporaryFilesSeen: [String] = []
        let failing: ([UInt8], Int32) -> Bool = { bytes, descriptor in
            pieces += 1
            temporaryFilesSeen = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            guard pieces <= 3 else {
                errno = ENOSPC
                return false
            }
            return ReportOutput.writeAll(bytes, to: descriptor)
        }
        var itemsWritten = 0
        let thrown = #expect(throws: ReportOutputError.self) {
            try ReportOutput.write(toFile: path, chunkSize: 10, writingWith: failing) { sink in
                for index in 0..<1000 where !sink.failed {
                    sink.bytes.append(contentsOf: "第\(index)项\n".utf8)
                    itemsWritten += 1
                    sink.flushIfFull()
                }
            }
        }
        #expect(thrown == ReportOutputError(path: path, operation: .write, code: ENOSPC))
        #expect(thrown?.message.hasPrefix("无法写入 \(path)：") == true)
        #expect(pieces == 4)
        #expect(itemsWritten < 10, "the rest is not made once writing failed")
        #expect(temporaryFilesSeen.count == 2, "the pieces went to a temporary file beside the report: \(temporaryFilesSeen)")
        #expect(FileManager.default.contents(atPath: path) == Data("原有报告\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.json"])
    }

    /// Making the report fails part way: the same.
    @Test func aFailureWhileMakingTheReportLeavesTheOldReport() throws {
        struct Interrupted: Error {}
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.csv").path
        try Data("原有报告\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: Interrupted.self) {
            try ReportOutput.write(toFile: path, chunkSize: 4) { sink in
                sink.bytes.append(contentsOf: "一半的报告".utf8)
                sink.flushIfFull()
                throw Interrupted()
            }
        }
        #expect(FileManager.default.contents(atPath: path) == Data("原有报告\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.csv"])
    }

    @Test func aMissingFolderIsACreateError() throws {
        let path = "/nonexistent-\(UUID().uuidString)/r.json"
        let thrown = #expect(throws: ReportOutputError.self) {
            try ReportOutput.write(toFile: path) { $0.bytes.append(contentsOf: "{}".utf8) }
        }
        #expect(thrown?.operation == .create)
        #expect(thrown?.code == ENOENT)
        #expect(thrown?.message.hasPrefix("无法写入 \(path)：文件夹不存在或没有写权限") == true)
    }
}
