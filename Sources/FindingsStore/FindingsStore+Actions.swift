import Foundation
import GRDB
import Schema

extension FindingsStore {
    /// `ledger assign`: gives the finding an owner, a deadline and a plan; it becomes 整改中.
    /// A finding already in progress is reassigned; a rectified or closed one is refused.
    @discardableResult
    public func assign(_ id: String, owner: String, deadline: CivilDate, plan: String?, at date: Date) throws(StoreError) -> LedgerEntry {
        try write { db in
            var entry = try resolve(id, in: db)
            let before = entry.state
            switch before {
            case .rectified:
                throw StoreError.transitionRefused(fingerprint: entry.fingerprint, state: before, action: "交办整改",
                                                   reason: "最近一次审计已不再发现此项，请核实后销号（bianzhi ledger verify）")
            case .closed:
                throw StoreError.transitionRefused(fingerprint: entry.fingerprint, state: before, action: "交办整改",
                                                   reason: "此项已销号；若再次出现，记录审计时会自动重新打开")
            case .pending, .inProgress, .exempted:
                break
            }
            entry.owner = owner
            entry.deadline = deadline.description
            if let plan { entry.plan = plan }
            entry.state = .inProgress
            try entry.update(db)
            var event = HistoryEvent(fingerprint: entry.fingerprint, at: Timestamp.string(date), runID: nil,
                                     action: before == .inProgress ? .reassigned : .assigned,
                                     stateFrom: before, stateTo: .inProgress, actor: owner, deadline: deadline.description, note: plan)
            try event.insert(db)
            return entry
        }
    }

    /// `ledger verify`: an inspector confirms a rectified finding; it is closed (已销号).
    @discardableResult
    public func verify(_ id: String, by inspector: String, note: String?, at date: Date) throws(StoreError) -> LedgerEntry {
        try write { db in
            var entry = try resolve(id, in: db)
            let before = entry.state
            guard before == .rectified else {
                let reason = before == .closed
                    ? "此项已于 \(entry.verifiedAt ?? "") 由 \(entry.verifiedBy ?? "") 销号"
                    : "只有后一次记录的审计不再发现（已整改）的问题才能销号；先整改，再运行 bianzhi audit SNAPSHOT --record"
                throw StoreError.transitionRefused(fingerprint: entry.fingerprint, state: before, action: "销号", reason: reason)
            }
            let stamp = Timestamp.string(date)
            entry.state = .closed
            entry.verifiedBy = inspector
            entry.verifiedAt = stamp
            try entry.update(db)
            var event = HistoryEvent(fingerprint: entry.fingerprint, at: stamp, runID: nil, action: .verified,
                                     stateFrom: before, stateTo: .closed, actor: inspector, deadline: nil, note: note)
            try event.insert(db)
            return entry
        }
    }

    /// The finding whose fingerprint is `id` or starts with it (at least 4 hex digits).
    func resolve(_ id: String, in db: Database) throws -> LedgerEntry {
        let lower = id.lowercased()
        guard (4...16).contains(lower.utf8.count), lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw StoreError.invalidFindingID(id)
        }
        let matches = try LedgerEntry
            .filter(sql: "fingerprint LIKE ?", arguments: [lower + "%"])
            .order(LedgerEntry.Columns.fingerprint)
            .limit(6)
            .fetchAll(db)
        switch matches.count {
        case 0: throw StoreError.unknownFinding(id)
        case 1: return matches[0]
        default: throw StoreError.ambiguousFinding(id, candidates: matches.map(\.fingerprint))
        }
    }
}
