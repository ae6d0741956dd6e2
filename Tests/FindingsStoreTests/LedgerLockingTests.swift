@testable import FindingsStore
import Foundation
import GRDB
import Testing

/// Two connections to one ledger: the second writer waits for the first, then fails with `store.busy`.
@Suite struct LedgerLockingTests {
    /// Holds the ledger's write lock on another thread for `seconds`; returns once the lock is held.
    /// Holds the ledger's write lock on another thread until `release` is signalled (or `seconds` pass); returns a
    /// semaphore signalled once it is let go. For a holder that must outlast a command however slow the machine is.
    static func holdWriteLock(_ path: String, until release: DispatchSemaphore, atMost seconds: Double) throws -> DispatchSemaphore {
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let held = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? queue.write { db in
                try db.execute(sql: "UPDATE run SET finding_count = finding_count")
                held.signal()
                _ = release.wait(timeout: .now() + seconds)
            }
            try? queue.close()
            released.signal()
        }
        held.wait()
        return released
    }

    /// Holds the write lock for `seconds`.
    static func holdWriteLock(_ path: String, for seconds: Double) throws -> DispatchSemaphore {
        try holdWriteLock(path, until: DispatchSemaphore(value: 0), atMost: seconds)
    }

    @Test func aSecondWriterFailsAfterTheTimeoutWithNothingChanged() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open(busyTimeout: 0.3)
        try store.record(Observe.run("2024-06-30", [Observe.finding("GW-ST-001", "QH-JYJ")]))
        let released = try LedgerLockingTests.holdWriteLock(ledger.path, for: 1.5)
        let start = Date()
        let error = #expect(throws: StoreError.self) {
            try store.record(Observe.run("2025-06-30", []))
        }
        guard case .busy(ledger.path, 0.3, let detail) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(detail.hasPrefix("SQLite 5") && detail.hasSuffix(": database is locked"), "\(detail)")
        #expect(Date().timeIntervalSince(start) >= 0.25)
        // Readers are not blocked by the writer (WAL).
        #expect(try store.runs().count == 1)
        released.wait()
        #expect(try store.entries(on: Observe.date("2025-07-01")).map(\.state) == [.pending])
        try store.close()
    }

    @Test func aSecondWriterWaitsForTheFirst() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open(busyTimeout: 10)
        try store.record(Observe.run("2024-06-30", [Observe.finding("GW-ST-001", "QH-JYJ")]))
        let released = try LedgerLockingTests.holdWriteLock(ledger.path, for: 0.5)
        let summary = try store.record(Observe.run("2025-06-30", []))
        #expect(summary.rectified == 1)
        released.wait()
        try store.close()
    }
}
