import Catalog
import RuleSet
import SnapshotLoader
import Schema

/// The snapshot's exemptions (批准的例外), applied to findings: a covered finding is `exempted`, or
/// `exemptionExpired` after the exemption's `until`.
struct Exemptions: Sendable {
    private let records: [Record]
    private let asOf: CivilDate

    private static let rule = SnapshotSchema.exemption.requiredSlot("rule")
    private static let provision = SnapshotSchema.exemption.requiredSlot("provision")
    private static let subject = SnapshotSchema.exemption.requiredSlot("subject")
    private static let document = SnapshotSchema.exemption.requiredSlot("document_number")
    private static let until = SnapshotSchema.exemption.requiredSlot("until")
    private static let reason = SnapshotSchema.exemption.requiredSlot("reason")

    init(_ snapshot: Snapshot) {
        records = snapshot.exemptions.compactMap(\.recordValue)
        asOf = snapshot.asOf
    }

    var isEmpty: Bool { records.isEmpty }

    /// Marks each of `findings` (all made by `rule`, citing `citations`) that an exemption covers.
    func apply(to findings: inout [Finding], rule: Rule, citations: [CitationSpec]) {
        guard !records.isEmpty else { return }
        for index in findings.indices {
            apply(to: &findings[index], rule: rule, citations: citations)
        }
    }

    /// An exemption covers a finding when it names the finding's subject (or, for a person or an event,
    /// its institution) and either the rule (or `*`, or the central rule this one overrides) or a provision the rule cites.
    /// When several do, the one that runs longest decides (the first of those).
    func apply(to finding: inout Finding, rule: Rule, citations: [CitationSpec]) {
        var best: (record: Record, until: CivilDate)?
        for exemption in records {
            guard let subject = exemption[Exemptions.subject].stringValue,
                  subject == finding.subject.id || subject == finding.subject.institution else { continue }
            var covers = false
            // An exemption from a central rule also covers the local rule that tightens it.
            if let ruleID = exemption[Exemptions.rule].stringValue, ruleID == "*" || ruleID == rule.id || ruleID == rule.overrides {
                covers = true
            }
            if !covers, let provision = exemption[Exemptions.provision].recordValue {
                covers = Exemptions.cites(provision, in: citations)
            }
            guard covers, let until = exemption[Exemptions.until].dateValue else { continue }
            if let current = best, current.until >= until { continue }
            best = (exemption, until)
        }
        guard let best else { return }
        finding.status = best.until >= asOf ? .exempted : .exemptionExpired
        finding.exemption = AppliedExemption(documentNumber: best.record[Exemptions.document].stringValue ?? "",
                                             until: best.until, reason: best.record[Exemptions.reason].stringValue ?? "")
    }

    /// Whether one of `citations` is the provision an exemption names (its article or part, and its paragraph and item when given).
    private static func cites(_ provision: Record, in citations: [CitationSpec]) -> Bool {
        let source = provision[SnapshotSchema.provision.requiredSlot("source")].stringValue
        let article = provision[SnapshotSchema.provision.requiredSlot("article")].intValue
        let paragraph = provision[SnapshotSchema.provision.requiredSlot("paragraph")].intValue
        let item = provision[SnapshotSchema.provision.requiredSlot("item")].intValue
        for citation in citations {
            guard case .catalog(let cited) = citation.target,
                  cited.source == source, (cited.article ?? cited.part) == article else { continue }
            if let paragraph, cited.paragraph != paragraph { continue }
            if let item, cited.item != item { continue }
            return true
        }
        return false
    }
}
