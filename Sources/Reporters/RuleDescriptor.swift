import AuditEngine
import Catalog
import Diagnostics
import RuleSet

/// What a report says about a rule itself, whether or not it found anything:
/// its title, its help text and the articles it cites (SARIF's `tool.driver.rules`).
public struct RuleDescriptor: Sendable, Hashable {
    public var id: String
    public var title: String
    public var severity: RuleSeverity
    /// The rule's description, its help text.
    public var description: String?
    public var pack: String
    /// What the rule is evaluated on (机构, 人员, …).
    public var scope: String
    /// Each citation as a Chinese reader writes it.
    public var citations: [String]
    /// Where the rule is written.
    public var location: SourceLocation?

    public init(id: String, title: String, severity: RuleSeverity, description: String? = nil, pack: String = "",
                scope: String = "", citations: [String] = [], location: SourceLocation? = nil) {
        self.id = id
        self.title = title
        self.severity = severity
        self.description = description
        self.pack = pack
        self.scope = scope
        self.citations = citations
        self.location = location
    }

    /// Describes `rule`, its citations resolved against `catalog`.
    public init(_ rule: Rule, catalog: RegulationCatalog) {
        self.init(id: rule.id, title: rule.title, severity: rule.severity, description: rule.description, pack: rule.pack,
                  scope: rule.scope.label, citations: rule.citations.map { RuleDescriptor.text(of: $0, catalog: catalog) },
                  location: rule.location)
    }

    /// The active rules of `ruleSet` (in `region` when given: a local pack's rules, and the central rules they override
    /// only in part; only those in `only`, when given), by id.
    public static func describing(_ ruleSet: RuleSet, region: String? = nil, only: Set<String>? = nil) -> [RuleDescriptor] {
        (region.map { ruleSet.activeRules(forRegion: $0) } ?? ruleSet.activeRules)
            .filter { only?.contains($0.id) ?? true }
            .map { RuleDescriptor($0, catalog: ruleSet.catalog) }
            .sorted { $0.id < $1.id }
    }

    /// A rule known only from one of its findings.
    init(_ finding: Finding) {
        self.init(id: finding.ruleID, title: finding.title, severity: finding.severity, citations: finding.citations.map(\.text))
    }

    /// The citation as written in the rule, before it is resolved against an institution's 三定 规定.
    static func text(of citation: CitationSpec, catalog: RegulationCatalog) -> String {
        RuleReference.citationText(citation, catalog: catalog)
    }
}

extension Array where Element == RuleDescriptor {
    /// These descriptors, plus one for each rule that has findings in `report` but is not among them, by id.
    func completed(with report: AuditReport) -> [RuleDescriptor] {
        var known = Set(map(\.id))
        var result = self
        for finding in report.findings where !known.contains(finding.ruleID) {
            known.insert(finding.ruleID)
            result.append(RuleDescriptor(finding))
        }
        for failure in report.failures where !known.contains(failure.ruleID) {
            known.insert(failure.ruleID)
            result.append(RuleDescriptor(id: failure.ruleID, title: failure.ruleID, severity: .error, location: failure.ruleLocation))
        }
        return result.sorted { $0.id < $1.id }
    }
}
