@testable import FindingsStore
import Foundation
import GRDB
import Testing
import _BianzhiTestSupport

@Suite struct LedgerMigrationTests {
    @Test func aNewLedgerHasEveryMigration() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        #expect(try store.appliedMigrations() == LedgerMigrations.identifiers)
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        try store.close()
    }

    /// A ledger written by the first release (schema v1) is migrated in place, keeping its runs,
    /// findings, history and assignments; institution findings get their institution name from the subject.
    @Test func aVersion1LedgerIsMigratedWithItsData() throws {
        let ledger = try TemporaryLedger()
        do {
            let queue = try DatabaseQueue(path: ledger.path)
            try LedgerMigrations.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO run (id, recorded_at, snapshot_path, snapshot_hash, region_code, region_name, as_of,
                                     rule_set_version, rules_applied, packs, rule_filter, finding_count)
                    VALUES (1, '2024-07-01T00:00:00Z', 'Cases/qinghe-county/snapshot', 'sha256:aa', '999001', '青禾县', '2024-06-30',
                            'sha256:bb', 26, 'gwy486,tiaoli', NULL, 2);
                    INSERT INTO finding (fingerprint, region_code, rule_id, title, severity, subject_kind, subject_id, subject_name,
                                         institution_id, key, message, citations, audit_status, state, owner, deadline, plan,
                                         first_run_id, last_seen_run_id)
                    VALUES ('1111111111111111', '999001', 'GW-ST-001', '超编', 'error', 'institution', 'QH-JYJ', '县交通运输局',
                            'QH-JYJ', NULL, '超编2名', '《条例》第六条', 'violation', 'in_progress', '县交通运输局', '2024-12-31', '调出',
                            1, 1),
                           ('2222222222222222', '999001', 'GW-LD-003', '超规格', 'error', 'person', 'P000509', NULL,
                            'QH-ZJJ', NULL, '职务层次高于机构规格', '《条例》第二十六条', 'violation', 'pending', NULL, NULL, NULL,
                            1, 1);
                    INSERT INTO history (fingerprint, at, run_id, action, state_from, state_to, note)
                    VALUES ('1111111111111111', '2024-07-01T00:00:00Z', 1, 'detected', NULL, 'pending', '超编2名'),
                           ('1111111111111111', '2024-07-10T00:00:00Z', NULL, 'assigned', 'pending', 'in_progress', '调出'),
                           ('2222222222222222', '2024-07-01T00:00:00Z', 1, 'detected', NULL, 'pending', '职务层次高于机构规格');
                    INSERT INTO run_finding (run_id, fingerprint, audit_status)
                    VALUES (1, '1111111111111111', 'violation'), (1, '2222222222222222', 'violation');
                    """)
            }
            #expect(try queue.read { db in try db.columns(in: "finding").map(\.name) }.contains("institution_name") == false)
            try queue.close()
        }

        let store = try ledger.open()
        #expect(try store.appliedMigrations() == ["v1", "v2"])
        let entries = try store.entries(on: Observe.date("2025-01-01"))
        #expect(entries.map(\.fingerprint) == ["1111111111111111", "2222222222222222"])
        #expect(entries[0].institutionName == "县交通运输局" && entries[0].state == .inProgress && entries[0].isOverdue(on: Observe.date("2025-01-01")))
        #expect(entries[1].institutionName == nil && entries[1].subjectName == nil)
        #expect(try store.history(of: "1111").events.map(\.action) == [.detected, .assigned])
        #expect(try store.runs().map(\.snapshotPath) == ["Cases/qinghe-county/snapshot"])

        // The migrated ledger carries on: the next audit fills the person finding's institution name.
        let person = Observe.finding("GW-LD-003", "P000509", kind: "person", institution: "QH-ZJJ", fingerprint: "2222222222222222")
        var withName = person
        withName.institutionName = "县住房和城乡建设局"
        let summary = try store.record(Observe.run("2025-06-30", [withName]))
        #expect(summary.rectified == 1 && summary.persisting == 1)
        #expect(try store.history(of: "2222").entry.institutionName == "县住房和城乡建设局")
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try store.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        try store.close()
    }

    @Test func aLedgerFromANewerVersionIsRefusedUntouched() throws {
        let ledger = try TemporaryLedger()
        try ledger.open().close()
        do {
            let queue = try DatabaseQueue(path: ledger.path)
            try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v3')") }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger.path))
        #expect(throws: StoreError.newerSchema(path: ledger.path, migrations: ["v3"])) { try ledger.open() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger.path)) == before)
    }

    @Test func otherFilesAreNotLedgers() throws {
        let ledger = try TemporaryLedger()
        try TestSupport.write("snapshot: v1\n", to: "ledger.sqlite", in: ledger.directory)
        #expect(throws: StoreError.notALedger(path: ledger.path, reason: .notSQLite)) { try ledger.open() }
        #expect(!FileManager.default.fileExists(atPath: ledger.path + "-wal"))

        let other = ledger.directory.appendingPathComponent("other.sqlite").path
        do {
            let queue = try DatabaseQueue(path: other)
            try queue.write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
            try queue.close()
        }
        #expect(throws: StoreError.notALedger(path: other, reason: .otherDatabase)) { try FindingsStore(path: other) }
        #expect(throws: StoreError.self) { try FindingsStore(path: ledger.directory.path) }
    }

    @Test func readingCommandsNeverCreateALedger() throws {
        let ledger = try TemporaryLedger()
        #expect(throws: StoreError.ledgerMissing(path: ledger.path)) { try FindingsStore(path: ledger.path, mode: .existing) }
        #expect(!FileManager.default.fileExists(atPath: ledger.path))
    }

    @Test func errorsHaveStableIDsAndChineseMessages() {
        let busy = StoreError.busy(path: "a.sqlite", waited: 0.5, detail: "SQLite 5: database is locked")
        #expect(busy.description == "整改台账 'a.sqlite' 正被另一个进程写入，等待 0.5 秒后仍未释放，本次未做任何修改 [SQLite 5: database is locked] [store.busy]")
        #expect(busy.help?.contains("BIANZHI_LEDGER_TIMEOUT") == true)
        #expect(StoreError.busy(path: "a", waited: 10, detail: "SQLite 5: database is locked").message.contains("等待 10 秒"))
    }
}
