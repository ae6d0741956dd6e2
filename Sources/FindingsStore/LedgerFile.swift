#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Foundation
import GRDB

/// The ledger as a file: what is at the path before SQLite is let near it, and how a new ledger comes into being.
///
/// Nothing here writes to an existing file. A new ledger is built and migrated under a temporary name in the same
/// folder and then linked into place, so the ledger's path never names a half-made (empty) database, even for a
/// moment: another process that finds the file finds a whole ledger, and a process killed while creating leaves
/// at most a stray temporary file behind.
enum LedgerFile {
    /// What is at a path.
    enum Kind: Equatable {
        case missing
        case regular(size: Int64)
        case folder
        /// A pipe, a device, a socket, or a link to nothing.
        case other(reason: String)
    }

    /// What `path` names (a symbolic link is followed).
    static func kind(of path: String) -> Kind {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT {
                var link = stat()
                // A symbolic link whose target does not exist: creating "through" it would surprise.
                if lstat(path, &link) == 0 { return .other(reason: "这是指向不存在的文件的符号链接") }
                return .missing
            }
            return .other(reason: errno == EACCES ? "没有访问权限" : String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular(size: Int64(status.st_size))
        case S_IFDIR: return .folder
        default: return .other(reason: RegularFile.reason(at: path))
        }
    }

    /// SQLite's file header: every database starts with these 16 bytes.
    static let sqliteMagic: [UInt8] = Array("SQLite format 3\u{0}".utf8)

    /// Refuses a regular file that cannot be a ledger from its first bytes alone: empty, or not SQLite.
    /// Reads without blocking and without changing anything.
    static func checkHeader(_ path: String, size: Int64) throws(StoreError) {
        if size == 0 { throw StoreError.notALedger(path: path, reason: .empty) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: RegularFile.reason(at: path))
        }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 100)
        var filled = 0
        while filled < header.count {
            let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress.map { $0 + filled }, 100 - filled) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw StoreError.ioError(path: path, detail: String(cString: strerror(errno))) }
            if count == 0 { break }
            filled += count
        }
        // Shorter than a database header, or another header: not a SQLite database at all.
        guard filled == 100, header.starts(with: sqliteMagic) else { throw StoreError.notALedger(path: path, reason: .notSQLite) }
    }

    /// The folder that holds `path` (`.` for a bare file name).
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Creates a new, fully migrated ledger at `path` unless a file is there by the time it is ready
    /// (another process won the race: its ledger is kept, this one discarded).
    static func create(at path: String, busyTimeout: Double) throws(StoreError) {
        let folder = folder(of: path)
        switch kind(of: folder) {
        case .folder: break
        case .missing: throw StoreError.cannotOpen(path: path, reason: "所在文件夹 '\(folder)' 不存在")
        case .regular, .other: throw StoreError.cannotOpen(path: path, reason: "'\(folder)' 不是文件夹")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw StoreError.cannotOpen(path: path, reason: "所在文件夹 '\(folder)' 不可写，不能在这里新建台账（\(String(cString: strerror(errno)))）")
        }
        let name = (path as NSString).lastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\(name).\(UUID().uuidString.prefix(8)).bianzhi-new")
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            configuration.foreignKeysEnabled = true
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            do {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }
                try LedgerMigrations.migrator.migrate(queue)
            } catch {
                try? queue.close()
                throw error
            }
            // Closing checkpoints the WAL into the file and removes it: the file alone is the whole ledger.
            try queue.close()
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
        try place(temporary, at: path)
        // The new name made durable too, before anything is recorded in the ledger.
        let directory = open(folder, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Puts the finished temporary ledger at `path` without ever replacing a file there.
    ///
    /// Some file systems (FAT and exFAT USB drives, some network shares) have no hard links: there the file is
    /// created exclusively and the finished ledger copied in, so for that moment another process could find it
    /// incomplete (and refuse it, changing nothing). `hardLinks: false` takes that way at once (tests).
    static func place(_ temporary: String, at path: String, hardLinks: Bool = true) throws(StoreError) {
        if hardLinks {
            if link(temporary, path) == 0 { return }
            let linkError = errno
            if linkError == EEXIST { return }
            guard linkError == EPERM || linkError == ENOTSUP || linkError == EOPNOTSUPP || linkError == EMLINK || linkError == ENOSYS else {
                throw systemError(linkError, path: path)
            }
        }
        guard let bytes = RegularFile.bytes(at: temporary) else {
            throw StoreError.cannotOpen(path: path, reason: "无法读取新建的临时台账 '\(temporary)'")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }
            throw systemError(errno, path: path)
        }
        let written = Descriptor.writeAll(bytes, to: descriptor) && fsync(descriptor) == 0
        let code = errno
        close(descriptor)
        if !written {
            unlink(path)
            throw systemError(code, path: path)
        }
    }

    /// A system call's failure as the ledger's error.
    static func systemError(_ code: Int32, path: String) -> StoreError {
        let detail = "\(String(cString: strerror(code))) (errno \(code))"
        switch code {
        case EACCES, EPERM, EROFS: return .readOnly(path: path, detail: detail)
        case ENOSPC, EDQUOT: return .diskFull(path: path, detail: detail)
        case EIO: return .ioError(path: path, detail: detail)
        default: return .cannotOpen(path: path, reason: detail)
        }
    }

    /// `file:` URI for SQLite with `immutable=1`: every byte outside the unreserved set percent-encoded,
    /// so Chinese names and `?`, `#`, `%` in paths reach SQLite as they are.
    static func immutableURI(_ path: String) -> String {
        "file:" + PathEncoding.percentEncoded(path) + "?immutable=1"
    }
}
