#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import Reporters

/// Standard output and error, and whether colour may be used on them.
enum Terminal {
    /// Colour only when the stream is a terminal and `NO_COLOR` is not set (https://no-color.org).
    static func useColor(onStandardError: Bool) -> Bool {
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return false }
        return isatty(onStandardError ? 2 : 1) == 1
    }

    /// Writes to standard output. A write that fails (a full disk behind `>`) stops the command with exit 2 and says why;
    /// a reader that went away (a closed pipe) stops it quietly, as for any command. (Foundation's `FileHandle` crashed
    /// the process on either.)
    static func writeOut(_ text: String) throws {
        guard !ReportOutput.writeAll(Array(text.utf8), to: STDOUT_FILENO) else { return }
        throw Terminal.standardOutputFailed(code: errno)
    }

    /// The error to stop with when writing to standard output failed with `code`, said on standard error first.
    static func standardOutputFailed(code: Int32) -> ExitCode {
        if code != EPIPE {
            writeError("error: \(ReportOutputError(path: "标准输出", operation: .writeThrough, code: code).message)\n")
        }
        return ExitCode(2)
    }

    /// Writes to standard error, clearing `progress`'s line first when a run shows one.
    static func writeError(_ text: String, clearing progress: ProgressIndicator? = nil) {
        progress?.clearForOutput()
        // Nothing more can be said when standard error fails: the write is dropped.
        _ = ReportOutput.writeAll(Array(text.utf8), to: STDERR_FILENO)
    }
}
