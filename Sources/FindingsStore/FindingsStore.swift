import Foundation
import GRDB

/// The rectification ledger (整改台账): a SQLite database of recorded audits, the findings they
/// made (keyed by fingerprint), where each finding stands, and the history of every change.
///
/// Every change runs in one immediate transaction, so a process killed at any moment leaves the
/// ledger as it was or fully updated. The database is in WAL mode: readers never block the writer,
/// and a second writer waits up to ``busyTimeout`` seconds, then fails with ``StoreError/busy(path:waited:)``.
public final class FindingsStore: Sendable {
    /// Whether opening may create the file.
    public enum OpenMode: Sendable {
        /// Create the ledger if it does not exist (recording an audit).
        case create
        /// The ledger must exist (every other command).
        case existing
    }

    /// The file name used when no `--ledger` is given.
    public static let defaultFileName = "bianzhi.ledger.sqlite"

    public let path: String
    /// Seconds a writer waits for another process before giving up.
    public let busyTimeout: Double
    let queue: DatabaseQueue

    /// Opens (or creates) the ledger at `path` and brings its schema up to date.
    ///
    /// - Parameter trace: receives each SQL statement as executed (tests capture it).
    public init(path: String, mode: OpenMode = .create, busyTimeout: Double = 10,
                trace: (@Sendable (String) -> Void)? = nil) throws(StoreError) {
        self.path = path
        self.busyTimeout = busyTimeout
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue { throw StoreError.cannotOpen(path: path, reason: "这是一个文件夹") }
        if !exists, mode == .existing { throw StoreError.ledgerMissing(path: path) }
        // Refuse any other file before SQLite writes a -wal beside it.
        if exists, let handle = FileHandle(forReadingAtPath: path) {
            let header = handle.readData(ofLength: 16)
            try? handle.close()
            if !header.isEmpty && header != Data("SQLite format 3\u{0}".utf8) { throw StoreError.notALedger(path: path) }
        }
        // Check an existing file read-only first: another program's database, or a ledger from a newer
        // bianzhi, is refused before anything (even switching it to WAL) touches it.
        if exists, (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 > 0 {
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(busyTimeout)
            do {
                let probe = try DatabaseQueue(path: path, configuration: readOnly)
                defer { try? probe.close() }
                try FindingsStore.checkSchema(probe, path: path)
            } catch let error as DatabaseError
                where error.resultCode.primaryResultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN {
                // A read-only connection cannot recover a WAL left by a killed process: the read-write
                // connection below recovers it and checks the schema again before migrating.
            } catch {
                throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
            }
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "bianzhi.ledger"
        if let trace {
            configuration.prepareDatabase { db in
                db.trace(options: .statement) { event in trace(event.expandedDescription) }
            }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
        do {
            try migrate()
        } catch {
            try? queue.close()
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Closes the connection; fails if a statement were left open (tests check it never is).
    public func close() throws(StoreError) {
        do {
            try queue.close()
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Brings the schema up to date. Another process may be migrating the same new file at the
    /// same moment: the loser of that race finds the migrations done and carries on.
    /// Refuses a database that is not a ledger, or that a newer bianzhi migrated; returns the applied migrations.
    @discardableResult
    private static func checkSchema(_ reader: some DatabaseReader, path: String) throws -> Set<String> {
        let (foreign, applied) = try reader.read { db -> (Bool, Set<String>) in
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") ?? 0
            let isLedger = try db.tableExists("grdb_migrations")
            return (tables > 0 && !isLedger, isLedger ? try LedgerMigrations.migrator.appliedIdentifiers(db) : [])
        }
        if foreign { throw StoreError.notALedger(path: path) }
        let unknown = applied.subtracting(LedgerMigrations.identifiers).sorted()
        if !unknown.isEmpty { throw StoreError.newerSchema(path: path, migrations: unknown) }
        return applied
    }

    private func migrate() throws {
        let migrator = LedgerMigrations.migrator
        // Checked again: another process may have created or migrated the file since.
        let applied = try FindingsStore.checkSchema(queue, path: path)
        if applied.isSuperset(of: LedgerMigrations.identifiers) { return }
        // Each migration is its own immediate transaction; a process that read "v1 not applied" just before
        // another applied it fails with "table run already exists", then finds the work done, or retries the rest.
        var attempt = 0
        while true {
            attempt += 1
            do {
                try migrator.migrate(queue)
                return
            } catch let error as DatabaseError where error.resultCode != .SQLITE_BUSY && attempt < 5 {
                if try queue.read({ try migrator.hasCompletedMigrations($0) }) { return }
            }
        }
    }

    /// Runs `body` in one immediate write transaction, mapping failures to ``StoreError``.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.write(body)
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Reads in one transaction (a consistent view even while another process writes).
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound database.
    public func integrityCheck() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The migrations applied to this ledger, oldest first.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try LedgerMigrations.migrator.appliedMigrations(db) }
    }
}

/// Timestamps as the ledger stores them: ISO 8601 in UTC, to the second.
enum Timestamp {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
