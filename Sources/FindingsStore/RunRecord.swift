import GRDB
import Schema

/// One recorded audit (table `run`).
public struct RunRecord: Sendable, Codable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The run number: 1, 2, … in the order runs were recorded.
    public var id: Int64?
    /// When it was recorded, ISO 8601 in UTC.
    public var recordedAt: String
    public var snapshotPath: String
    /// `sha256:…` of the snapshot files.
    public var snapshotHash: String
    public var regionCode: String
    public var regionName: String
    /// The snapshot's data date, `YYYY-MM-DD`.
    public var asOf: String
    /// `sha256:…` of the rule files.
    public var ruleSetVersion: String
    public var rulesApplied: Int
    /// Rule packs, joined with `,`.
    public var packs: String
    /// The rule ids of an audit run with `--only`, joined with `,`; nil when every rule ran.
    public var ruleFilter: String?
    /// How many findings the run stored (the kill test checks a run is all there).
    public var findingCount: Int

    public var number: Int64 { id ?? 0 }
    public var asOfDate: CivilDate? { CivilDate(parsing: asOf) }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A finding as it appears in one run (table `run_finding`): what `ledger diff` compares.
struct RunFinding: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_finding"

    var runID: Int64
    var fingerprint: String
    var auditStatus: AuditStatus

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case fingerprint
        case auditStatus = "audit_status"
    }
}
