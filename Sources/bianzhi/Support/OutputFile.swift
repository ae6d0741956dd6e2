import ArgumentParser
import Foundation
import Reporters
import Schema

/// Where a command's report goes: standard output, or a file written atomically.
enum OutputFile {
    /// Writes `bytes` to `path`, or to standard output when `path` is nil or `-`.
    ///
    /// A file is written whole or not at all: the bytes go to a temporary file beside it, which is then
    /// renamed over the target, so a reader (or a crash) never sees a half-written report. A failure
    /// is reported on standard error and exits 2.
    static func write(_ bytes: [UInt8], to path: String?) throws {
        try write(to: path) { sink in
            // Handed over whole, not copied.
            sink.bytes = bytes
        }
    }

    /// Exits 2 before any work when `path` is one of the command's inputs or inside one (the snapshot audited, a file
    /// of its folder, the ledger): the report would replace what the user stored. `inputs` pairs each path with what
    /// it is, for the message. Links are followed, so another name for the same file is caught too.
    static func refuseOverwriting(_ path: String?, inputs: [(path: String, what: String)]) throws {
        guard let path, path != "-", let output = canonical(path, mayBeNew: true) else { return }
        for input in inputs {
            guard let source = canonical(input.path, mayBeNew: false) else { continue }
            // A database's journal, write-ahead log and shared memory beside it are part of it.
            let sideFiles = ["-journal", "-wal", "-shm"].map { source + $0 }
            if output == source || sideFiles.contains(output) || output.hasPrefix(source.hasSuffix("/") ? source : source + "/") {
                Terminal.writeError("error: 不能把输出写到 \(path)：\(output == source ? "它就是" : "它在")\(input.what) \(input.path)\(output == source ? "" : " 之中")，"
                                    + "写入会改动被读取的数据；请换一个文件名 (the output would overwrite an input)\n")
                throw ExitCode(2)
            }
        }
    }

    /// The path with links resolved; for a file that does not exist yet (`mayBeNew`), its folder's resolved path and its
    /// name. A link to a file not made yet is followed to where the file would be made (the report is written there).
    private static func canonical(_ path: String, mayBeNew: Bool) -> String? {
        if FileManager.default.fileExists(atPath: path) { return URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        guard mayBeNew else { return nil }
        let url = URL(fileURLWithPath: ReportOutput.destination(ofDanglingLink: path) ?? path)
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }

    /// Writes what `body` writes into its sink to `path` (or standard output), as `write(_:to:)` does, while it is
    /// written: about a megabyte at a time, so that a report written piece by piece is never held whole.
    static func write(to path: String?, _ body: (inout ByteSink) -> Void) throws {
        do {
            if let path, path != "-" {
                try ReportOutput.write(toFile: path, body)
            } else {
                try ReportOutput.writeToStandardOutput(body)
            }
        } catch let error as ReportOutputError {
            Terminal.writeError("error: \(error.message)\n")
            throw ExitCode(2)
        }
    }
}
