import Catalog
import Diagnostics
import RuleLanguage
import RuleSet
import Schema
import SnapshotLoader

/// Runs compiled rules over a snapshot: one evaluation per subject of each rule's scope,
/// with the law as it stood on the snapshot's date and the snapshot's exemptions applied.
public struct AuditEngine: Sendable {
    public var ruleSet: RuleSet
    /// Steps one evaluation (one rule on one subject) may take.
    public var stepLimit: Int

    public init(ruleSet: RuleSet, stepLimit: Int = 1_000_000) {
        self.ruleSet = ruleSet
        self.stepLimit = stepLimit
    }

    /// Audits `snapshot`; `rules` restricts the run to some rule ids (nil: every active rule).
    public func audit(_ snapshot: Snapshot, only rules: Set<String>? = nil, measuringRules: Bool = false) -> AuditReport {
        let asOf = snapshot.asOf
        let code = snapshot.region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? ""
        let selected = ruleSet.activeRules(forRegion: code).filter { rules?.contains($0.id) ?? true }
        let data = SnapshotData(snapshot, needsRoster: selected.contains { $0.usesRoster })
        var findings: [Finding] = []
        var failures: [EvaluationFailure] = []
        var applied = 0
        var timings: [(rule: String, duration: Duration)] = []
        let clock = ContinuousClock()
        for rule in selected {
            guard let citations = citationsInForce(rule, on: asOf) else { continue }
            applied += 1
            let start = measuringRules ? clock.now : nil
            var run = RuleRun(rule: rule, data: data, citations: citations, catalog: ruleSet.catalog, stepLimit: stepLimit)
            run.evaluateAll()
            if let start { timings.append((rule.id, clock.now - start)) }
            findings.append(contentsOf: run.findings)
            failures.append(contentsOf: run.failures)
        }
        findings.sort { a, b in
            if a.subject.id != b.subject.id { return a.subject.id < b.subject.id }
            if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
            if (a.key ?? "") != (b.key ?? "") { return (a.key ?? "") < (b.key ?? "") }
            return a.message < b.message
        }
        let region = snapshot.region
        return AuditReport(snapshotPath: snapshot.path,
                           regionCode: region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? "",
                           regionName: region[SnapshotSchema.region.requiredSlot("name")].stringValue ?? "",
                           asOf: asOf, rulesApplied: applied, packs: ruleSet.packs,
                           subjects: 1 + snapshot.institutions.count + snapshot.coordinationBodies.count,
                           findings: findings, failures: failures, ruleTimings: timings)
    }

    /// The rule's catalogue citations in force on `date`, or nil when the rule does not apply then.
    /// A rule citing only regulations not yet in force (an audit dated 2018 and the 2019 条例) does not apply;
    /// a citation of a regulation not in force is left out while the others still apply.
    func citationsInForce(_ rule: Rule, on date: CivilDate) -> [CitationSpec]? {
        if let from = rule.effectiveFrom, date < from { return nil }
        if let until = rule.effectiveUntil, date > until { return nil }
        var kept: [CitationSpec] = []
        var catalogued = 0
        var inForce = 0
        for citation in rule.citations {
            if case .catalog(let reference) = citation.target {
                catalogued += 1
                if let version = reference.version {
                    guard ruleSet.catalog.regulation(key: reference.source, version: version)?.isInForce(on: date) == true else { continue }
                } else {
                    guard ruleSet.catalog.version(of: reference.source, on: date) != nil else { continue }
                }
                inForce += 1
            }
            kept.append(citation)
        }
        if rule.effectiveFrom == nil, catalogued > 0, inForce == 0 { return nil }
        return kept
    }
}

/// Snapshot-wide values shared by every rule: lists, indexes, exemptions.
struct SnapshotData: Sendable {
    let snapshot: Snapshot
    let context: EvalContext
    let institutions: [Value]
    let bodies: [Value]
    let roster: [Value]
    let exemptions: [Record]

    init(_ snapshot: Snapshot, needsRoster: Bool) {
        self.snapshot = snapshot
        institutions = snapshot.institutions
        bodies = snapshot.coordinationBodies
        let idSlot = SnapshotSchema.institution.requiredSlot("id")
        let staffSlot = SnapshotSchema.institution.requiredSlot("staff")
        let personID = SnapshotSchema.person.requiredSlot("id")
        var byID: [String: Record] = [:]
        var rosterByPerson: [String: [Value]] = [:]
        var roster: [Value] = []
        for value in institutions {
            guard let institution = value.recordValue else { continue }
            if let id = institution[idSlot].stringValue, byID[id] == nil { byID[id] = institution }
            guard needsRoster else { continue }
            for person in institution[staffSlot].listValue ?? [] {
                let entry = Value.record(Record(values: [person, value], marks: [.none, .none], mark: person.recordValue?.mark ?? .none))
                roster.append(entry)
                if let id = person.recordValue?[personID].stringValue { rosterByPerson[id, default: []].append(entry) }
            }
        }
        self.roster = roster
        context = EvalContext(institutionsByID: byID, rosterByPerson: rosterByPerson)
        exemptions = snapshot.exemptions.compactMap(\.recordValue)
    }
}
