import GRDB
import Schema

/// One finding in the ledger (table `finding`), keyed by its fingerprint: what it is, where it
/// stands in the cycle, who owns it and by when.
public struct LedgerEntry: Sendable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "finding"

    /// The finding's stable fingerprint (16 hex digits), also its id in `ledger` commands.
    public var fingerprint: String
    public var regionCode: String
    public var ruleID: String
    public var title: String
    /// `error`, `warning` or `info`.
    public var severity: String
    /// `region`, `institution`, `person`, `event` or `coordination_body`.
    public var subjectKind: String
    /// For a person, the anonymised roster id (never a name).
    public var subjectID: String
    public var subjectName: String?
    /// The institution the finding concerns (the subject itself, or a person's or event's institution).
    public var institutionID: String?
    public var institutionName: String?
    public var key: String?
    public var message: String
    public var citations: String
    /// What the latest audit that found it said.
    public var auditStatus: AuditStatus
    public var exemptionDocument: String?
    public var exemptionUntil: String?
    public var exemptionReason: String?
    public var state: LedgerState
    public var owner: String?
    /// `YYYY-MM-DD`.
    public var deadline: String?
    public var plan: String?
    public var firstRunID: Int64
    public var lastSeenRunID: Int64
    /// The data date of the snapshot that no longer showed it.
    public var rectifiedOn: String?
    public var rectifiedRunID: Int64?
    public var verifiedBy: String?
    public var verifiedAt: String?
    /// How many times it came back after being rectified or closed.
    public var reopenedCount: Int

    enum CodingKeys: String, CodingKey {
        case fingerprint
        case regionCode = "region_code"
        case ruleID = "rule_id"
        case title, severity
        case subjectKind = "subject_kind"
        case subjectID = "subject_id"
        case subjectName = "subject_name"
        case institutionID = "institution_id"
        case institutionName = "institution_name"
        case key, message, citations
        case auditStatus = "audit_status"
        case exemptionDocument = "exemption_document"
        case exemptionUntil = "exemption_until"
        case exemptionReason = "exemption_reason"
        case state, owner, deadline, plan
        case firstRunID = "first_run_id"
        case lastSeenRunID = "last_seen_run_id"
        case rectifiedOn = "rectified_on"
        case rectifiedRunID = "rectified_run_id"
        case verifiedBy = "verified_by"
        case verifiedAt = "verified_at"
        case reopenedCount = "reopened_count"
    }

    /// Columns for query-interface requests.
    public enum Columns {
        public static let fingerprint = Column(CodingKeys.fingerprint)
        public static let state = Column(CodingKeys.state)
        public static let institutionID = Column(CodingKeys.institutionID)
        public static let subjectID = Column(CodingKeys.subjectID)
        public static let regionCode = Column(CodingKeys.regionCode)
    }

    /// The severity as people read it: 错误, 警告 or 提示 (an unknown code as it is).
    public var severityLabel: String { LedgerEntry.severityLabels[severity] ?? severity }

    /// The kind of subject as people read it: 地区, 机构, 人员, 机构编制事项 or 议事协调机构 (an unknown code as it is).
    public var subjectKindLabel: String { LedgerEntry.subjectKindLabels[subjectKind] ?? subjectKind }

    /// The same words as the audit reports use (`RuleSeverity.label` and `RuleScope.label`).
    static let severityLabels = ["error": "错误", "warning": "警告", "info": "提示"]
    static let subjectKindLabels = [
        "region": "地区", "institution": "机构", "person": "人员", "event": "机构编制事项", "coordination_body": "议事协调机构",
    ]

    public var deadlineDate: CivilDate? { deadline.flatMap(CivilDate.init(parsing:)) }

    /// Past its deadline on `date` and not yet rectified.
    public func isOverdue(on date: CivilDate) -> Bool {
        guard state.canBeOverdue, let deadline = deadlineDate else { return false }
        return deadline < date
    }

    /// The first 8 digits of the fingerprint, as lists show it.
    public var shortID: String { String(fingerprint.prefix(8)) }

    /// `县交通运输局（QH-JYJ）`, or the id alone for a person.
    public var subjectText: String {
        if let name = subjectName, !name.isEmpty, subjectKind != "person" { return "\(name)（\(subjectID)）" }
        return subjectID
    }

    public var institutionText: String? {
        guard let id = institutionID else { return nil }
        if let name = institutionName, !name.isEmpty { return "\(name)（\(id)）" }
        return id
    }
}
