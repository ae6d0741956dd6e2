import ArgumentParser
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

    /// Writes what `body` writes into its sink to `path` (or standard output), as `write(_:to:)` does, while it is
    /// written: about a megabyte at a time, so that a report written piece by piece is never held whole.
    static func write(to path: String?, _ body: (inout ByteSink) -> Void) throws {
        guard let path, path != "-" else {
            ReportOutput.writeToStandardOutput(body)
            return
        }
        do {
            try ReportOutput.write(toFile: path, body)
        } catch let error as ReportOutputError {
            Terminal.writeError("error: \(error.message)\n")
            throw ExitCode(2)
        }
    }
}
