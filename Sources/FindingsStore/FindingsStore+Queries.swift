import GRDB
import Schema

/// Which findings `ledger list` and `ledger export` show.
public struct LedgerFilter: Sendable {
    public var state: LedgerState?
    public var overdueOnly: Bool
    /// An institution id: its own findings and those of its staff and events.
    public var institution: String?

    public init(state: LedgerState? = nil, overdueOnly: Bool = false, institution: String? = nil) {
        self.state = state
        self.overdueOnly = overdueOnly
        self.institution = institution
    }
}

/// A finding with its full history, for `ledger show`.
public struct LedgerRecordHistory: Sendable {
    public var entry: LedgerEntry
    public var events: [HistoryEvent]
    /// The runs that found it, oldest first.
    public var runs: [RunRecord]
}

/// What changed between two recorded runs.
public struct RunDiff: Sendable {
    public var from: RunRecord
    public var to: RunRecord
    /// Found by the second run, not by the first.
    public var new: [LedgerEntry]
    /// Found by the first run, not by the second.
    public var resolved: [LedgerEntry]
    /// Found by both, with what each said (a lapsed exemption shows as exempted → exemption_expired).
    public var persisting: [(entry: LedgerEntry, from: AuditStatus, to: AuditStatus)]
}

extension FindingsStore {
    /// The findings matching `filter`: overdue ones first (earliest deadline first), then
    /// 整改中, 待整改, 已整改, 已批准例外 and 已销号, each by institution, rule and subject.
    public func entries(_ filter: LedgerFilter = LedgerFilter(), on date: CivilDate) throws(StoreError) -> [LedgerEntry] {
        let all = try read { db in
            var request = LedgerEntry.all()
            if let state = filter.state { request = request.filter(LedgerEntry.Columns.state == state) }
            if let institution = filter.institution {
                request = request.filter(LedgerEntry.Columns.institutionID == institution || LedgerEntry.Columns.subjectID == institution)
            }
            return try request.fetchAll(db)
        }
        let kept = filter.overdueOnly ? all.filter { $0.isOverdue(on: date) } : all
        return kept.sorted { a, b in
            let overdueA = a.isOverdue(on: date), overdueB = b.isOverdue(on: date)
            if overdueA != overdueB { return overdueA }
            if overdueA, a.deadline != b.deadline { return (a.deadline ?? "") < (b.deadline ?? "") }
            if a.state.listOrder != b.state.listOrder { return a.state.listOrder < b.state.listOrder }
            if (a.institutionID ?? "") != (b.institutionID ?? "") { return (a.institutionID ?? "") < (b.institutionID ?? "") }
            if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
            if a.subjectID != b.subjectID { return a.subjectID < b.subjectID }
            return a.fingerprint < b.fingerprint
        }
    }

    /// One finding (by fingerprint or a unique prefix) with every event and the runs that found it.
    public func history(of id: String) throws(StoreError) -> LedgerRecordHistory {
        try read { db in
            let entry = try resolve(id, in: db)
            let events = try HistoryEvent
                .filter(Column("fingerprint") == entry.fingerprint)
                .order(Column("id"))
                .fetchAll(db)
            let runs = try RunRecord.fetchAll(db, sql: """
                SELECT run.* FROM run JOIN run_finding ON run_finding.run_id = run.id
                WHERE run_finding.fingerprint = ? ORDER BY run.id
                """, arguments: [entry.fingerprint])
            return LedgerRecordHistory(entry: entry, events: events, runs: runs)
        }
    }

    /// Every recorded run, in the order recorded.
    public func runs() throws(StoreError) -> [RunRecord] {
        try read { db in try RunRecord.order(Column("id")).fetchAll(db) }
    }

    /// A run by number, or `latest` (also `last`) and `previous`.
    public func run(_ reference: String) throws(StoreError) -> RunRecord {
        let all = try runs()
        switch reference {
        case "latest", "last":
            if let run = all.last { return run }
        case "previous":
            if all.count >= 2 { return all[all.count - 2] }
        default:
            if let number = Int64(reference), let run = all.first(where: { $0.id == number }) { return run }
        }
        throw StoreError.unknownRun(reference)
    }

    /// New, resolved and persisting findings between two runs.
    public func diff(from first: RunRecord, to second: RunRecord) throws(StoreError) -> RunDiff {
        try read { db in
            func statuses(_ run: RunRecord) throws -> [String: AuditStatus] {
                var result: [String: AuditStatus] = [:]
                for row in try RunFinding.filter(Column("run_id") == run.number).fetchAll(db) {
                    result[row.fingerprint] = row.auditStatus
                }
                return result
            }
            let before = try statuses(first)
            let after = try statuses(second)
            var entries: [String: LedgerEntry] = [:]
            for entry in try LedgerEntry.filter(keys: Set(before.keys).union(after.keys)).fetchAll(db) {
                entries[entry.fingerprint] = entry
            }
            func sorted(_ keys: some Sequence<String>) -> [LedgerEntry] {
                keys.compactMap { entries[$0] }.sorted { ($0.institutionID ?? "", $0.ruleID, $0.subjectID, $0.fingerprint) < ($1.institutionID ?? "", $1.ruleID, $1.subjectID, $1.fingerprint) }
            }
            let persisting = sorted(after.keys.filter { before[$0] != nil }).map { entry in
                (entry: entry, from: before[entry.fingerprint] ?? .violation, to: after[entry.fingerprint] ?? .violation)
            }
            return RunDiff(from: first, to: second,
                           new: sorted(after.keys.filter { before[$0] == nil }),
                           resolved: sorted(before.keys.filter { after[$0] == nil }),
                           persisting: persisting)
        }
    }
}
