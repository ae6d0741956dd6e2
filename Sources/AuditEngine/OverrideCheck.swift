import Diagnostics
import RuleSet
import Schema
import SnapshotLoader

/// A local rule that overrides a central one may tighten it, never loosen it.
///
/// The check is by evidence, not by symbolic proof: on every violating example of the
/// central rule and on every given snapshot (the audit cases), each subject the central
/// rule finds must also be found by the local rule; and no compliant example of the local
/// rule may violate the central rule. A pack that raises a cap fails at its `overrides:` line.
/// Subjects the local rule's `when` leaves out are not compared: the central rule still runs on them.
public struct OverrideCheck: Sendable {
    public var ruleSet: RuleSet

    public init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
    }

    public func diagnostics(cases snapshots: [Snapshot] = []) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let byID = Dictionary(ruleSet.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for local in ruleSet.rules {
            guard let centralID = local.overrides, let central = byID[centralID] else { continue }
            let at = local.overridesLocation ?? local.location
            guard local.scope == central.scope else {
                result.append(Diagnostic("rules.overrideScope", message: "覆盖规则 \(local.id) 的对象 (\(local.scope.rawValue)) 与被覆盖的 \(central.id) (\(central.scope.rawValue)) 不同",
                                         at: at, help: "覆盖规则须检查同一类对象，才能证明它只收紧不放宽"))
                continue
            }
            let localEngine = engine(local)
            let centralEngine = engine(central)
            // The central rule as it runs where the local one applies: on the subjects the local rule's `when` leaves out.
            var yielding = central
            yielding.yieldsTo = local.when != nil && !local.whenReadsEach ? [local] : []
            let yieldingEngine = engine(yielding)
            func subjects(_ engine: AuditEngine, _ snapshot: Snapshot) -> Set<String> {
                Set(engine.audit(snapshot).findings.filter { $0.status.counts || $0.status == .exempted }.map { "\($0.subject.kind.rawValue):\($0.subject.institution ?? ""):\($0.subject.id)" })
            }
            // What the central rule finds that neither the local rule nor the central rule itself (where it still runs) finds.
            func missing(_ snapshot: Snapshot) -> Set<String> {
                let found = subjects(centralEngine, snapshot).subtracting(subjects(localEngine, snapshot))
                return found.isEmpty || yielding.yieldsTo.isEmpty ? found : found.subtracting(subjects(yieldingEngine, snapshot))
            }
            var problems: [String] = []
            for example in central.examples where example.kind == .violating {
                let missing = missing(example.snapshot)
                if !missing.isEmpty {
                    problems.append("\(central.id) 的违规示例 #\(example.index + 1)（\(example.location.description)）在 \(local.id) 下不违规")
                }
            }
            for example in local.examples where example.kind == .compliant {
                // Only subjects the local rule applies to count: on the others the central rule still runs.
                let found = subjects(centralEngine, example.snapshot)
                if !(yielding.yieldsTo.isEmpty ? found : found.subtracting(subjects(yieldingEngine, example.snapshot))).isEmpty {
                    problems.append("\(local.id) 的合规示例 #\(example.index + 1)（\(example.location.description)）违反了 \(central.id)")
                }
            }
            let code = SnapshotSchema.region.requiredSlot("code")
            for snapshot in snapshots {
                // Only cases in the local rule's jurisdiction, where it replaces the central rule.
                let region = snapshot.region[code].stringValue ?? ""
                if let regions = local.regions, !regions.contains(where: { region.hasPrefix($0) }) { continue }
                let missing = missing(snapshot)
                if !missing.isEmpty {
                    problems.append("案例 \(snapshot.path) 中 \(central.id) 发现的 \(missing.sorted().joined(separator: "、")) 在 \(local.id) 下不违规")
                }
            }
            if !problems.isEmpty {
                result.append(Diagnostic("rules.overrideLoosens", message: "覆盖规则 \(local.id) 放宽了中央规则 \(central.id)：" + problems.joined(separator: "；"),
                                         at: at, notes: [DiagnosticNote("被覆盖的规则在此", at: central.location)],
                                         help: "地方规则只能收紧中央规则（如更低的上限），不能放宽；检查上限和适用条件"))
            }
        }
        return result
    }

    private func engine(_ rule: Rule) -> AuditEngine {
        var unscoped = rule
        unscoped.regions = nil
        return AuditEngine(ruleSet: RuleSet(rules: [unscoped], packs: ruleSet.packs, catalog: ruleSet.catalog, directory: ruleSet.directory))
    }
}
