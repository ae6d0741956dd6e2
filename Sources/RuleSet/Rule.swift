import Catalog
import Diagnostics
import RuleLanguage
import Schema
import SnapshotLoader

/// What one evaluation of a rule is about.
public enum RuleScope: String, Sendable, CaseIterable {
    case region, institution, person, event
    case coordinationBody = "coordination_body"

    /// The type of `it` in this scope.
    var subjectType: RuleType {
        switch self {
        case .region: .record(SnapshotSchema.region)
        case .institution: .record(SnapshotSchema.institution)
        case .person: .record(SnapshotSchema.person)
        case .event: .record(SnapshotSchema.event)
        case .coordinationBody: .record(SnapshotSchema.coordinationBody)
        }
    }

    public var label: String {
        switch self {
        case .region: "地区"
        case .institution: "机构"
        case .person: "人员"
        case .event: "机构编制事项"
        case .coordinationBody: "议事协调机构"
        }
    }
}

/// How serious a finding of the rule is.
public enum RuleSeverity: String, Sendable, CaseIterable, Comparable {
    case info, warning, error

    private var order: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (lhs: RuleSeverity, rhs: RuleSeverity) -> Bool { lhs.order < rhs.order }

    public var label: String {
        switch self {
        case .error: "错误"
        case .warning: "警告"
        case .info: "提示"
        }
    }
}

/// One citation as written in the rule, with where it was written.
public struct CitationSpec: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        /// An article (or part) of a catalogued regulation; with `version`, of that version only
        /// (the citation applies while that version is in force).
        case catalog(CitationRef)
        /// The audited institution's own 三定 规定: `functions`, `internal_units` or `staffing`.
        case sanding(part: String)
        /// The document that sets the region's limits.
        case regionLimits
    }

    public var target: Target
    public var location: SourceLocation
}

/// A compliant or violating example, decoded into a snapshot.
public struct RuleExample: Sendable {
    public enum Kind: String, Sendable {
        case compliant, violating
    }

    public var kind: Kind
    public var index: Int
    public var snapshot: Snapshot
    /// For a violating example: how many findings it must produce (nil: at least one).
    public var expectedFindings: Int?
    public var location: SourceLocation
    /// The example as written in the rule file.
    public var sourceText: String
}

/// Where the engine puts what a rule reads: `it` and `institution` are bound in place
/// (`EvalFrame.bind(_:to:)`), the others are slots the engine fills.
public struct RuleBindings: Sendable {
    /// The subject: a bound variable.
    public var it: Int
    /// The subject's institution, for person and event rules: a bound variable.
    public var institution: Int?
    public var region: Int
    public var asOf: Int
    public var institutions: Int
    public var coordinationBodies: Int
    public var roster: Int
    public var each: Int?
    public var lets: [(name: String, slot: Int, type: RuleType, value: Typed)]
}

/// A rule, checked and compiled: ready to evaluate many times.
public struct Rule: Sendable {
    public var id: String
    public var title: String
    public var severity: RuleSeverity
    public var description: String?
    public var scope: RuleScope
    public var pack: String
    /// Region-code prefixes where the rule's pack applies (nil: everywhere). A local pack's
    /// rules, and their overrides, act only on snapshots of those regions.
    public var regions: [String]?
    public var location: SourceLocation
    public var each: Typed?
    public var eachName: String?
    public var key: Typed?
    public var when: Typed?
    /// Whether `when` names the `each` element: if not, it is tested before `each` is computed.
    public var whenReadsEach: Bool
    public var require: Typed
    public var message: MessageTemplate
    public var citations: [CitationSpec]
    public var effectiveFrom: CivilDate?
    public var effectiveUntil: CivilDate?
    public var overrides: String?
    /// Where `overrides:` is written (errors about the override point there).
    public var overridesLocation: SourceLocation?
    /// The local rules that override this one in the region audited (set by `RuleSet.activeRules(forRegion:)`): this rule
    /// is not evaluated on a subject for which the `when` of one of them holds, since that rule takes its place there.
    public var yieldsTo: [Rule] = []
    public var examples: [RuleExample]
    public var bindings: RuleBindings
    public var slotCount: Int
    public var usesRoster: Bool
    /// Whether the rule reads the whole roster as a list (`roster`), not only the index (`rosters_of`).
    public var readsRosterList: Bool
    /// Whether the rule reads a list of all the snapshot's institutions, coordination bodies or roster rows.
    public var readsAllSubjects: Bool
    /// Whether the rule looks an institution up by its id (`institution(…)`).
    public var looksUpInstitutions: Bool
    /// Whether every `rosters_of` in the rule asks for the subject's own id (`rosters_of(it.id)`).
    public var rostersOfOwnIDOnly: Bool
    /// The record fields the rule's expressions read by name.
    public var fieldsRead: Set<FieldRead>
    /// The source text of each part, for the generated rule reference and `explain`.
    public var source: RuleSource
}

/// The rule's expressions as written.
public struct RuleSource: Sendable {
    public var when: String?
    public var each: String?
    public var lets: [(name: String, expression: String)]
    public var require: String
    public var message: String
    public var key: String?
    /// Where each part is written: an evaluation that stops says in which.
    public var locations = RulePartLocations()
}

/// A part of a rule that is evaluated.
public enum RulePart: Sendable, Hashable {
    case when, each, require, key, message
    /// The named value (`let`) at this position.
    case value(Int)
}

/// Where the parts of a rule are written (the start of each expression).
public struct RulePartLocations: Sendable {
    public var when: SourceLocation?
    public var each: SourceLocation?
    /// One per named value, in order.
    public var lets: [SourceLocation] = []
    public var require: SourceLocation?
    public var key: SourceLocation?
    public var message: SourceLocation?

    public init() {}

    public subscript(part: RulePart) -> SourceLocation? {
        switch part {
        case .when: when
        case .each: each
        case .require: require
        case .key: key
        case .message: message
        case .value(let index): lets.indices.contains(index) ? lets[index] : nil
        }
    }
}
