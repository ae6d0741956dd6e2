@testable import FindingsStore
import Foundation
import GRDB
import Testing
import _BianzhiTestSupport

/// Opening never harms a file: a read-only store never writes, a file that is not a ledger or a damaged ledger is
/// refused byte for byte as it was (whatever the mode, recording included), and SQLite's failures read in Chinese.
@Suite struct LedgerFileSafetyTests {
    static let modes: [FindingsStore.OpenMode] = [.create, .existing, .readOnly]

    static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A ledger with one recorded run of two findings, one of them assigned; closed. Returns the assigned fingerprint.
    @discardableResult
    static func fill(_ ledger: TemporaryLedger) throws -> String {
        let store = try ledger.open()
        let finding = Observe.finding("GW-ST-001", "QH-JYJ")
        try store.record(Observe.run("2024-06-30", [finding, Observe.finding("GW-IU-001", "QH-SWJ")]))
        try store.assign(finding.fingerprint, owner: "县交通运输局", deadline: Observe.date("2024-12-31"), plan: "调出", at: Date())
        try store.close()
        return finding.fingerprint
    }

    /// The error opening `path` in `mode` throws, if any.
    static func openingError(_ path: String, _ mode: FindingsStore.OpenMode) -> StoreError? {
        do {
            let store = try FindingsStore(path: path, mode: mode, busyTimeout: 1)
            try? store.close()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Read-only

    @Test func aReadOnlyStoreReadsEverythingAndNeverChangesTheFile() throws {
        let ledger = try TemporaryLedger()
        let fingerprint = try Self.fill(ledger)
        let before = try Self.bytes(ledger.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: ledger.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: ledger.path) }

        let store = try FindingsStore(path: ledger.path, mode: .readOnly)
        #expect(store.isReadOnly)
        #expect(try store.entries(on: Observe.date("2025-01-01")).map(\.state) == [.inProgress, .pending])
        #expect(try store.runs().count == 1)
        #expect(try store.history(of: String(fingerprint.prefix(6))).events.map(\.action) == [.detected, .assigned])
        let latest = try store.run("latest")
        #expect(try store.diff(from: latest, to: latest).persisting.count == 2)
        #expect(try store.appliedMigrations() == LedgerMigrations.identifiers)
        // A change through a read-only store is refused before SQLite is asked.
        #expect(throws: StoreError.readOnly(path: ledger.path, detail: "以只读方式打开")) {
            try store.assign(fingerprint, owner: "甲", deadline: Observe.date("2025-12-31"), plan: nil, at: Date())
        }
        try store.close()
        #expect(try Self.bytes(ledger.path) == before)
    }

    /// What another process committed and is still in the WAL (not yet merged into the file) is read, and left there.
    @Test func aReadOnlyStoreSeesChangesStillInTheWALAndLeavesThemThere() throws {
        let ledger = try TemporaryLedger()
        let fingerprint = try Self.fill(ledger)
        let before = try Self.bytes(ledger.path)
        let writer = try DatabaseQueue(path: ledger.path)
        try writer.write { db in
            try db.execute(sql: "UPDATE finding SET owner = '县编办' WHERE fingerprint = ?", arguments: [fingerprint])
        }
        let wal = try Self.bytes(ledger.path + "-wal")
        #expect(!wal.isEmpty)
        let reader = try FindingsStore(path: ledger.path, mode: .readOnly)
        #expect(try reader.history(of: fingerprint).entry.owner == "县编办")
        try reader.close()
        #expect(try Self.bytes(ledger.path) == before)
        #expect(try Self.bytes(ledger.path + "-wal") == wal)
        try writer.close()
    }

    /// Before, every opening switched the file to WAL and wrote GRDB's WAL marker; now a sound ledger opened to be
    /// changed is not written until something changes.
    @Test func openingASoundLedgerToChangeItWritesNothingUntilAChange() throws {
        let ledger = try TemporaryLedger()
        try Self.fill(ledger)
        let before = try Self.bytes(ledger.path)
        let store = try FindingsStore(path: ledger.path, mode: .existing)
        _ = try store.entries(on: Observe.date("2025-01-01"))
        try store.close()
        #expect(try Self.bytes(ledger.path) == before)
    }

    /// An older ledger is read as it is; it is migrated only when opened to be changed.
    @Test func aVersion1LedgerIsReadWithoutBeingMigrated() throws {
        let ledger = try TemporaryLedger()
        do {
            let queue = try DatabaseQueue(path: ledger.path)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try LedgerMigrations.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO run (id, recorded_at, snapshot_path, snapshot_hash, region_code, region_name, as_of,
                                     rule_set_version, rules_applied, packs, rule_filter, finding_count)
                    VALUES (1, '2024-07-01T00:00:00Z', 'snapshot', 'sha256:aa', '999001', '青禾县', '2024-06-30', 'sha256:bb', 26, 'gwy486', NULL, 1);
                    INSERT INTO finding (fingerprint, region_code, rule_id, title, severity, subject_kind, subject_id, subject_name,
                                         institution_id, key, message, citations, audit_status, state, first_run_id, last_seen_run_id)
                    VALUES ('1111111111111111', '999001', 'GW-ST-001', '超编', 'error', 'institution', 'QH-JYJ', '县交通运输局',
                            'QH-JYJ', NULL, '超编2名', '《条例》第六条', 'violation', 'pending', 1, 1);
                    INSERT INTO history (fingerprint, at, run_id, action, state_from, state_to, note)
                    VALUES ('1111111111111111', '2024-07-01T00:00:00Z', 1, 'detected', NULL, 'pending', '超编2名');
                    INSERT INTO run_finding (run_id, fingerprint, audit_status) VALUES (1, '1111111111111111', 'violation');
                    """)
            }
            try queue.close()
        }
        let before = try Self.bytes(ledger.path)
        let reader = try FindingsStore(path: ledger.path, mode: .readOnly)
        #expect(try reader.appliedMigrations() == ["v1"])
        let entries = try reader.entries(on: Observe.date("2025-01-01"))
        #expect(entries.map(\.fingerprint) == ["1111111111111111"] && entries.first?.institutionName == nil)
        try reader.close()
        #expect(try Self.bytes(ledger.path) == before)

        let writer = try FindingsStore(path: ledger.path, mode: .existing)
        #expect(try writer.appliedMigrations() == ["v1", "v2"])
        #expect(try writer.entries(on: Observe.date("2025-01-01")).first?.institutionName == "县交通运输局")
        try writer.close()
    }

    // MARK: Files that are not ledgers

    enum Stranger: String, CaseIterable, Sendable {
        case empty, text, randomBytes, otherDatabase, emptyDatabase, otherGRDBDatabase, grdbShell

        var reason: NotALedgerReason {
            switch self {
            case .empty: .empty
            case .text, .randomBytes: .notSQLite
            case .otherDatabase, .otherGRDBDatabase: .otherDatabase
            case .emptyDatabase, .grdbShell: .emptyDatabase
            }
        }

        func make(at path: String) throws {
            switch self {
            case .empty:
                #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            case .text:
                try Data("snapshot: v1\nas_of: 2024-06-30\n".utf8).write(to: URL(fileURLWithPath: path))
            case .randomBytes:
                var generator = SplitMix(seed: 42)
                try Data((0..<5000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: URL(fileURLWithPath: path))
            case .otherDatabase, .emptyDatabase, .otherGRDBDatabase, .grdbShell:
                let queue = try DatabaseQueue(path: path)
                try queue.writeWithoutTransaction { db in
                    switch self {
                    case .otherDatabase: try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
                    case .otherGRDBDatabase:
                        try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                        try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('createUsers')")
                        try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY)")
                    case .grdbShell: try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    default: try db.execute(sql: "PRAGMA user_version = 7")
                    }
                }
                try queue.close()
            }
        }
    }

    /// Deterministic bytes for the random-file case.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: Stranger.allCases)
    func aFileThatIsNotALedgerIsRefusedInEveryModeAndLeftAsItWas(_ stranger: Stranger) throws {
        let ledger = try TemporaryLedger()
        try stranger.make(at: ledger.path)
        let before = try Self.bytes(ledger.path)
        for mode in Self.modes {
            #expect(Self.openingError(ledger.path, mode) == .notALedger(path: ledger.path, reason: stranger.reason), "\(mode)")
            #expect(try Self.bytes(ledger.path) == before, "\(mode)")
            #expect(!FileManager.default.fileExists(atPath: ledger.path + "-wal"), "\(mode)")
        }
        let message = StoreError.notALedger(path: ledger.path, reason: stranger.reason).message
        #expect(message.hasPrefix("'\(ledger.path)' 不是 bianzhi 的整改台账"))
    }

    // MARK: Damaged ledgers

    enum Damage: String, CaseIterable, Sendable {
        /// The `finding` table's root page overwritten.
        case findingPage
        /// The second half of the file gone.
        case truncated
        /// An impossible page size in the header: SQLite's "file is not a database".
        case pageSize
        /// A table of the ledger missing (its migration still listed).
        case missingTable

        func apply(to path: String) throws {
            let queue = try DatabaseQueue(path: path)
            let root = try queue.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'finding'") }
            try queue.close()
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            switch self {
            case .findingPage:
                let page = try #require(root)
                for index in (page - 1) * 4096..<(page * 4096) { bytes[index] = 0xFF }
            case .truncated:
                bytes.removeLast(bytes.count / 2)
            case .pageSize:
                bytes[16] = 0x00
                bytes[17] = 0x03
            case .missingTable:
                let queue = try DatabaseQueue(path: path)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA foreign_keys = OFF")
                    try db.execute(sql: "DROP TABLE history")
                }
                try queue.close()
                return
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedLedgerIsRefusedInEveryModeAndLeftAsItWas(_ damage: Damage) throws {
        let ledger = try TemporaryLedger()
        try Self.fill(ledger)
        try damage.apply(to: ledger.path)
        let before = try Self.bytes(ledger.path)
        for mode in Self.modes {
            let error = Self.openingError(ledger.path, mode)
            guard case .damaged(let path, let detail) = error else {
                Issue.record("\(mode): \(String(describing: error))")
                continue
            }
            #expect(path == ledger.path)
            switch damage {
            case .missingTable: #expect(detail == "缺少表 history（迁移 v1）")
            case .pageSize: #expect(detail == "SQLite 26: file is not a database")
            case .findingPage, .truncated: #expect(detail.hasPrefix("SQLite"), "\(detail)")
            }
            // Recording (.create) included: refused before anything is written.
            #expect(try Self.bytes(ledger.path) == before, "\(mode)")
        }
    }

    // MARK: Creating

    @Test func aNewLedgerAppearsWholeAndLeavesNothingElseBehind() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        #expect(try store.appliedMigrations() == LedgerMigrations.identifiers)
        try store.close()
        let bytes = try Self.bytes(ledger.path)
        #expect(bytes.count >= 4096 && bytes.starts(with: LedgerFile.sqliteMagic))
        #expect(try FileManager.default.contentsOfDirectory(atPath: ledger.directory.path) == ["ledger.sqlite"])
        // The ledger is in WAL mode from the start.
        #expect(bytes[18] == 2 && bytes[19] == 2)
    }

    /// Two processes creating the same ledger: the one whose ledger is placed second keeps the first one's file.
    @Test func creatingNeverReplacesAFileThatAppearedMeanwhile() throws {
        let ledger = try TemporaryLedger()
        try Self.fill(ledger)
        let before = try Self.bytes(ledger.path)
        try LedgerFile.create(at: ledger.path, busyTimeout: 1)
        #expect(try Self.bytes(ledger.path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ledger.directory.path) == ["ledger.sqlite"])
    }

    /// Where there are no hard links, the finished ledger is copied into a file created exclusively: never over another.
    @Test func withoutHardLinksTheNewLedgerIsCopiedInButNeverOverAnotherFile() throws {
        let ledger = try TemporaryLedger()
        try Self.fill(ledger)
        let finished = try Self.bytes(ledger.path)
        let target = ledger.directory.appendingPathComponent("copy.sqlite").path
        try LedgerFile.place(ledger.path, at: target, hardLinks: false)
        #expect(try Self.bytes(target) == finished)
        let store = try FindingsStore(path: target, mode: .readOnly)
        #expect(try store.runs().count == 1)
        try store.close()

        let other = try TestSupport.write("别的文件\n", to: "other.txt", in: ledger.directory)
        try LedgerFile.place(ledger.path, at: other, hardLinks: false)
        #expect(try Self.bytes(other) == Data("别的文件\n".utf8))
    }

    @Test func aNewLedgerNeedsAnExistingFolder() throws {
        let ledger = try TemporaryLedger()
        let path = ledger.directory.appendingPathComponent("none/ledger.sqlite").path
        #expect(Self.openingError(path, .create) == .cannotOpen(path: path, reason: "所在文件夹 '\(ledger.directory.path)/none' 不存在"))
    }

    // MARK: SQLite's errors

    @Test func sqliteFailuresReadInChineseWithSQLitesWordsInBrackets() {
        func wrapped(_ code: ResultCode, _ message: String) -> StoreError {
            StoreError.wrapping(DatabaseError(resultCode: code, message: message, sql: "SELECT * FROM finding WHERE owner = ?"),
                                path: "a.sqlite", busyTimeout: 10)
        }
        let corrupt = wrapped(.SQLITE_CORRUPT, "database disk image is malformed")
        #expect(corrupt == .damaged(path: "a.sqlite", detail: "SQLite 11: database disk image is malformed"))
        #expect(corrupt.description == "整改台账 'a.sqlite' 已损坏，无法读取（the ledger file is damaged）[SQLite 11: database disk image is malformed] [store.damaged]")
        #expect(corrupt.help?.contains("未被改动") == true)
        #expect(wrapped(.SQLITE_NOTADB, "file is not a database") == .damaged(path: "a.sqlite", detail: "SQLite 26: file is not a database"))
        let readOnly = wrapped(.SQLITE_READONLY_DIRECTORY, "attempt to write a readonly database")
        #expect(readOnly == .readOnly(path: "a.sqlite", detail: "SQLite 1544: attempt to write a readonly database"))
        #expect(readOnly.message.hasPrefix("整改台账 'a.sqlite' 是只读的"))
        let full = wrapped(.SQLITE_FULL, "database or disk is full")
        #expect(full.description == "磁盘空间已满，整改台账 'a.sqlite' 写入失败，本次未做任何修改（disk full）[SQLite 13: database or disk is full] [store.diskFull]")
        let io = wrapped(.SQLITE_IOERR_WRITE, "disk I/O error")
        #expect(io == .ioError(path: "a.sqlite", detail: "SQLite 778: disk I/O error"))
        #expect(io.message.hasPrefix("读写整改台账 'a.sqlite' 时发生输入输出错误"))
        #expect(wrapped(.SQLITE_BUSY, "database is locked") == .busy(path: "a.sqlite", waited: 10, detail: "SQLite 5: database is locked"))
        #expect(wrapped(.SQLITE_LOCKED, "database table is locked").description
                == "整改台账 'a.sqlite' 正被另一个进程写入，等待 10 秒后仍未释放，本次未做任何修改 [SQLite 6: database table is locked] [store.busy]")
        guard case .cannotOpen(_, let reason) = wrapped(.SQLITE_CANTOPEN, "unable to open database file") else {
            Issue.record("SQLITE_CANTOPEN")
            return
        }
        #expect(reason.hasPrefix("SQLite 无法打开该文件") && reason.hasSuffix("[SQLite 14: unable to open database file]"))
        // Anything else keeps SQLite's words, never the SQL.
        let other = wrapped(.SQLITE_ERROR, "no such column: owner")
        #expect(other.description == "整改台账 'a.sqlite' 读写失败 [SQLite 1: no such column: owner] [store.database]")
        // SQLite's words are one line, clipped.
        let long = wrapped(.SQLITE_CORRUPT, String(repeating: "x", count: 500) + "\nsecond line")
        guard case .damaged(_, let detail) = long else { return }
        #expect(detail.count == "SQLite 11: ".count + 201 && !detail.contains("second"))
    }
}
