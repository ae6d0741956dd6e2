import Foundation
import GRDB

/// The rectification ledger (整改台账): a SQLite database of recorded audits, the findings they
/// made (keyed by fingerprint), where each finding stands, and the history of every change.
///
/// Every change runs in one immediate transaction, so a process killed at any moment leaves the
/// ledger as it was or fully updated. The database is in WAL mode: readers never block the writer,
/// and a second writer waits up to ``busyTimeout`` seconds, then fails with ``StoreError/busy(path:waited:detail:)``.
///
/// Opening never writes to a file that is not a sound bianzhi ledger: an existing file is checked (not empty,
/// SQLite, the ledger's tables, a schema this version knows) over a read-only connection before anything can
/// write to it, and a ledger opened ``OpenMode/readOnly`` is never written at all.
public final class FindingsStore: Sendable {
    /// Whether opening may create the file, and whether the ledger may be changed.
    public enum OpenMode: Sendable {
        /// Create the ledger if it does not exist (recording an audit).
        case create
        /// The ledger must exist and may be changed (assign, verify).
        case existing
        /// The ledger must exist and is only read (list, show, diff, runs, export): opened read-only,
        /// not migrated, its bytes never changed; it works on a read-only file or in a read-only folder.
        case readOnly
    }

    /// The file name used when no `--ledger` is given.
    public static let defaultFileName = "bianzhi.ledger.sqlite"

    public let path: String
    /// Seconds a writer waits for another process before giving up.
    public let busyTimeout: Double
    /// Opened with ``OpenMode/readOnly``: every change is refused.
    public let isReadOnly: Bool
    let queue: DatabaseQueue

    /// Opens (or creates) the ledger at `path`; when it may be changed, brings its schema up to date.
    ///
    /// - Parameter trace: receives each SQL statement as executed (tests capture it).
    public init(path: String, mode: OpenMode = .create, busyTimeout: Double = 10,
                trace: (@Sendable (String) -> Void)? = nil) throws(StoreError) {
        self.path = path
        self.busyTimeout = busyTimeout
        isReadOnly = mode == .readOnly
        if case .missing = LedgerFile.kind(of: path) {
            guard mode == .create else { throw StoreError.ledgerMissing(path: path) }
            try LedgerFile.create(at: path, busyTimeout: busyTimeout)
        }
        switch LedgerFile.kind(of: path) {
        case .missing: throw StoreError.ledgerMissing(path: path)
        case .folder: throw StoreError.cannotOpen(path: path, reason: "这是一个文件夹")
        case .other(let reason): throw StoreError.cannotOpen(path: path, reason: reason)
        case .regular(let size): try LedgerFile.checkHeader(path, size: size)
        }
        if mode == .readOnly {
            queue = try FindingsStore.openReadOnly(path: path, busyTimeout: busyTimeout, trace: trace)
            return
        }
        // Checked over a read-only connection first: another program's database, a damaged file, or a ledger
        // from a newer bianzhi is refused before a connection that could write (even switch it to WAL) exists.
        do {
            let probe = try DatabaseQueue(path: path, configuration: FindingsStore.configuration(readOnly: true, busyTimeout: busyTimeout))
            defer { try? probe.close() }
            try FindingsStore.checkSchema(probe, path: path)
        } catch let error as DatabaseError
            where error.resultCode.primaryResultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN {
            // A read-only connection cannot recover a WAL left by a killed process, or create the WAL index:
            // the read-write connection below recovers it, and checks everything again before writing.
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
        var configuration = FindingsStore.configuration(readOnly: false, busyTimeout: busyTimeout, trace: trace)
        configuration.label = "bianzhi.ledger"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
        do {
            try prepareForWriting()
        } catch {
            try? queue.close()
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Connection settings. None of them writes to the file: WAL is switched on by ``prepareForWriting()``
    /// only once the file is known to be a sound ledger.
    private static func configuration(readOnly: Bool, busyTimeout: Double,
                                      trace: (@Sendable (String) -> Void)? = nil) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            if let trace { db.trace(options: .statement) { event in trace(event.expandedDescription) } }
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        return configuration
    }

    /// A read-only connection, its ledger checked (schema and pages). In a folder where SQLite cannot create the WAL index
    /// (a read-only folder or medium) and with no WAL to read, the file is opened immutable: nothing can be writing it.
    private static func openReadOnly(path: String, busyTimeout: Double,
                                     trace: (@Sendable (String) -> Void)?) throws(StoreError) -> DatabaseQueue {
        var configuration = FindingsStore.configuration(readOnly: true, busyTimeout: busyTimeout, trace: trace)
        configuration.label = "bianzhi.ledger.readonly"
        func opened(_ location: String) throws -> DatabaseQueue {
            let queue = try DatabaseQueue(path: location, configuration: configuration)
            do {
                try checkSchema(queue, path: path)
                try checkPages(queue, path: path)
            } catch {
                try? queue.close()
                throw error
            }
            return queue
        }
        do {
            return try opened(path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN
            || error.extendedResultCode == .SQLITE_READONLY_DIRECTORY || error.extendedResultCode == .SQLITE_READONLY_CANTINIT {
            let wal = LedgerFile.kind(of: path + "-wal")
            let journal = LedgerFile.kind(of: path + "-journal")
            guard wal == .missing || wal == .regular(size: 0), journal == .missing else {
                // Changes a killed writer left beside the file cannot be read without writing where nobody may.
                let log = journal == .missing ? path + "-wal" : path + "-journal"
                throw StoreError.cannotOpen(path: path, reason: "所在位置只读，而旁边有尚未并入台账的写入日志 '\(log)'，只读方式无法读取；"
                    + "请把台账连同这个文件复制到可写的文件夹后再查看 [\(StoreError.sqliteDetail(error))]")
            }
            do {
                return try opened(LedgerFile.immutableURI(path))
            } catch {
                throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
            }
        } catch {
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

    /// Checks that the database is a bianzhi ledger this version can use, reading only; returns the applied migrations.
    ///
    /// A ledger is known by GRDB's `grdb_migrations` table listing the ledger's first migration (`v1`) and by the
    /// tables and columns its migrations made. No tables at all, or tables without that list, are another program's
    /// database; the list without the tables is a damaged ledger; migrations this version does not know mean a newer bianzhi.
    @discardableResult
    private static func checkSchema(_ reader: DatabaseQueue, path: String) throws -> Set<String> {
        enum Verdict { case ledger(Set<String>), notALedger(NotALedgerReason), damaged(String) }
        let verdict = try reader.read { db -> Verdict in
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            if tables.isEmpty { return .notALedger(.emptyDatabase) }
            guard tables.contains("grdb_migrations") else { return .notALedger(.otherDatabase) }
            let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            guard applied.contains(LedgerMigrations.identifiers[0]) else {
                return .notALedger(tables == ["grdb_migrations"] && applied.isEmpty ? .emptyDatabase : .otherDatabase)
            }
            for (migration, required) in LedgerMigrations.requiredTables where applied.contains(migration) {
                for table in required where !tables.contains(table) {
                    return .damaged("缺少表 \(table)（迁移 \(migration)）")
                }
            }
            for (migration, table, column) in LedgerMigrations.requiredColumns where applied.contains(migration) {
                if try !db.columns(in: table).contains(where: { $0.name == column }) {
                    return .damaged("表 \(table) 缺少列 \(column)（迁移 \(migration)）")
                }
            }
            return .ledger(applied)
        }
        switch verdict {
        case .notALedger(let reason): throw StoreError.notALedger(path: path, reason: reason)
        case .damaged(let detail): throw StoreError.damaged(path: path, detail: detail)
        case .ledger(let applied):
            let unknown = applied.subtracting(LedgerMigrations.identifiers).sorted()
            if !unknown.isEmpty { throw StoreError.newerSchema(path: path, migrations: unknown) }
            return applied
        }
    }

    /// SQLite's `quick_check` over every page: a damaged ledger is refused before anything is read from it
    /// (a damaged index can give wrong rows without an error) or written into it.
    private static func checkPages(_ reader: DatabaseQueue, path: String) throws {
        let problems = try reader.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard problems != ["ok"] else { return }
        let lines = problems.flatMap { $0.split(whereSeparator: \.isNewline) }.map(String.init).filter { !$0.hasPrefix("***") }
        throw StoreError.damaged(path: path, detail: "SQLite quick_check: " + StoreError.clipped(lines.first ?? problems.joined()))
    }

    /// Before the first write: checks the ledger again over this connection (another process may have replaced,
    /// created or migrated the file since), runs SQLite's `quick_check` so that nothing is ever written into a
    /// damaged file, switches to WAL if needed, and brings the schema up to date.
    private func prepareForWriting() throws {
        try FindingsStore.checkSchema(queue, path: path)
        try FindingsStore.checkPages(queue, path: path)
        let journal = try queue.inDatabase { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        if journal?.lowercased() != "wal" {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        }
        try migrate()
    }

    /// Brings the schema up to date. Another process may be migrating the same file at the
    /// same moment: the loser of that race finds the migrations done and carries on.
    private func migrate() throws {
        let migrator = LedgerMigrations.migrator
        let applied = try FindingsStore.checkSchema(queue, path: path)
        if applied.isSuperset(of: LedgerMigrations.identifiers) { return }
        // Each migration is its own immediate transaction; a process that read "v2 not applied" just before
        // another applied it fails with "duplicate column", then finds the work done, or retries the rest.
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
        if isReadOnly { throw StoreError.readOnly(path: path, detail: "以只读方式打开") }
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
