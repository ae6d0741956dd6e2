@testable import FindingsStore
import Foundation
import GRDB
import Schema
import Testing

@Suite struct LedgerLifecycleTests {
    let exemption = Exemption(documentNumber: "澄编〔2024〕11号", until: Observe.date("2025-12-31"), reason: "改革过渡期")

    @Test func theWholeCycleKeepsEveryEvent() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        let jyj = Observe.finding("GW-ST-001", "QH-JYJ")
        let swj = Observe.finding("GW-IU-001", "QH-SWJ")
        let nyj = Observe.finding("GW-ST-001", "QH-NYJ", status: .exempted, exemption: exemption)

        let first = try store.record(Observe.run("2024-06-30", [jyj, swj, nyj]))
        #expect(first == RecordSummary(run: 1, new: 3, reopened: 0, persisting: 0, rectified: 0, exempted: 1, total: 3))
        var entries = try store.entries(on: Observe.date("2024-07-01"))
        #expect(entries.map(\.state) == [.pending, .pending, .exempted])
        #expect(entries.first { $0.subjectID == "QH-NYJ" }?.exemptionUntil == "2025-12-31")

        // Assigned: 整改中. Verifying before a later audit no longer finds it is refused.
        let assigned = try store.assign(String(jyj.fingerprint.prefix(6)), owner: "县交通运输局", deadline: Observe.date("2024-12-31"),
                                        plan: "两名军转干部调出", at: Date(timeIntervalSince1970: 1_720_000_000))
        #expect(assigned.state == .inProgress && assigned.owner == "县交通运输局" && assigned.deadline == "2024-12-31")
        #expect(throws: StoreError.self) {
            try store.verify(jyj.fingerprint, by: "监督检查股", note: nil, at: Date())
        }

        // A year later: QH-JYJ is fixed, QH-SWJ is not, the exemption still covers QH-NYJ.
        let second = try store.record(Observe.run("2025-06-30", [swj, nyj], at: 1_751_000_000))
        #expect(second == RecordSummary(run: 2, new: 0, reopened: 0, persisting: 2, rectified: 1, exempted: 1, total: 2))
        let rectified = try store.history(of: jyj.fingerprint).entry
        #expect(rectified.state == .rectified && rectified.rectifiedOn == "2025-06-30" && rectified.rectifiedRunID == 2)

        let closed = try store.verify(jyj.fingerprint, by: "县编办监督检查股", note: "已核对名册", at: Date(timeIntervalSince1970: 1_752_000_000))
        #expect(closed.state == .closed && closed.verifiedBy == "县编办监督检查股" && closed.verifiedAt == "2025-07-08T18:40:00Z")
        #expect(throws: StoreError.self) { try store.assign(jyj.fingerprint, owner: "x", deadline: Observe.date("2026-01-01"), plan: nil, at: Date()) }

        // It comes back: reopened as 待整改 with its assignment cleared and its history kept.
        let third = try store.record(Observe.run("2025-12-31", [jyj, swj, nyj], at: 1_767_000_000))
        #expect(third.reopened == 1 && third.new == 0)
        let history = try store.history(of: jyj.fingerprint)
        #expect(history.entry.state == .pending && history.entry.reopenedCount == 1 && history.entry.owner == nil)
        #expect(history.events.map(\.action) == [.detected, .assigned, .rectified, .verified, .reopened])
        #expect(history.events.map(\.stateTo) == [.pending, .inProgress, .rectified, .closed, .pending])
        #expect(history.events[1].actor == "县交通运输局" && history.events[1].deadline == "2024-12-31" && history.events[1].note == "两名军转干部调出")
        #expect(history.events[3].actor == "县编办监督检查股" && history.events[3].note == "已核对名册")
        #expect(history.events[2].runID == 2 && history.events[4].runID == 3)
        #expect(history.runs.map(\.number) == [1, 3])
        entries = try store.entries(on: Observe.date("2026-01-01"))
        #expect(entries.count == 3)
        try store.close()
    }

    @Test func aFindingBackBeforeItIsClosedReturnsToItsOwner() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        let finding = Observe.finding("GW-IU-001", "QH-SWJ")
        try store.record(Observe.run("2024-06-30", [finding]))
        try store.assign(finding.fingerprint, owner: "县商务局", deadline: Observe.date("2024-12-31"), plan: nil, at: Date())
        try store.record(Observe.run("2024-12-31", []))
        let summary = try store.record(Observe.run("2025-06-30", [finding]))
        #expect(summary.reopened == 1)
        let history = try store.history(of: finding.fingerprint)
        #expect(history.entry.state == .inProgress && history.entry.owner == "县商务局" && history.entry.rectifiedOn == nil)
        #expect(history.events.map(\.action) == [.detected, .assigned, .rectified, .reappeared])
        try store.close()
    }

    @Test func anExemptionThatLapsesMakesTheFindingOpenAgain() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        let covered = Observe.finding("GW-ST-001", "QH-NYJ", status: .exempted, exemption: exemption)
        try store.record(Observe.run("2024-06-30", [covered]))
        let expired = Observe.finding("GW-ST-001", "QH-NYJ", status: .exemptionExpired, exemption: exemption)
        try store.record(Observe.run("2026-06-30", [expired]))
        let history = try store.history(of: covered.fingerprint)
        #expect(history.entry.state == .pending && history.entry.auditStatus == .exemptionExpired)
        #expect(history.events.map(\.action) == [.detected, .exemptionLapsed])
        #expect(history.events[1].note?.hasPrefix("例外已过期（澄编〔2024〕11号）") == true)

        // A finding newly covered by an exemption is kept, as 已批准例外.
        let other = Observe.finding("GW-ST-001", "QH-JYJ")
        try store.record(Observe.run("2026-07-31", [expired, other]))
        try store.record(Observe.run("2026-08-31", [expired, Observe.finding("GW-ST-001", "QH-JYJ", status: .exempted, exemption: exemption)]))
        let nowExempted = try store.history(of: other.fingerprint)
        #expect(nowExempted.entry.state == .exempted && nowExempted.entry.exemptionDocument == "澄编〔2024〕11号")
        #expect(nowExempted.events.map(\.action) == [.detected, .exempted])
        try store.close()
    }

    @Test func onlyTheRulesThatRanCanRectify() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        let staffing = Observe.finding("GW-ST-001", "QH-JYJ")
        let units = Observe.finding("GW-IU-001", "QH-SWJ")
        let unfinished = Observe.finding("GW-LD-003", "P000509", kind: "person", institution: "QH-ZJJ")
        let elsewhere = Observe.finding("GW-ST-001", "QT-JYJ")
        try store.record(Observe.run("2024-06-30", [elsewhere], region: "999002"))
        try store.record(Observe.run("2024-06-30", [staffing, units, unfinished]))

        // `--only GW-ST-001` says nothing about GW-IU-001; an evaluation that did not finish says nothing either;
        // another region's findings are left alone.
        let summary = try store.record(Observe.run("2025-06-30", [], rules: ["GW-ST-001", "GW-LD-003"],
                                                   unfinished: [RuleSubject(ruleID: "GW-LD-003", subjectID: "P000509")]))
        #expect(summary.rectified == 1)
        let states = Dictionary(uniqueKeysWithValues: try store.entries(on: Observe.date("2025-07-01")).map { ($0.subjectID, $0.state) })
        #expect(states == ["QH-JYJ": .rectified, "QH-SWJ": .pending, "P000509": .pending, "QT-JYJ": .pending])
        #expect(try store.runs().last?.ruleFilter == "GW-LD-003,GW-ST-001")
        try store.close()
    }

    @Test func anOlderSnapshotIsRefusedAndChangesNothing() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        try store.record(Observe.run("2025-06-30", [Observe.finding("GW-ST-001", "QH-JYJ")]))
        #expect(throws: StoreError.staleSnapshot(asOf: "2024-06-30", latest: "2025-06-30", run: 1)) {
            try store.record(Observe.run("2024-06-30", []))
        }
        #expect(try store.runs().count == 1)
        #expect(try store.entries(on: Observe.date("2025-07-01")).map(\.state) == [.pending])
        // The same date again is fine (a re-run after fixing the data).
        try store.record(Observe.run("2025-06-30", []))
        #expect(try store.runs().count == 2)
        try store.close()
    }

    @Test func overdueFindingsComeFirstAndFiltersApply() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        let findings = [
            Observe.finding("GW-ST-001", "QH-AAA"),
            Observe.finding("GW-ST-001", "QH-BBB"),
            Observe.finding("GW-ST-001", "QH-CCC"),
            Observe.finding("GW-LD-003", "P000001", kind: "person", name: "不应保存的姓名", institution: "QH-CCC"),
        ]
        try store.record(Observe.run("2024-06-30", findings))
        let at = Date(timeIntervalSince1970: 1_720_000_000)
        try store.assign(findings[0].fingerprint, owner: "甲", deadline: Observe.date("2024-12-31"), plan: nil, at: at)
        try store.assign(findings[1].fingerprint, owner: "乙", deadline: Observe.date("2024-09-30"), plan: nil, at: at)
        try store.assign(findings[2].fingerprint, owner: "丙", deadline: Observe.date("2025-03-31"), plan: nil, at: at)
        let today = Observe.date("2025-01-15")
        let ordered = try store.entries(on: today)
        #expect(ordered.map(\.subjectID) == ["QH-BBB", "QH-AAA", "QH-CCC", "P000001"])
        #expect(ordered.map { $0.isOverdue(on: today) } == [true, true, false, false])
        #expect(try store.entries(LedgerFilter(overdueOnly: true), on: today).map(\.subjectID) == ["QH-BBB", "QH-AAA"])
        #expect(try store.entries(LedgerFilter(institution: "QH-CCC"), on: today).map(\.subjectID) == ["QH-CCC", "P000001"])
        #expect(try store.entries(LedgerFilter(state: .pending), on: today).map(\.subjectID) == ["P000001"])
        // Persons are kept by their anonymised id only.
        #expect(ordered[3].subjectName == nil && ordered[3].institutionID == "QH-CCC")
        let names = try store.read { db in try String.fetchAll(db, sql: "SELECT coalesce(subject_name, '') || message FROM finding") }
        #expect(!names.contains { $0.contains("不应保存的姓名") })
        try store.close()
    }

    @Test func idsArePrefixesOfFingerprints() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        try store.record(Observe.run("2024-06-30", [
            Observe.finding("GW-ST-001", "QH-A", fingerprint: "abcd000000000001"),
            Observe.finding("GW-ST-001", "QH-B", fingerprint: "abcd000000000002"),
        ]))
        #expect(try store.history(of: "ABCD000000000001").entry.subjectID == "QH-A")
        #expect(throws: StoreError.ambiguousFinding("abcd", candidates: ["abcd000000000001", "abcd000000000002"])) {
            try store.history(of: "abcd")
        }
        #expect(throws: StoreError.unknownFinding("ffff")) { try store.history(of: "ffff") }
        #expect(throws: StoreError.invalidFindingID("abc")) { try store.history(of: "abc") }
        #expect(throws: StoreError.invalidFindingID("abcd%")) { try store.history(of: "abcd%") }
        try store.close()
    }

    @Test func diffSplitsNewResolvedAndPersisting() throws {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        let kept = Observe.finding("GW-ST-001", "QH-NYJ", status: .exempted, exemption: exemption)
        let gone = Observe.finding("GW-ST-001", "QH-JYJ")
        let new = Observe.finding("GW-IU-001", "QH-WLJ")
        try store.record(Observe.run("2024-06-30", [kept, gone]))
        try store.record(Observe.run("2026-06-30", [Observe.finding("GW-ST-001", "QH-NYJ", status: .exemptionExpired, exemption: exemption), new]))
        let diff = try store.diff(from: try store.run("previous"), to: try store.run("latest"))
        #expect(diff.new.map(\.subjectID) == ["QH-WLJ"])
        #expect(diff.resolved.map(\.subjectID) == ["QH-JYJ"])
        #expect(diff.persisting.map(\.entry.subjectID) == ["QH-NYJ"])
        #expect(diff.persisting.first?.from == .exempted && diff.persisting.first?.to == .exemptionExpired)
        #expect(throws: StoreError.unknownRun("9")) { try store.run("9") }
        try store.close()
    }

    @Test func everyChangeIsOneImmediateTransactionAndNoStatementIsLeftOpen() throws {
        let ledger = try TemporaryLedger()
        let trace = SQLTrace()
        let store = try ledger.open(trace: trace.handler)
        let before = trace.all.count
        let finding = Observe.finding("GW-ST-001", "QH-JYJ")
        try store.record(Observe.run("2024-06-30", [finding, Observe.finding("GW-IU-001", "QH-SWJ")]))
        let recording = Array(trace.all[before...])
        #expect(recording.first == "BEGIN IMMEDIATE TRANSACTION")
        #expect(recording.last == "COMMIT TRANSACTION")
        #expect(recording.filter { $0.hasPrefix("BEGIN") || $0 == "COMMIT TRANSACTION" }.count == 2)
        // Values reach SQLite as bound arguments: the trace shows them only when expanded.
        #expect(recording.contains { $0.hasPrefix("INSERT INTO finding") && $0.contains("'QH-JYJ'") })

        let mark = trace.all.count
        try store.assign(finding.fingerprint, owner: "甲", deadline: Observe.date("2024-12-31"), plan: nil, at: Date())
        let assigning = Array(trace.all[mark...])
        #expect(assigning.first == "BEGIN IMMEDIATE TRANSACTION" && assigning.last == "COMMIT TRANSACTION")

        // A refused change rolls back.
        let refused = trace.all.count
        #expect(throws: StoreError.self) { try store.verify(finding.fingerprint, by: "乙", note: nil, at: Date()) }
        #expect(trace.all[refused...].last == "ROLLBACK TRANSACTION")

        #expect(try store.integrityCheck() == ["ok"])
        try store.close()   // sqlite3_close fails if any statement were left unfinalized
    }
}
