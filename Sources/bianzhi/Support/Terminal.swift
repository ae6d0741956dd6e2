#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Standard output and error, and whether colour may be used on them.
enum Terminal {
    /// Colour only when the stream is a terminal and `NO_COLOR` is not set (https://no-color.org).
    static func useColor(onStandardError: Bool) -> Bool {
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return false }
        return isatty(onStandardError ? 2 : 1) == 1
    }

    static func writeOut(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes to standard error, clearing `progress`'s line first when a run shows one.
    static func writeError(_ text: String, clearing progress: ProgressIndicator? = nil) {
        progress?.clearForOutput()
        FileHandle.standardError.write(Data(text.utf8))
    }
}
