import Diagnostics
import RuleSet
import Schema

/// What a finding is about.
public struct Subject: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case region, institution, person, event
        case coordinationBody = "coordination_body"
    }

    public var kind: Kind
    public var id: String
    public var name: String?
    /// For a person or an event: the institution whose roster or events hold it.
    public var institution: String?
    /// That institution's name, for grouping findings in reports.
    public var institutionName: String?

    public init(kind: Kind, id: String, name: String?, institution: String?, institutionName: String? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.institution = institution
        self.institutionName = institutionName
    }
}

/// Whether a finding counts.
public enum FindingStatus: String, Sendable {
    case violation
    case exempted
    case exemptionExpired = "exemption_expired"

    /// Counts against `--fail-on` (an expired exemption counts as a violation).
    public var counts: Bool { self != .exempted }

    public var label: String {
        switch self {
        case .violation: "违规"
        case .exempted: "已批准例外"
        case .exemptionExpired: "例外已过期"
        }
    }
}

/// A citation as the report shows it: resolved against the catalogue (or the snapshot, for 三定 and limits).
public struct ResolvedCitation: Sendable, Hashable {
    public var source: String
    public var title: String
    public var documentNumber: String?
    public var article: Int?
    public var part: Int?
    public var paragraph: Int?
    public var item: Int?
    /// The version of the regulation cited (`1982`, `2024`), where the catalogue has several.
    public var version: String?
    /// As a Chinese reader writes it: 《…》第六条第二款.
    public var text: String
    /// False when the catalogue marks the article not yet verified (reports show 待核).
    public var verified: Bool
}

/// The exemption that covers a finding.
public struct AppliedExemption: Sendable, Hashable {
    public var documentNumber: String
    public var until: CivilDate
    public var reason: String
}

/// One finding of an audit.
public struct Finding: Sendable {
    public var ruleID: String
    public var title: String
    public var severity: RuleSeverity
    public var status: FindingStatus
    public var subject: Subject
    /// Distinguishes several findings of one rule on one subject (the `each` element).
    public var key: String?
    public var message: String
    public var citations: [ResolvedCitation]
    /// The named values behind the finding, in the order the rule defines them.
    /// The named values behind the finding: `value` as the JSON report gives it (enum values by their English names),
    /// `shown` as a person reads it when that differs (enum labels, 是/否, （空）), for the text, HTML and spreadsheet reports.
    public var evidence: [(name: String, value: OrderedJSON, shown: String?)]
    public var location: SourceLocation?
    public var exemption: AppliedExemption?
    public var fingerprint: String
}

/// An evaluation that could not finish (a step limit, a division by zero).
public struct EvaluationFailure: Sendable {
    public var ruleID: String
    public var subject: Subject
    public var message: String
    public var ruleLocation: SourceLocation

    public var diagnostic: Diagnostic {
        Diagnostic("audit.evaluation", message: "规则 \(ruleID) 对 \(subject.id) 的计算未完成：\(message)", at: ruleLocation,
                   help: "检查规则是否对大列表做了嵌套遍历；可用 rosters_of(…)、institution(…) 代替全表查找")
    }
}

/// The result of auditing one snapshot.
public struct AuditReport: Sendable {
    public var snapshotPath: String
    public var regionCode: String
    public var regionName: String
    public var asOf: CivilDate
    public var rulesApplied: Int
    public var packs: [String]
    public var subjects: Int
    public var findings: [Finding]
    public var failures: [EvaluationFailure]
    /// Time spent on each rule, when the audit was asked to measure it (`audit --timings`).
    public var ruleTimings: [(rule: String, duration: Duration)] = []
    /// The snapshot's own date when it was audited as of another one (`audit --as-of`); nil when `asOf` is it.
    public var dataDate: CivilDate?

    public func counting(atOrAbove severity: RuleSeverity) -> Int {
        findings.count { $0.status.counts && $0.severity >= severity }
    }
}
