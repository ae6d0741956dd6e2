import Catalog
import Diagnostics
import RuleLanguage
import RuleSet
import Schema
import SnapshotLoader
import WorkerPool

/// Runs compiled rules over a snapshot: one evaluation per subject of each rule's scope,
/// with the law as it stood on the snapshot's date and the snapshot's exemptions applied.
public struct AuditEngine: Sendable {
    public var ruleSet: RuleSet
    /// Steps one evaluation (one rule on one subject) may take.
    public var stepLimit: Int
    /// Rules are evaluated in parallel (institutions in chunks, region and coordination-body rules each a task); the report never depends on the number of workers.
    public var workers: WorkerPool

    public init(ruleSet: RuleSet, stepLimit: Int = 1_000_000, workers: WorkerPool = .perProcessor) {
        self.ruleSet = ruleSet
        self.stepLimit = stepLimit
        self.workers = workers
    }

    /// Audits `snapshot`; `rules` restricts the run to some rule ids (nil: every active rule).
    public func audit(_ snapshot: Snapshot, only rules: Set<String>? = nil, measuringRules: Bool = false) -> AuditReport {
        let asOf = snapshot.asOf
        let code = snapshot.region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? ""
        let selected = ruleSet.activeRules(forRegion: code).filter { rules?.contains($0.id) ?? true }
        let data = SnapshotData(snapshot, needsRosterList: selected.contains { $0.readsRosterList })
        // The rules that apply on the snapshot's date, with the citations in force then.
        let scheduled = selected.map { citationsInForce($0, on: asOf) }
        // Rules about institutions, their people and their events are evaluated together, institution by
        // institution, with the institutions cut into contiguous chunks done in parallel; each rule about the
        // region or about coordination bodies is a task of its own. Results are put back together in rule order,
        // each rule's in institution order: the report never depends on how the work was divided.
        let applying = selected.indices.filter { scheduled[$0] != nil }
        let institutionCount = data.institutions.count
        let chunks = institutionCount == 0 || !applying.contains(where: { selected[$0].scope.isPerInstitution }) ? 0
            : AuditEngine.chunkCount(institutionCount, workers: workers.workers)
        let bounds = chunks == 0 ? [] : AuditEngine.chunkBounds(weights: data.institutions.map(AuditEngine.weight), chunks: chunks)
        // The roster index (`rosters_of`) is built by one worker while the others evaluate the rules that do not
        // need it; the rules that do are evaluated afterwards, with it.
        let needsIndex = applying.filter { selected[$0].usesRoster }
        let first = applying.filter { !selected[$0].usesRoster }
        var (parts, rosterIndex) = evaluate(first, of: selected, citations: scheduled, data: data, bounds: bounds,
                                            buildingIndex: !needsIndex.isEmpty, measuringRules: measuringRules)
        if let rosterIndex {
            let (more, _) = evaluate(needsIndex, of: selected, citations: scheduled, data: data.indexed(by: rosterIndex), bounds: bounds,
                                     buildingIndex: false, measuringRules: measuringRules)
            parts.merge(more) { a, _ in a }
        }
        return report(on: snapshot, rules: selected, citations: scheduled, applying: applying, parts: consume parts, measuringRules: measuringRules)
    }

    /// The report of an audit of `snapshot` that applied the rules at `applying` (of `rules`, with the citations in force)
    /// and found `parts` (each rule's outcomes, in institution order). Each part is dropped once its findings are moved
    /// into the report, so that a large audit's findings are not held twice.
    func report(on snapshot: Snapshot, rules selected: [Rule], citations scheduled: [[CitationSpec]?], applying: [Int],
                parts: consuming [Int: [RuleOutcome]], measuringRules: Bool) -> AuditReport {
        let asOf = snapshot.asOf
        var findings: [Finding] = []
        findings.reserveCapacity(parts.values.reduce(0) { total, outcomes in outcomes.reduce(total) { $0 + $1.findings.count } })
        var failures: [EvaluationFailure] = []
        var timings: [(rule: String, duration: Duration)] = []
        for index in applying {
            let ruleParts = parts.removeValue(forKey: index) ?? []
            for part in ruleParts {
                findings.append(contentsOf: part.findings)
                failures.append(contentsOf: part.failures)
            }
            if measuringRules { timings.append((selected[index].id, ruleParts.reduce(Duration.zero) { $0 + ($1.duration ?? .zero) })) }
        }
        let applied = applying.count
        // The packs of the rules applied (all of them, unless `only` or the region or the date left some out).
        let appliedPacks = ruleSet.packs.filter { pack in selected.indices.contains { scheduled[$0] != nil && selected[$0].pack == pack } }
        AuditEngine.sortInReportOrder(&findings)
        let region = snapshot.region
        return AuditReport(snapshotPath: snapshot.path,
                           regionCode: region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? "",
                           regionName: region[SnapshotSchema.region.requiredSlot("name")].stringValue ?? "",
                           asOf: asOf, rulesApplied: applied, packs: appliedPacks,
                           subjects: 1 + snapshot.institutions.count + snapshot.coordinationBodies.count,
                           findings: findings, failures: failures, ruleTimings: timings)
    }

    /// Sorts findings as reports list them (by subject, rule, key, then message), stably. Their positions are sorted and
    /// the findings then moved into place: sorting the findings themselves takes a buffer of half of them (6 MB for
    /// 49,000 findings), on top of them all.
    static func sortInReportOrder(_ findings: inout [Finding]) {
        var order = Array(0..<Int32(findings.count))
        findings.withUnsafeBufferPointer { findings in
            // Read in place (a copy of each finding compared would retain a dozen strings).
            order.sort { first, second in
                let (a, b) = (Int(first), Int(second))
                if findings[a].subject.id != findings[b].subject.id { return findings[a].subject.id < findings[b].subject.id }
                if findings[a].ruleID != findings[b].ruleID { return findings[a].ruleID < findings[b].ruleID }
                if findings[a].key ?? "" != findings[b].key ?? "" { return findings[a].key ?? "" < findings[b].key ?? "" }
                return findings[a].message < findings[b].message
            }
        }
        // The finding at `order[k]` goes to `k`: each cycle of the permutation is followed with swaps.
        var placed = [Bool](repeating: false, count: order.count)
        for start in order.indices where !placed[start] {
            placed[start] = true
            var current = start
            var next = Int(order[current])
            while next != start {
                findings.swapAt(current, next)
                placed[next] = true
                current = next
                next = Int(order[current])
            }
        }
    }

    /// Evaluates the rules at `indices` (of `rules`) on `data`: the rules about institutions, persons and events
    /// together, chunk by chunk (`bounds`), and each other rule as a task of its own, in parallel. With
    /// `buildingIndex`, one more task builds the roster index of `data`'s institutions meanwhile. Returns each rule's
    /// outcomes (one per chunk, in institution order, or one) by its index, and the index when built.
    func evaluate(_ indices: [Int], of rules: [Rule], citations: [[CitationSpec]?], data: SnapshotData, bounds: [Int],
                  buildingIndex: Bool, measuringRules: Bool) -> (outcomes: [Int: [RuleOutcome]], index: OrderedRoster?) {
        let local = indices.filter { rules[$0].scope.isPerInstitution }
        let global = indices.filter { !rules[$0].scope.isPerInstitution }
        let chunks = local.isEmpty ? 0 : max(bounds.count - 1, 0)
        let extra = buildingIndex ? 1 : 0
        let engine = self
        let results = workers.map(extra + global.count + chunks) { task -> TaskResult in
            if task < extra { return .index(OrderedRoster(institutions: data.institutions)) }
            // A rule's time is the processor time of the threads that evaluated it, added up over its chunks (as for a
            // streamed audit, see `AuditVisitor.visit`): the chunks run at once, and a wall clock would count the waits.
            if task - extra < global.count {
                let index = global[task - extra]
                let start = measuringRules ? ThreadCPUClock.now() : nil
                var run = RuleRun(rule: rules[index], data: data, citations: citations[index] ?? [],
                                  catalog: engine.ruleSet.catalog, stepLimit: engine.stepLimit)
                run.evaluateAll()
                return .outcomes([RuleOutcome(findings: run.findings, failures: run.failures, duration: start.map { ThreadCPUClock.now() - $0 })])
            }
            let chunk = task - extra - global.count
            let range = bounds[chunk]..<bounds[chunk + 1]
            var runs = local.map { RuleRun(rule: rules[$0], data: data, citations: citations[$0] ?? [],
                                           catalog: engine.ruleSet.catalog, stepLimit: engine.stepLimit) }
            var durations = [Duration](repeating: .zero, count: runs.count)
            // The institutions are read in place: `data` keeps them alive and unmoved.
            data.institutions.withUnsafeBufferPointer { institutions in
                guard let base = institutions.baseAddress else { return }
                if measuringRules {
                    // Rule by rule over the chunk, so that the clock is read twice per rule and chunk rather than
                    // around every rule on every institution. Each rule still sees the institutions in order, so
                    // the findings are the same.
                    for index in runs.indices {
                        let start = ThreadCPUClock.now()
                        for position in range { runs[index].evaluate(institution: base + position) }
                        durations[index] += ThreadCPUClock.now() - start
                    }
                } else {
                    for position in range {
                        for index in runs.indices { runs[index].evaluate(institution: base + position) }
                    }
                }
            }
            return .outcomes(runs.indices.map { RuleOutcome(findings: runs[$0].findings, failures: runs[$0].failures,
                                                            duration: measuringRules ? durations[$0] : nil) })
        }
        var outcomes: [Int: [RuleOutcome]] = [:]
        var index: OrderedRoster?
        for (task, result) in results.enumerated() {
            switch result {
            case .index(let built):
                index = built
            case .outcomes(let parts) where task - extra < global.count:
                outcomes[global[task - extra]] = parts
            case .outcomes(let parts):
                for (position, rule) in local.enumerated() { outcomes[rule, default: []].append(parts[position]) }
            }
        }
        return (outcomes, index)
    }

    /// Into how many chunks `count` institutions are cut: a few per worker, so that a worker that finishes early takes
    /// another, but not so small that setting up each chunk's rule runs costs more than evaluating it (a county of a
    /// hundred institutions is one or two chunks). At least 64 institutions per chunk, or one chunk per worker.
    static func chunkCount(_ count: Int, workers: Int) -> Int {
        max(min(workers, count), min(workers * 8, count / 64))
    }

    /// Where chunks of institutions with these weights begin: `chunks + 1` positions from 0 to `weights.count`, the
    /// institutions between two of them a contiguous chunk of about the same total weight as the others (a chunk is
    /// never empty while there are at least as many institutions as chunks).
    static func chunkBounds(weights: [Int], chunks: Int) -> [Int] {
        let total = weights.reduce(0, +)
        var bounds = [0]
        var position = 0
        var sum = 0
        for chunk in 1..<max(chunks, 1) {
            let target = total * chunk / chunks
            // Leave at least one institution for each chunk still to come.
            let last = weights.count - (chunks - chunk)
            while position < last, position < bounds[chunk - 1] + 1 || sum + weights[position] / 2 <= target {
                sum += weights[position]
                position += 1
            }
            bounds.append(position)
        }
        bounds.append(weights.count)
        return bounds
    }

    /// How much work an institution is for the rules about institutions, persons and events: one, and one per
    /// person on its roster and per event.
    static func weight(_ institution: Value) -> Int {
        guard case .record(let record) = institution else { return 1 }
        return 1 + (record[RuleRun.staff].listValue?.count ?? 0) + (record[RuleRun.events].listValue?.count ?? 0)
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

/// What one task of an audit produced: what it found for its rules, or the roster index.
private enum TaskResult: Sendable {
    case outcomes([RuleOutcome])
    case index(OrderedRoster)
}

/// What one task found for one rule.
struct RuleOutcome: Sendable {
    var findings: [Finding]
    var failures: [EvaluationFailure]
    var duration: Duration?
}

extension RuleScope {
    /// Whether a subject of this scope belongs to one institution (the institution itself, a person on its roster, one of its events).
    var isPerInstitution: Bool { self == .institution || self == .person || self == .event }
}

/// Snapshot-wide values shared by every rule: lists, indexes, exemptions.
struct SnapshotData: Sendable {
    let snapshot: Snapshot
    let context: EvalContext
    let institutions: [Value]
    let bodies: [Value]
    let roster: [Value]
    let exemptions: Exemptions

    /// `needsRosterList`: some rule reads `roster`. The roster index (`rosters_of`) is not built here (see `indexed(by:)`).
    init(_ snapshot: Snapshot, needsRosterList: Bool) {
        self.snapshot = snapshot
        institutions = snapshot.institutions
        bodies = snapshot.coordinationBodies
        let byID = SnapshotData.byID(institutions)
        // The roster's rows are made only for rules that read them all; the index keeps their places, and makes
        // the rows of one person when `rosters_of` asks.
        roster = needsRosterList ? EvalContext.rosterEntries(of: institutions) : []
        context = EvalContext(institutionsByID: byID, rosterByPerson: [:])
        exemptions = Exemptions(snapshot)
    }

    /// The institutions by id (the first of each id).
    static func byID(_ institutions: [Value]) -> [String: Record] {
        let idSlot = SnapshotSchema.institution.requiredSlot("id")
        var byID: [String: Record] = [:]
        byID.reserveCapacity(institutions.count)
        for value in institutions {
            guard let institution = value.recordValue else { continue }
            if let id = institution[idSlot].stringValue, byID[id] == nil { byID[id] = institution }
        }
        return byID
    }

    /// The values, with the roster index built now when `needsRosterIndex` (for one rule, as `explain` evaluates).
    init(_ snapshot: Snapshot, needsRosterIndex: Bool, needsRosterList: Bool) {
        let data = SnapshotData(snapshot, needsRosterList: needsRosterList)
        self = needsRosterIndex ? data.indexed(by: OrderedRoster(institutions: data.institutions)) : data
    }

    private init(_ other: SnapshotData, context: EvalContext) {
        snapshot = other.snapshot
        institutions = other.institutions
        bodies = other.bodies
        roster = other.roster
        exemptions = other.exemptions
        self.context = context
    }

    /// The same values, with look-ups answered by `context` instead.
    func answering(with context: EvalContext) -> SnapshotData {
        SnapshotData(self, context: context)
    }

    /// The same values, with `rosters_of` answered from `index` (built from `institutions`). Person rules visit
    /// the roster in the index's order, so `rosters_of(it.id)` mostly finds the next person without hashing.
    func indexed(by index: OrderedRoster) -> SnapshotData {
        SnapshotData(self, context: EvalContext(institutionsByID: context.institutionsByID, roster: index))
    }
}
