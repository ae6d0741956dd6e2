import GRDB

/// What recording one audit changed in the ledger.
public struct RecordSummary: Sendable, Equatable {
    public var run: Int64
    /// Findings seen for the first time.
    public var new: Int
    /// Findings found again after being rectified or closed.
    public var reopened: Int
    /// Findings already open and still found.
    public var persisting: Int
    /// Open findings this audit no longer found: now 已整改.
    public var rectified: Int
    /// Findings of this audit covered by an exemption.
    public var exempted: Int
    /// All findings of this audit.
    public var total: Int
}

/// A finding already in the ledger: only what the cycle needs to move it along.
private struct KnownFinding {
    var fingerprint: String
    var regionCode: String
    var ruleID: String
    var subjectID: String
    var state: LedgerState
    var owner: String?
    var deadline: String?
    var plan: String?
    var exemptionDocument: String?
    var rectifiedOn: String?
    var rectifiedRunID: Int64?
    var verifiedBy: String?
    var verifiedAt: String?
    var reopenedCount: Int64
    var institutionID: String?
    var institutionName: String?

    static let columns = "fingerprint, region_code, rule_id, subject_id, state, owner, deadline, plan, exemption_document, "
        + "rectified_on, rectified_run_id, verified_by, verified_at, reopened_count, institution_id, institution_name"

    init(row: Row) {
        fingerprint = row[0]
        regionCode = row[1]
        ruleID = row[2]
        subjectID = row[3]
        state = LedgerState(rawValue: row[4]) ?? .pending
        owner = row[5]
        deadline = row[6]
        plan = row[7]
        exemptionDocument = row[8]
        rectifiedOn = row[9]
        rectifiedRunID = row[10]
        verifiedBy = row[11]
        verifiedAt = row[12]
        reopenedCount = row[13]
        institutionID = row[14]
        institutionName = row[15]
    }
}

extension FindingsStore {
    private static let insertFinding = """
        INSERT INTO finding (fingerprint, region_code, rule_id, title, severity, subject_kind, subject_id, subject_name,
            institution_id, institution_name, key, message, citations, audit_status, exemption_document, exemption_until,
            exemption_reason, state, first_run_id, last_seen_run_id, reopened_count)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
        """
    private static let updateFinding = """
        UPDATE finding SET region_code = ?, rule_id = ?, title = ?, severity = ?, subject_kind = ?, subject_id = ?,
            subject_name = ?, institution_id = ?, institution_name = ?, key = ?, message = ?, citations = ?, audit_status = ?,
            exemption_document = ?, exemption_until = ?, exemption_reason = ?, state = ?, owner = ?, deadline = ?, plan = ?,
            last_seen_run_id = ?, rectified_on = ?, rectified_run_id = ?, verified_by = ?, verified_at = ?, reopened_count = ?
        WHERE fingerprint = ?
        """
    private static let markRectified = "UPDATE finding SET state = 'rectified', rectified_on = ?, rectified_run_id = ? WHERE fingerprint = ?"
    private static let insertHistory = """
        INSERT INTO history (fingerprint, at, run_id, action, state_from, state_to, actor, deadline, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let insertRunFinding = "INSERT INTO run_finding (run_id, fingerprint, audit_status) VALUES (?, ?, ?)"

    /// Records one audit and moves every finding of the region along its cycle, all in one transaction:
    /// new findings become 待整改 (or 已批准例外), findings that come back are reopened, and open
    /// findings of the rules that ran which this audit no longer finds become 已整改 with its date and run.
    @discardableResult
    public func record(_ observed: ObservedRun) throws(StoreError) -> RecordSummary {
        let now = Timestamp.string(observed.recordedAt)
        let asOf = observed.asOf.description
        return try write { db in
            if let latest = try RunRecord
                .filter(Column("region_code") == observed.regionCode)
                .order(Column("as_of").desc, Column("id").desc)
                .fetchOne(db), latest.asOf > asOf {
                throw StoreError.staleSnapshot(asOf: asOf, latest: latest.asOf, run: latest.number)
            }
            var findings: [ObservedFinding] = []
            findings.reserveCapacity(observed.findings.count)
            var seen = Set<String>(minimumCapacity: observed.findings.count)
            for finding in observed.findings where seen.insert(finding.fingerprint).inserted {
                findings.append(finding)
            }
            var run = RunRecord(recordedAt: now, snapshotPath: observed.snapshotPath, snapshotHash: observed.snapshotHash,
                                regionCode: observed.regionCode, regionName: observed.regionName, asOf: asOf,
                                ruleSetVersion: observed.ruleSetVersion, rulesApplied: observed.rulesApplied,
                                packs: observed.packs.joined(separator: ","),
                                ruleFilter: observed.allRules ? nil : observed.rulesRun.sorted().joined(separator: ","),
                                findingCount: findings.count)
            try run.insert(db)
            let runID = run.number
            var summary = RecordSummary(run: runID, new: 0, reopened: 0, persisting: 0, rectified: 0, exempted: 0, total: findings.count)

            var known: [String: KnownFinding] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT \(KnownFinding.columns) FROM finding")
            while let row = try rows.next() {
                let finding = KnownFinding(row: row)
                known[finding.fingerprint] = finding
            }

            let insertFinding = try db.cachedStatement(sql: FindingsStore.insertFinding)
            let updateFinding = try db.cachedStatement(sql: FindingsStore.updateFinding)
            let insertHistory = try db.cachedStatement(sql: FindingsStore.insertHistory)
            let insertRunFinding = try db.cachedStatement(sql: FindingsStore.insertRunFinding)
            func log(_ fingerprint: String, _ action: HistoryAction, from: LedgerState?, to: LedgerState, note: String?) throws {
                try insertHistory.execute(arguments: [fingerprint, now, runID, action.rawValue, from?.rawValue, to.rawValue, nil, nil, note])
            }

            for finding in findings {
                if finding.status == .exempted { summary.exempted += 1 }
                let exemptionUntil = finding.exemption?.until.description
                guard var entry = known[finding.fingerprint] else {
                    summary.new += 1
                    let state: LedgerState = finding.status == .exempted ? .exempted : .pending
                    try insertFinding.execute(arguments: [
                        finding.fingerprint, observed.regionCode, finding.ruleID, finding.title, finding.severity, finding.subjectKind,
                        finding.subjectID, finding.subjectName, finding.institutionID, finding.institutionName, finding.key,
                        finding.message, finding.citations, finding.status.rawValue, finding.exemption?.documentNumber, exemptionUntil,
                        finding.exemption?.reason, state.rawValue, runID, runID,
                    ])
                    try log(finding.fingerprint, .detected, from: nil, to: state,
                            note: finding.status == .exempted ? finding.exemptionNote : finding.message)
                    try insertRunFinding.execute(arguments: [runID, finding.fingerprint, finding.status.rawValue])
                    continue
                }
                let before = entry.state
                switch before {
                case .closed:
                    entry.state = finding.status == .exempted ? .exempted : .pending
                    entry.reopenedCount += 1
                    entry.owner = nil
                    entry.deadline = nil
                    entry.plan = nil
                    entry.rectifiedOn = nil
                    entry.rectifiedRunID = nil
                    entry.verifiedBy = nil
                    entry.verifiedAt = nil
                    summary.reopened += 1
                    try log(entry.fingerprint, .reopened, from: before, to: entry.state, note: finding.message)
                case .rectified:
                    entry.state = finding.status == .exempted ? .exempted : (entry.owner == nil ? .pending : .inProgress)
                    entry.reopenedCount += 1
                    entry.rectifiedOn = nil
                    entry.rectifiedRunID = nil
                    summary.reopened += 1
                    try log(entry.fingerprint, .reappeared, from: before, to: entry.state, note: finding.message)
                case .pending, .inProgress:
                    summary.persisting += 1
                    if finding.status == .exempted {
                        entry.state = .exempted
                        try log(entry.fingerprint, .exempted, from: before, to: .exempted, note: finding.exemptionNote)
                    }
                case .exempted:
                    summary.persisting += 1
                    if finding.status != .exempted {
                        entry.state = entry.owner == nil ? .pending : .inProgress
                        let lapse = finding.status == .exemptionExpired ? "例外已过期" : "例外不再覆盖此项"
                        try log(entry.fingerprint, .exemptionLapsed, from: before, to: entry.state,
                                note: "\(lapse)（\(entry.exemptionDocument ?? "")）：\(finding.message)")
                    } else if entry.exemptionDocument != finding.exemption?.documentNumber {
                        try log(entry.fingerprint, .exempted, from: before, to: .exempted, note: finding.exemptionNote)
                    }
                }
                try updateFinding.execute(arguments: [
                    observed.regionCode, finding.ruleID, finding.title, finding.severity, finding.subjectKind, finding.subjectID,
                    finding.subjectName, finding.institutionID ?? entry.institutionID, finding.institutionName ?? entry.institutionName,
                    finding.key, finding.message, finding.citations, finding.status.rawValue,
                    finding.exemption?.documentNumber, exemptionUntil, finding.exemption?.reason,
                    entry.state.rawValue, entry.owner, entry.deadline, entry.plan, runID, entry.rectifiedOn, entry.rectifiedRunID,
                    entry.verifiedBy, entry.verifiedAt, entry.reopenedCount, entry.fingerprint,
                ])
                try insertRunFinding.execute(arguments: [runID, finding.fingerprint, finding.status.rawValue])
            }

            let markRectified = try db.cachedStatement(sql: FindingsStore.markRectified)
            let note = "数据日期 \(asOf) 的快照（第 \(runID) 次审计）不再发现此项"
            for entry in known.values.sorted(by: { $0.fingerprint < $1.fingerprint })
            where !seen.contains(entry.fingerprint) && entry.state.isOpen && entry.regionCode == observed.regionCode
                && observed.rulesRun.contains(entry.ruleID)
                && !observed.unfinished.contains(RuleSubject(ruleID: entry.ruleID, subjectID: entry.subjectID)) {
                try markRectified.execute(arguments: [asOf, runID, entry.fingerprint])
                try log(entry.fingerprint, .rectified, from: entry.state, to: .rectified, note: note)
                summary.rectified += 1
            }
            return summary
        }
    }
}

extension ObservedFinding {
    var exemptionNote: String {
        guard let exemption else { return message }
        return "\(exemption.documentNumber)，有效期至 \(exemption.until)（\(exemption.reason)）"
    }
}
