import Foundation
import Schema

/// One audit to record: what was read, with which rules, and every finding it made.
///
/// The CLI builds it from an `AuditReport`; the store depends on no engine type.
public struct ObservedRun: Sendable {
    public var snapshotPath: String
    /// ``ContentHash`` of the snapshot files.
    public var snapshotHash: String
    public var regionCode: String
    public var regionName: String
    public var asOf: CivilDate
    /// ``ContentHash`` of the rule files (catalogue and packs).
    public var ruleSetVersion: String
    public var rulesApplied: Int
    public var packs: [String]
    /// The rule ids this audit ran. Only findings of these rules can be marked 已整改 by it
    /// (an audit with `--only GW-ST-001` says nothing about the other rules).
    public var rulesRun: Set<String>
    /// Whether the audit ran every active rule (false with `--only`).
    public var allRules: Bool
    /// Rule and subject pairs whose evaluation did not finish: their findings are neither new nor rectified.
    public var unfinished: Set<RuleSubject>
    public var recordedAt: Date
    public var findings: [ObservedFinding]

    public init(snapshotPath: String, snapshotHash: String, regionCode: String, regionName: String, asOf: CivilDate,
                ruleSetVersion: String, rulesApplied: Int, packs: [String], rulesRun: Set<String>, allRules: Bool,
                unfinished: Set<RuleSubject> = [], recordedAt: Date, findings: [ObservedFinding]) {
        self.snapshotPath = snapshotPath
        self.snapshotHash = snapshotHash
        self.regionCode = regionCode
        self.regionName = regionName
        self.asOf = asOf
        self.ruleSetVersion = ruleSetVersion
        self.rulesApplied = rulesApplied
        self.packs = packs
        self.rulesRun = rulesRun
        self.allRules = allRules
        self.unfinished = unfinished
        self.recordedAt = recordedAt
        self.findings = findings
    }
}

/// A rule id and a subject id.
public struct RuleSubject: Sendable, Hashable {
    public var ruleID: String
    public var subjectID: String

    public init(ruleID: String, subjectID: String) {
        self.ruleID = ruleID
        self.subjectID = subjectID
    }
}

/// One finding of an audit, as the ledger keeps it. Persons appear by their anonymised id only:
/// ``init(fingerprint:ruleID:title:severity:status:subjectKind:subjectID:subjectName:institutionID:institutionName:key:message:citations:exemption:)``
/// drops any name given for a person.
public struct ObservedFinding: Sendable {
    public var fingerprint: String
    public var ruleID: String
    public var title: String
    public var severity: String
    public var status: AuditStatus
    /// `region`, `institution`, `person`, `event` or `coordination_body`.
    public var subjectKind: String
    public var subjectID: String
    public var subjectName: String?
    public var institutionID: String?
    public var institutionName: String?
    public var key: String?
    public var message: String
    /// The citations as the report writes them, joined with `；`.
    public var citations: String
    public var exemption: Exemption?

    public init(fingerprint: String, ruleID: String, title: String, severity: String, status: AuditStatus,
                subjectKind: String, subjectID: String, subjectName: String?, institutionID: String?, institutionName: String?,
                key: String?, message: String, citations: String, exemption: Exemption?) {
        self.fingerprint = fingerprint
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.status = status
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.subjectName = subjectKind == "person" ? nil : subjectName
        self.institutionID = institutionID
        self.institutionName = institutionName
        self.key = key
        self.message = message
        self.citations = citations
        self.exemption = exemption
    }
}

/// The approved exemption that covers a finding.
public struct Exemption: Sendable, Hashable {
    public var documentNumber: String
    public var until: CivilDate
    public var reason: String

    public init(documentNumber: String, until: CivilDate, reason: String) {
        self.documentNumber = documentNumber
        self.until = until
        self.reason = reason
    }
}
