import GRDB

/// One change to a finding (table `history`): every state change, assignment and verification,
/// kept for good (a reopened finding keeps all of its earlier events).
public struct HistoryEvent: Sendable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "history"

    public var id: Int64?
    public var fingerprint: String
    /// ISO 8601 in UTC.
    public var at: String
    /// The run that caused it, for changes made by a recorded audit.
    public var runID: Int64?
    public var action: HistoryAction
    public var stateFrom: LedgerState?
    public var stateTo: LedgerState
    /// Who: the owner assigned, or the inspector who verified.
    public var actor: String?
    public var deadline: String?
    /// The plan, a verification note, or what the audit said.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case id, fingerprint, at
        case runID = "run_id"
        case action
        case stateFrom = "state_from"
        case stateTo = "state_to"
        case actor, deadline, note
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// What happened to a finding.
public enum HistoryAction: String, Sendable, Codable, DatabaseValueConvertible {
    /// A recorded audit found it for the first time.
    case detected
    /// `ledger assign`: an owner, a deadline and a plan.
    case assigned
    /// `ledger assign` again on a finding already in progress.
    case reassigned
    /// A later recorded audit no longer found it.
    case rectified
    /// `ledger verify`: an inspector confirmed it and closed it.
    case verified
    /// Found again after it was rectified, before it was closed.
    case reappeared
    /// Found again after it was closed.
    case reopened
    /// An approved exemption now covers it.
    case exempted
    /// Its exemption expired or no longer covers it.
    case exemptionLapsed = "exemption_lapsed"

    public var label: String {
        switch self {
        case .detected: "审计发现"
        case .assigned: "交办整改"
        case .reassigned: "调整整改安排"
        case .rectified: "审计不再发现（已整改）"
        case .verified: "核实销号"
        case .reappeared: "销号前再次发现"
        case .reopened: "销号后再次发现，重新打开"
        case .exempted: "批准例外"
        case .exemptionLapsed: "例外失效"
        }
    }
}
