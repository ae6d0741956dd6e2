import _BianzhiTestSupport
import Diagnostics
import Foundation
@testable import Reporters
import Schema
import Testing

/// Reports written as they are made: the same bytes as rendered whole, and a file replaced whole or not at all.
@Suite struct ReportOutputTests {
    /// The JSON report, handed on a few findings at a time, and the text and HTML reports, a group of findings at a time,
    /// are the bytes of the report rendered whole (and of their golden files); so is every other format, written whole.
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
            if format == .json || format == .text || format == .html, chunkSize < whole.count {
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

    /// A report replaced keeps the permissions it had (the atomic write used to leave every report 0644).
    @Test func aReplacedReportKeepsItsPermissions() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        try Data("旧\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0o640) == 0)
        try ReportOutput.write(toFile: path) { $0.bytes.append(contentsOf: "新\n".utf8) }
        #expect(FileManager.default.contents(atPath: path) == Data("新\n".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
    }

    /// A link at the report's path stays a link: the file it points to is replaced (or made, when it is not there yet).
    @Test func aLinkStaysALinkAndItsFileIsReplaced() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        let real = directory.appendingPathComponent("real.json").path
        try Data("旧\n".utf8).write(to: URL(fileURLWithPath: real))
        let link = directory.appendingPathComponent("link.json").path
        try manager.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
        try ReportOutput.write(toFile: link) { $0.bytes.append(contentsOf: "新\n".utf8) }
        #expect(try manager.destinationOfSymbolicLink(atPath: link) == "real.json")
        #expect(manager.contents(atPath: real) == Data("新\n".utf8))
        let dangling = directory.appendingPathComponent("dangling.json").path
        try manager.createSymbolicLink(atPath: dangling, withDestinationPath: "later.json")
        try ReportOutput.write(toFile: dangling) { $0.bytes.append(contentsOf: "后来\n".utf8) }
        #expect(try manager.destinationOfSymbolicLink(atPath: dangling) == "later.json")
        #expect(manager.contents(atPath: directory.appendingPathComponent("later.json").path) == Data("后来\n".utf8))
        #expect(try manager.contentsOfDirectory(atPath: directory.path).sorted() == ["dangling.json", "later.json", "link.json", "real.json"])
        // A chain of links to nothing yet: the file is made at the end of the chain, every link left as it was.
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("first.json").path, withDestinationPath: "second.json")
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("second.json").path, withDestinationPath: "last.json")
        try ReportOutput.write(toFile: directory.appendingPathComponent("first.json").path) { $0.bytes.append(contentsOf: "链\n".utf8) }
        #expect(try manager.destinationOfSymbolicLink(atPath: directory.appendingPathComponent("second.json").path) == "last.json")
        #expect(manager.contents(atPath: directory.appendingPathComponent("last.json").path) == Data("链\n".utf8))
    }

    /// A device or a named pipe is written to, never replaced by a regular file (as root, `--output /dev/full` once
    /// replaced the device itself); a folder is refused.
    @Test func devicesAreWrittenThroughAndFoldersRefused() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        try ReportOutput.write(toFile: "/dev/null") { $0.bytes.append(contentsOf: "报告\n".utf8) }
        let after = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(after[.type] as? FileAttributeType == .typeCharacterSpecial)
        #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
        let full = #expect(throws: ReportOutputError.self) {
            try ReportOutput.write(toFile: "/dev/full") { $0.bytes.append(contentsOf: "报告\n".utf8) }
        }
        #expect(full?.operation == .writeThrough)
        #expect(full?.message.contains("磁盘空间不足") == true, "\(full?.message ?? "")")
        #expect(try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType == .typeCharacterSpecial)
        // A named pipe with a reader: the report goes through it.
        let pipe = directory.appendingPathComponent("pipe").path
        #expect(mkfifo(pipe, 0o644) == 0)
        let received = PipeReader(path: pipe)
        try ReportOutput.write(toFile: pipe) { $0.bytes.append(contentsOf: "报告\n".utf8) }
        #expect(received.wait() == Array("报告\n".utf8))
        var status = stat()
        #expect(lstat(pipe, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "still a named pipe")
        let folder = #expect(throws: ReportOutputError.self) {
            try ReportOutput.write(toFile: directory.path) { $0.bytes.append(contentsOf: "报告\n".utf8) }
        }
        #expect(folder?.code == EISDIR)
        #expect(folder?.message.contains("这是一个文件夹") == true)
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
            return Descriptor.writeAll(bytes, to: descriptor)
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

    /// A change to what was written that the sink refuses (a patch past the end: a writer's mistake, not the system's)
    /// fails the write like a full disk: the old report stays, and the message says what went wrong without a system error.
    @Test func aRefusedChangeLeavesTheOldReport() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.xlsx").path
        try Data("原有报告\n".utf8).write(to: URL(fileURLWithPath: path))
        let thrown = #expect(throws: ReportOutputError.self) {
            try ReportOutput.write(toFile: path, chunkSize: 4) { sink in
                sink.bytes.append(contentsOf: "一半的报告".utf8)
                sink.flushIfFull()
                sink.overwrite(Array("尾".utf8), at: sink.position)
            }
        }
        #expect(thrown == ReportOutputError(path: path, operation: .write, code: 0))
        #expect(thrown?.message.contains("已写出的部分无法修改") == true)
        #expect(FileManager.default.contents(atPath: path) == Data("原有报告\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.xlsx"])
    }

    @Test func aMissingFolderIsACreateError() throws {
        let path = "/nonexistent-\(UUID().uuidString)/r.json"
        let thrown = #expect(throws: ReportOutputError.self) {
            try ReportOutput.write(toFile: path) { $0.bytes.append(contentsOf: "{}".utf8) }
        }
        #expect(thrown?.operation == .create)
        #expect(thrown?.code == ENOENT)
        #expect(thrown?.message.hasPrefix("无法写入 \(path)：文件夹不存在") == true)
    }
}

/// Reads a named pipe to its end on a thread of its own (opening it waits for the writer).
private final class PipeReader: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread { [self] in
            let descriptor = open(path, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while descriptor >= 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 4096) }
                if count <= 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            if descriptor >= 0 { close(descriptor) }
            done.signal()
        }.start()
    }

    /// What was read, once the writer has closed the pipe.
    func wait() -> [UInt8] {
        done.wait()
        return bytes
    }
}
