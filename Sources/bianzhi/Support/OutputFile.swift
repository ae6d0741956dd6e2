#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// Where a command's report goes: standard output, or a file written atomically.
enum OutputFile {
    /// Writes `bytes` to `path`, or to standard output when `path` is nil or `-`.
    ///
    /// A file is written whole or not at all: the bytes go to a temporary file beside it, which is then
    /// renamed over the target, so a reader (or a crash) never sees a half-written report. A failure
    /// is reported on standard error and exits 2.
    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path, path != "-" else {
            _ = writeAll(bytes, to: STDOUT_FILENO)
            return
        }
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(getpid()).\(UUID().uuidString.prefix(8)).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let handle = try FileHandle(forWritingTo: temporary)
            guard writeAll(bytes, to: handle.fileDescriptor) else { throw CocoaError(.fileWriteUnknown) }
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                Terminal.writeError("error: 无法写入 \(path)：\(reason) (cannot write the report)\n")
                throw ExitCode(2)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            Terminal.writeError("error: 无法写入 \(path)：文件夹不存在或没有写权限 (cannot write the report)\n")
            throw ExitCode(2)
        }
    }

    /// Writes all of `bytes` to the descriptor straight from the array (a report can be tens of MB: no copy of it is
    /// made), again after an interruption or a partial write. False on an error.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
