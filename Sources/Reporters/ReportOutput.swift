#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Schema

/// Where a report goes as it is written: standard output, or a file replaced whole or not at all.
///
/// The bytes reach the destination about `chunkSize` at a time (see `ByteSink`), so a report that is written piece by
/// piece (`JSONReporter.write(_:into:)`) is never held whole in memory.
public enum ReportOutput {
    /// How many bytes are gathered before they are written: few system calls, little memory.
    public static let chunkSize = 1 << 20

    /// Writes what `body` writes into its sink to standard output. Once a write fails the rest is dropped, and the error
    /// is thrown (`ReportOutputError`, `.standardOutput`): a full disk behind `>`, or a reader that went away (a closed
    /// pipe, when the broken-pipe signal is ignored; otherwise that signal ends the process first).
    public static func writeToStandardOutput(chunkSize: Int = chunkSize, _ body: (inout ByteSink) throws -> Void) throws {
        var code: Int32 = 0
        var sink = ByteSink(chunkSize: chunkSize) { bytes in
            guard Descriptor.writeAll(bytes, to: STDOUT_FILENO) else {
                code = errno
                return false
            }
            return true
        }
        try body(&sink)
        if !sink.finish() {
            throw ReportOutputError(path: "-", operation: .standardOutput, code: code)
        }
    }

    /// Writes what `body` writes into its sink to the file at `path`, atomically: the bytes go to a temporary file beside
    /// it, which replaces `path` (by renaming) only once all of them are written and synchronised. If anything fails, or
    /// `body` throws, the temporary file is removed and `path` is left as it was: no reader ever sees half a report.
    ///
    /// What is already at `path` is respected: a file replaced keeps its permissions (and, for root, its owner); a
    /// symbolic link stays a link and the file it points to is replaced; a device or a named pipe (`/dev/null`,
    /// `/dev/stdout`) is written to, as the shell's `>` would, never replaced by a regular file; a folder is refused.
    ///
    /// Throws `ReportOutputError` when the file cannot be written, or what `body` throws.
    public static func write(toFile path: String, chunkSize: Int = chunkSize, _ body: (inout ByteSink) throws -> Void) throws {
        try write(toFile: path, chunkSize: chunkSize, writingWith: { Descriptor.writeAll($0, to: $1) }, body)
    }

    /// `write(toFile:chunkSize:_:)` with the function that writes the bytes to the temporary file's descriptor (tests
    /// make it fail part way).
    static func write(toFile path: String, chunkSize: Int, writingWith writer: @escaping ([UInt8], Int32) -> Bool,
                      _ body: (inout ByteSink) throws -> Void) throws {
        var target = path
        var existing = stat()
        var exists = lstat(path, &existing) == 0
        if exists, existing.st_mode & S_IFMT == S_IFLNK {
            if stat(path, &existing) == 0 {
                // A link to a device (`/dev/stdout`) is written through as it is; to a file, the file is replaced.
                if existing.st_mode & S_IFMT == S_IFREG {
                    guard let resolved = realpath(path, nil) else { throw ReportOutputError(path: path, operation: .resolveLink, code: errno) }
                    target = String(cString: resolved)
                    free(resolved)
                }
            } else if errno == ENOENT, let destination = ReportOutput.destination(ofDanglingLink: path) {
                // A link to a file not made yet: the report is made there.
                target = destination
                exists = false
            } else {
                throw ReportOutputError(path: path, operation: .resolveLink, code: errno)
            }
        }
        if exists {
            switch existing.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw ReportOutputError(path: path, operation: .create, code: EISDIR)
            default: return try writeThrough(path: target, shownAs: path, chunkSize: chunkSize, writingWith: writer, body)
            }
        }
        let temporary = try TemporaryFile(beside: target, shownAs: path)
        var removeTemporary = true
        defer {
            if removeTemporary { unlink(temporary.path) }
        }
        var writeError: Int32 = 0
        let descriptor = temporary.descriptor
        if exists {
            // The report replaced keeps its permissions and (when root writes it) its owner and group.
            _ = fchmod(descriptor, existing.st_mode & 0o7777)
            if geteuid() == 0 { _ = fchown(descriptor, existing.st_uid, existing.st_gid) }
        }
        // A regular file of our own: what is written can be changed afterwards (the sizes in a ZIP's headers).
        let rewriting = ByteSink.Rewriting(
            overwrite: { bytes, offset in
                if Descriptor.writeAll(bytes, to: descriptor, at: offset) { return true }
                writeError = errno
                return false
            },
            truncate: { length in
                if Descriptor.truncate(descriptor, to: length) { return true }
                writeError = errno
                return false
            })
        var sink = ByteSink(chunkSize: chunkSize, rewriting: rewriting) { bytes in
            if writer(bytes, descriptor) { return true }
            writeError = errno
            return false
        }
        do {
            try body(&sink)
        } catch {
            close(descriptor)
            throw error
        }
        let written = sink.finish()
        if !written {
            close(descriptor)
            throw ReportOutputError(path: path, operation: .write, code: writeError)
        }
        // On the disk before it replaces the report: a crash just after the rename leaves the whole new one.
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            throw ReportOutputError(path: path, operation: .write, code: code)
        }
        if close(descriptor) != 0 { throw ReportOutputError(path: path, operation: .write, code: errno) }
        guard rename(temporary.path, target) == 0 else { throw ReportOutputError(path: path, operation: .rename, code: errno) }
        removeTemporary = false
    }

    /// Where a file written through the symbolic link at `path` would be made when the link points at nothing yet: its
    /// destination, followed through further links (a chain of at most 16), each relative one taken from its link's
    /// folder. Nil when `path` is no link or cannot be read. `write(toFile:)` writes there, and the command-line checks
    /// that refuse an output inside an input look there too, so both follow the same chain.
    public static func destination(ofDanglingLink path: String) -> String? {
        var current = path
        var followed = 0
        while followed < 16 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return followed == 0 ? nil : current }
            let destination = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if destination.hasPrefix("/") {
                current = destination
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + destination
            } else {
                current = destination
            }
            followed += 1
        }
        return nil
    }

    /// Writes to a device or a named pipe in place (there is nothing to replace atomically).
    private static func writeThrough(path: String, shownAs shown: String, chunkSize: Int,
                                     writingWith writer: @escaping ([UInt8], Int32) -> Bool,
                                     _ body: (inout ByteSink) throws -> Void) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReportOutputError(path: shown, operation: .create, code: errno) }
        defer { close(descriptor) }
        var writeError: Int32 = 0
        var sink = ByteSink(chunkSize: chunkSize) { bytes in
            if writer(bytes, descriptor) { return true }
            writeError = errno
            return false
        }
        try body(&sink)
        if !sink.finish() { throw ReportOutputError(path: shown, operation: .writeThrough, code: writeError) }
    }

    /// A new, empty file beside the target, named after it (`.report.json.<pid>.<random>.tmp`), so that the rename stays
    /// within one file system.
    private struct TemporaryFile {
        var path: String
        var descriptor: Int32

        init(beside target: String, shownAs shown: String) throws {
            let slash = target.lastIndex(of: "/")
            let folder = slash.map { String(target[...$0]) } ?? ""
            let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
            var attempt = 0
            while true {
                let path = "\(folder).\(name).\(getpid()).\(String(UInt32.random(in: .min ... .max), radix: 16)).tmp"
                let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
                if descriptor >= 0 {
                    self.path = path
                    self.descriptor = descriptor
                    return
                }
                let code = errno
                attempt += 1
                // Another file by that name (most unlikely): another name.
                guard code == EEXIST, attempt < 8 else { throw ReportOutputError(path: shown, operation: .create, code: code) }
            }
        }
    }
}
