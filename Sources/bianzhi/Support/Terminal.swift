#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Diagnostics
import Foundation
import Reporters

/// Standard output and error, and whether colour may be used on them.
enum Terminal {
    /// Colour only when the stream is a terminal and `NO_COLOR` is not set (https://no-color.org).
    static func useColor(onStandardError: Bool) -> Bool {
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return false }
        return isatty(onStandardError ? 2 : 1) == 1
    }

    /// Writes to standard output. A write that fails (a full disk behind `>`; a closed pipe, when the broken-pipe signal
    /// is ignored) stops the command with exit 2 and says why, as `OutputFile.write` does for reports. (Foundation's
    /// `FileHandle` crashed the process.)
    static func writeOut(_ text: String) throws {
        guard !Descriptor.writeAll(Array(text.utf8), to: STDOUT_FILENO) else { return }
        writeError("error: \(ReportOutputError(path: "-", operation: .standardOutput, code: errno).message)\n")
        throw ExitCode(2)
    }

    /// Writes to standard error, clearing `progress`'s line first when a run shows one.
    static func writeError(_ text: String, clearing progress: ProgressIndicator? = nil) {
        progress?.clearForOutput()
        // Nothing more can be said when standard error fails: the write is dropped.
        _ = Descriptor.writeAll(Array(text.utf8), to: STDERR_FILENO)
    }
}
