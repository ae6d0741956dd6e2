#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FindingsStore
import Foundation
import GRDB
import Testing
import _BianzhiTestSupport

/// The built `bianzhi audit --record` as separate processes: killed with SIGKILL in the middle of
/// recording, and two of them recording into one ledger at once.
@Suite(.serialized) struct LedgerProcessTests {
    /// A running `bianzhi`, standard output discarded, standard error kept in a file.
    final class Child {
        let process = Process()
        let errorFile: URL

        init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
            errorFile = directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: CLIRunner.executable)
            process.arguments = arguments
            process.currentDirectoryURL = TestSupport.packageRoot
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            for (key, value) in environment { env[key] = value }
            process.environment = env
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: errorFile)
        }

        func start() throws { try process.run() }

        /// SIGKILL: no handler, no cleanup, no chance to finish the transaction.
        func killHard() { _ = kill(process.processIdentifier, SIGKILL) }

        var stderr: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// What the ledger holds, checked for consistency: sound file, every run complete.
    struct LedgerState: Equatable {
        var runs: Int
        var findings: Int
        var history: Int
        var states: String
    }

    static func inspect(_ path: String) throws -> LedgerState {
        let store = try FindingsStore(path: path, mode: .existing, busyTimeout: 10)
        defer { try? store.close() }
        #expect(try store.integrityCheck() == ["ok"])
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            // Each run is all there: as many rows as findings it recorded.
            let incomplete = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM run
                WHERE finding_count != (SELECT count(*) FROM run_finding WHERE run_finding.run_id = run.id)
                """) ?? -1
            #expect(incomplete == 0)
            let orphans = try Int.fetchOne(db, sql: "SELECT count(*) FROM finding WHERE fingerprint NOT IN (SELECT fingerprint FROM history)") ?? -1
            #expect(orphans == 0)
            return LedgerState(runs: try Int.fetchOne(db, sql: "SELECT count(*) FROM run") ?? 0,
                               findings: try Int.fetchOne(db, sql: "SELECT count(*) FROM finding") ?? 0,
                               history: try Int.fetchOne(db, sql: "SELECT count(*) FROM history") ?? 0,
                               states: try String.fetchOne(db, sql: "SELECT group_concat(state, ',') FROM (SELECT state FROM finding ORDER BY fingerprint)") ?? "")
        }
    }

    @Test func killedMidRecordTheLedgerIsAsItWasOrFullyUpdated() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try TestSupport.write(LargeSnapshot.yaml(institutions: 2000), to: "large.yaml", in: directory)
        let ledger = directory.appendingPathComponent("ledger.sqlite").path
        let arguments = ["audit", snapshot, "--record", "--ledger", ledger, "--format", "json"]

        var before = LedgerState(runs: 0, findings: 0, history: 0, states: "")
        var killedMidWrite = 0
        // Kill at once when recording has written 1 MiB to the WAL (the transaction is then open
        // and spilling pages), and at later moments, up to after the commit.
        for delay in [0.0, 0.0, 0.05, 0.2, 0.6, 1.5] {
            let wal = ledger + "-wal"
            let walBefore = LedgerProcessTests.fileSize(wal)
            let child = try Child(arguments, in: directory)
            try child.start()
            var sawWrite = false
            let deadline = Date().addingTimeInterval(120)
            while child.process.isRunning && Date() < deadline {
                if LedgerProcessTests.fileSize(wal) >= walBefore + 1 << 20 { sawWrite = true; break }
                usleep(1000)
            }
            if sawWrite && delay > 0 { Thread.sleep(forTimeInterval: delay) }
            if child.process.isRunning { child.killHard() }
            child.process.waitUntilExit()
            let killed = child.process.terminationReason == .uncaughtSignal
            let after = try LedgerProcessTests.inspect(ledger)
            if after.runs == before.runs {
                #expect(after == before, "a killed run left changes behind (delay \(delay))")
                if killed && sawWrite { killedMidWrite += 1 }
            } else {
                #expect(after.runs == before.runs + 1)
                if before.runs == 0 {
                    #expect(after.history > before.history, "the first recorded run writes the findings' history")
                } else {
                    // The same snapshot again: the same findings in the same states, so no new history.
                    #expect(after.findings == before.findings && after.states == before.states && after.history == before.history)
                }
            }
            if !killed { #expect(child.process.terminationStatus == 1, "\(child.stderr)") }
            before = after
        }
        #expect(killedMidWrite >= 1, "no kill landed while the record transaction was open")

        // The ledger is still usable: a run to completion records everything.
        let full = try Child(arguments, in: directory)
        try full.start()
        full.process.waitUntilExit()
        #expect(full.process.terminationStatus == 1, "\(full.stderr)")
        #expect(full.stderr.contains("已记入整改台账"))
        let final = try LedgerProcessTests.inspect(ledger)
        #expect(final.runs == before.runs + 1 && final.findings == 14_000)
    }

    @Test(arguments: ["10", "0"])
    func twoProcessesRecordingAtOnceBothSucceedOrOneFailsClearly(timeout: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = try TestSupport.write(LargeSnapshot.yaml(institutions: 600), to: "medium.yaml", in: directory)
        for round in 0..<3 {
            // A new ledger each round: the two processes also race to create and migrate it.
            let ledger = directory.appendingPathComponent("ledger-\(round).sqlite").path
            let children = try (0..<2).map { _ in
                try Child(["audit", snapshot, "--record", "--ledger", ledger, "--format", "json"], in: directory,
                          environment: ["BIANZHI_LEDGER_TIMEOUT": timeout])
            }
            for child in children { try child.start() }
            for child in children { child.process.waitUntilExit() }
            var recorded = 0
            for child in children {
                let status = child.process.terminationStatus
                if status == 1 && child.stderr.contains("已记入整改台账") {
                    recorded += 1
                } else {
                    #expect(status == 2, "\(child.stderr)")
                    #expect(child.stderr.contains("正被另一个进程写入") && child.stderr.contains("[store.busy]"), "\(child.stderr)")
                }
            }
            if timeout == "10" { #expect(recorded == 2, "with a 10 s timeout the second writer waits") }
            #expect(recorded >= 1)
            let state = try LedgerProcessTests.inspect(ledger)
            #expect(state.runs == recorded && state.findings == 4200)
        }
    }

    @Test func aLockedLedgerFailsWithAClearMessageAndNoReport() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = directory.appendingPathComponent("ledger.sqlite").path
        let first = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger])
        #expect(first.status == 1 && first.stderr.contains("第 1 次审计"), "\(first.stderr)")

        // Held until the blocked run has finished, however long its audit takes on a busy machine.
        let release = DispatchSemaphore(value: 0)
        let released = try LedgerLockingTests.holdWriteLock(ledger, until: release, atMost: 120)
        let blocked = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger],
                                        environment: ["BIANZHI_LEDGER_TIMEOUT": "0.3"])
        release.signal()
        #expect(blocked.status == 2)
        #expect(blocked.stdout.isEmpty)
        #expect(blocked.stderr.contains("error: 整改台账 '\(ledger)' 正被另一个进程写入，等待 0.3 秒后仍未释放，本次未做任何修改 [SQLite 5: database is locked] [store.busy]"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("BIANZHI_LEDGER_TIMEOUT"))
        released.wait()

        let waited = try LedgerLockingTests.holdWriteLock(ledger, for: 1)
        let patient = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger])
        #expect(patient.status == 1 && patient.stderr.contains("第 2 次审计"), "\(patient.stderr)")
        waited.wait()
        #expect(try LedgerProcessTests.inspect(ledger).runs == 2)
    }
}
