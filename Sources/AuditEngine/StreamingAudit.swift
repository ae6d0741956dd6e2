import Catalog
import RuleLanguage
import RuleSet
import Schema
import SnapshotLoader
import Statistics
import WorkerPool

/// A snapshot audited as it is read, so that memory does not grow with the rosters: each file's institutions are
/// evaluated while they are whole, then only a projection of them is kept, with the findings. (A snapshot that is one
/// file is read in batches of institutions: "a file" below is then one batch.)
///
/// - The rules of an institution, a person or an event that read nothing beyond their subject, its institution, the
///   region and the date are evaluated on each file's institutions as the file is read.
/// - The rules that also look an institution up by id (`institution(…)`), and the person rules that look up the
///   subject's own rows on every roster (`rosters_of(it.id)`), are evaluated there too, each file as if it were the whole
///   snapshot. Each person's id is kept as a 64-bit hash. Such a file is read again at the end, and its findings for these
///   rules replaced, when a look-up in it found no institution (it may be in another file), or when a person on its roster
///   has a hash met more than once (the person may be on another file's roster too). Then institutions are looked up
///   among all of them, projected (the projection keeps what these rules read), and `rosters_of` answers with the rows
///   of all the files read again, which hold all the rows of those persons. For any other file, the file's answers were
///   the whole snapshot's.
/// - The rules of the region and of coordination bodies are evaluated at the end on the projected institutions, which
///   keep every field these rules read (and ids and names).
///
/// - Exemptions that come after the institutions in a snapshot file are applied to what was found before, at the end.
///
/// The report is the one `audit` makes of the snapshot loaded in full. When a rule fits none of the above (it reads
/// all the institutions or the whole roster for each institution, say), nothing is streamed.
extension AuditEngine {
    /// What a streamed audit gives.
    public struct StreamedAudit: Sendable {
        public var report: AuditReport
        /// The snapshot as kept: its institutions projected, without their rosters or events.
        public var snapshot: Snapshot
        /// The time spent evaluating rules: on the workers while the files were read (their processor time, added up), then
        /// at the end (wall time, on this thread and its workers). Not the time reading files a second time (`reread`).
        public var evaluation: Duration
        /// How many files were read a second time (for persons whose id was met more than once).
        public var filesReadAgain: Int
        /// The time spent reading those files again (parsing and decoding them, not evaluating rules on them).
        public var reread: Duration
        /// The snapshot's own date (`snapshot` and the report carry the date it was audited as of).
        public var dataDate: CivilDate
        /// The staffing statistics on the audit's date, tallied as the files were read, when asked for.
        public var statistics: StaffingStatistics?
    }

    /// Audits the snapshot at `path` as it is read (see above); `asOf` replaces the snapshot's date, `rules` restricts
    /// the run to some rule ids; with `statistics`, the staffing statistics are tallied too (for the reports that show them),
    /// on the audit's date. Nil when the snapshot or the rules do not allow streaming, or the snapshot has any problem:
    /// load it in full then (`SnapshotLoader.load`), which says where.
    ///
    /// A folder is read file by file; one file is read in batches of institutions, which play the part of the files
    /// above (`SnapshotLoader.stream(file:start:)`).
    public func auditStreaming(path: String, loader: SnapshotLoader, asOf: CivilDate? = nil, only rules: Set<String>? = nil,
                               measuringRules: Bool = false, statistics: Bool = false) -> StreamedAudit? {
        var planned: StreamPlan?
        let streamed = loader.stream(path: path) { header -> (projection: RecordProjection, makeVisitor: @Sendable () -> AuditVisitor)? in
            guard let plan = StreamPlan(engine: self, header: asOf.map { header.with(asOf: $0) } ?? header, only: rules,
                                        measuringRules: measuringRules, statistics: statistics) else { return nil }
            planned = plan
            return (plan.projection, { AuditVisitor(plan: plan) })
        }
        guard var streamed, let plan = planned else { return nil }
        let clock = ContinuousClock()
        let finishing = clock.now
        var parts: [Int: [RuleOutcome]] = [:]
        for output in streamed.outputs {
            for (position, rule) in plan.local.enumerated() { parts[rule, default: []].append(output.local[position]) }
        }

        // The rules evaluated file by file with look-ups: the files where an answer may have been wrong are evaluated again.
        var filesReadAgain = 0
        var reread = Duration.zero
        if !plan.speculative.isEmpty {
            var byFile: [Int32: [RuleOutcome]] = [:]
            for output in streamed.outputs {
                for outcome in output.speculative { byFile[outcome.file] = outcome.rules }
            }
            let suspects = Set(AuditVisitor.filesWithRepeatedPersons(streamed.outputs))
                .union(streamed.outputs.flatMap(\.missedLookups)).sorted()
            if !suspects.isEmpty {
                let reading = clock.now
                guard let institutions = loader.institutions(ofParts: suspects.map { Int($0) }, in: streamed) else { return nil }
                reread = clock.now - reading
                filesReadAgain = suspects.count
                let byID = plan.looksUp ? SnapshotData.byID(streamed.snapshot.institutions) : [:]
                let context = plan.usesRoster ? EvalContext(institutionsByID: byID, roster: OrderedRoster(institutions: institutions.flatMap { $0 }))
                    : EvalContext(institutionsByID: byID, rosterByPerson: [:])
                let data = plan.data.answering(with: context)
                for (position, file) in suspects.enumerated() {
                    byFile[file] = plan.evaluateSpeculative(institutions[position], data: data).outcome.rules
                }
            }
            // In file order, which is institution order.
            for (_, outcomes) in byFile.sorted(by: { $0.key < $1.key }) {
                for (position, rule) in plan.speculative.enumerated() { parts[rule, default: []].append(outcomes[position]) }
            }
        }
        // A file with no institutions gives no visitor anything: its statistics are those of no institution.
        var tally = plan.tallies ? StaffingStatistics.Tally(asOf: plan.data.snapshot.asOf) : nil
        tally?.append(contentsOf: streamed.outputs.compactMap(\.tally))
        // The visitors' outcomes are in `parts` now: the rest of what they gathered (a hash per person) is freed, and
        // their findings are the report's alone, moved into it rule by rule.
        let streamingEvaluation = streamed.outputs.reduce(Duration.zero) { $0 + $1.evaluation }
        streamed.outputs = []
        FreeMemory.returnToSystem()

        // The rules of the region and of coordination bodies, on the projected institutions.
        let dataDate = streamed.snapshot.asOf
        let snapshot = asOf.map { streamed.snapshot.with(asOf: $0) } ?? streamed.snapshot
        // A file's exemptions may come after its institutions: then they are applied to what was found meanwhile now.
        let exemptions = Exemptions(snapshot)
        if plan.data.exemptions.isEmpty, !exemptions.isEmpty {
            // Each rule's outcomes taken out, changed in place and put back: no copy of the findings.
            for rule in Array(parts.keys) {
                guard var outcomes = parts.removeValue(forKey: rule) else { continue }
                for position in outcomes.indices {
                    exemptions.apply(to: &outcomes[position].findings, rule: plan.selected[rule], citations: plan.scheduled[rule] ?? [])
                }
                parts[rule] = outcomes
            }
        }
        if !plan.late.isEmpty {
            let data = SnapshotData(snapshot, needsRosterList: false)
            let (late, _) = evaluate(plan.late, of: plan.selected, citations: plan.scheduled, data: data, bounds: [],
                                     buildingIndex: false, measuringRules: measuringRules)
            parts.merge(late) { a, _ in a }
        }
        let evaluation = (clock.now - finishing) - reread + streamingEvaluation
        let report = report(on: snapshot, rules: plan.selected, citations: plan.scheduled, applying: plan.applying, parts: consume parts,
                            measuringRules: measuringRules)
        return StreamedAudit(report: report, snapshot: snapshot, evaluation: evaluation, filesReadAgain: filesReadAgain, reread: reread,
                             dataDate: dataDate, statistics: tally.map { StaffingStatistics(region: snapshot.region, tally: $0) })
    }
}

/// Which rules a streamed audit evaluates where, and what it keeps of the institutions.
final class StreamPlan: Sendable {
    let engine: AuditEngine
    /// The snapshot as far as `region.yaml` has it, on the audit's date: what every rule evaluated while streaming reads.
    let data: SnapshotData
    let selected: [Rule]
    let scheduled: [[CitationSpec]?]
    let applying: [Int]
    /// Rules evaluated on each institution as it is read.
    let local: [Int]
    /// Rules with look-ups, evaluated on each file as if it were the whole snapshot first (see `AuditEngine.auditStreaming`).
    let speculative: [Int]
    /// Whether some of them look institutions up, or use `rosters_of`.
    let looksUp: Bool
    let usesRoster: Bool
    /// Rules of the region and of coordination bodies, evaluated at the end.
    let late: [Int]
    let projection: RecordProjection
    let measuringRules: Bool
    /// Whether the visitors tally the staffing statistics.
    let tallies: Bool

    /// Nil when a rule that applies can be evaluated neither on one institution nor on the projected snapshot.
    init?(engine: AuditEngine, header: Snapshot, only rules: Set<String>?, measuringRules: Bool, statistics: Bool) {
        let code = header.region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? ""
        let selected = engine.ruleSet.activeRules(forRegion: code).filter { rules?.contains($0.id) ?? true }
        let scheduled = selected.map { engine.citationsInForce($0, on: header.asOf) }
        let applying = selected.indices.filter { scheduled[$0] != nil }
        var local: [Int] = []
        var speculative: [Int] = []
        var late: [Int] = []
        var kept: [String: Set<Int>] = [:]
        for index in applying {
            let rule = selected[index]
            if rule.scope.isPerInstitution, !rule.readsAllSubjects, !rule.looksUpInstitutions, !rule.usesRoster {
                local.append(index)
            } else if rule.scope.isPerInstitution, !rule.readsAllSubjects, !rule.usesRoster || (rule.scope == .person && rule.rostersOfOwnIDOnly) {
                speculative.append(index)
                // What an institution looked up in another file is read of: its projection.
                if rule.looksUpInstitutions {
                    for field in rule.fieldsRead { kept[field.record, default: []].insert(field.slot) }
                }
            } else if !rule.scope.isPerInstitution, !rule.usesRoster {
                late.append(index)
                for field in rule.fieldsRead { kept[field.record, default: []].insert(field.slot) }
            } else {
                return nil
            }
        }
        self.engine = engine
        data = SnapshotData(header, needsRosterList: false)
        self.selected = selected
        self.scheduled = scheduled
        self.applying = applying
        self.local = local
        self.speculative = speculative
        looksUp = speculative.contains { selected[$0].looksUpInstitutions }
        usesRoster = speculative.contains { selected[$0].usesRoster }
        self.late = late
        projection = RecordProjection.institutions(keeping: kept)
        self.measuringRules = measuringRules
        tallies = statistics
    }

    func run(_ index: Int, on data: SnapshotData) -> RuleRun {
        RuleRun(rule: selected[index], data: data, citations: scheduled[index] ?? [], catalog: engine.ruleSet.catalog,
                stepLimit: engine.stepLimit)
    }

    /// The speculative rules evaluated on `institutions`, with look-ups answered by `data`; and whether an institution
    /// looked up was not found.
    func evaluateSpeculative(_ institutions: [Value], data: SnapshotData) -> (outcome: FileOutcome, missed: Bool) {
        var runs = speculative.map { run($0, on: data) }
        return evaluateSpeculative(institutions, runs: &runs)
    }

    /// The same, with `runs` (one per speculative rule, made by `run`) made to answer from `data` first.
    func evaluateSpeculative(_ institutions: [Value], reusing runs: inout [RuleRun], data: SnapshotData) -> (outcome: FileOutcome, missed: Bool) {
        for index in runs.indices { _ = runs[index].restart(answeringWith: data) }
        return evaluateSpeculative(institutions, runs: &runs)
    }

    private func evaluateSpeculative(_ institutions: [Value], runs: inout [RuleRun]) -> (outcome: FileOutcome, missed: Bool) {
        var durations = [Duration](repeating: .zero, count: runs.count)
        institutions.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // Each rule's share is read on the cheap clock (two reads per rule and file; see `AuditVisitor.visit`).
            for index in runs.indices {
                let start = measuringRules ? MonotonicClock.now() : nil
                for position in buffer.indices { runs[index].evaluate(institution: base + position) }
                if let start { durations[index] += MonotonicClock.now() - start }
            }
        }
        let missed = runs.contains { $0.lookupMissed }
        // What was found is taken out, and the runs answer from the plan's data again: the file's look-ups (its
        // institutions, its roster index) are not kept alive until the next file.
        let outcome = FileOutcome(file: -1, rules: runs.indices.map { index in
            let (findings, failures) = runs[index].restart(answeringWith: data)
            return RuleOutcome(findings: findings, failures: failures, duration: measuringRules ? durations[index] : nil)
        })
        return (outcome, missed)
    }

    /// The look-ups of the speculative rules, answered by the institutions of one file.
    func fileData(_ institutions: [Value]) -> SnapshotData {
        let byID = looksUp ? SnapshotData.byID(institutions) : [:]
        return data.answering(with: usesRoster ? EvalContext(institutionsByID: byID, roster: OrderedRoster(institutions: institutions))
                                               : EvalContext(institutionsByID: byID, rosterByPerson: [:]))
    }
}

/// What the speculative rules found in one file.
struct FileOutcome: Sendable {
    var file: Int32
    /// One per speculative rule.
    var rules: [RuleOutcome]

    var isEmpty: Bool { rules.allSatisfy { $0.findings.isEmpty && $0.failures.isEmpty && $0.duration == nil } }
}

/// Evaluates a run of files as they are read (see `AuditEngine.auditStreaming`).
struct AuditVisitor: InstitutionVisitor {
    struct Output: Sendable {
        /// One per local rule.
        var local: [RuleOutcome]
        /// The files where the speculative rules found something.
        var speculative: [FileOutcome]
        /// The files where an institution looked up was not found.
        var missedLookups: [Int32]
        /// The hashes of the ids of the persons on the files' rosters, and where each file's end in that list.
        var personHashes: ChunkedHashes
        var fileEnds: [(file: Int32, end: Int)]
        var evaluation: Duration
        /// The staffing statistics of the visitor's files, when the plan tallies them.
        var tally: StaffingStatistics.Tally?
    }

    let plan: StreamPlan
    private var runs: [RuleRun]
    /// The speculative rules, made once and answering from each file in turn (see `StreamPlan.evaluateSpeculative`).
    private var speculativeRuns: [RuleRun]
    private var durations: [Duration]
    private var speculative: [FileOutcome] = []
    private var missedLookups: [Int32] = []
    private var personHashes = ChunkedHashes()
    private var fileEnds: [(file: Int32, end: Int)] = []
    private var evaluation = Duration.zero
    private var tally: StaffingStatistics.Tally?

    init(plan: StreamPlan) {
        self.plan = plan
        runs = plan.local.map { plan.run($0, on: plan.data) }
        speculativeRuns = plan.speculative.map { plan.run($0, on: plan.data) }
        durations = Array(repeating: .zero, count: runs.count)
        if plan.tallies { tally = StaffingStatistics.Tally(asOf: plan.data.snapshot.asOf) }
    }

    /// The time is the thread's processor time (`ThreadCPUClock`): the visitors of several threads, and the thread that
    /// parses, share the cores, and a wall clock would also count the time this thread waited for one.
    mutating func visit(_ institutions: [Value], file: Int32) {
        let start = ThreadCPUClock.now()
        institutions.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            if plan.measuringRules {
                // Each rule's share on the cheap wall clock: two reads per rule and file, and the bundled county has 63
                // files and 52 rules; on the processor-time clock (a system call each) they added about a quarter to
                // the evaluation they measured. The visit as a whole is still timed on the processor-time clock.
                for index in runs.indices {
                    let start = MonotonicClock.now()
                    for position in buffer.indices { runs[index].evaluate(institution: base + position) }
                    durations[index] += MonotonicClock.now() - start
                }
            } else {
                for position in buffer.indices {
                    for index in runs.indices { runs[index].evaluate(institution: base + position) }
                }
            }
        }
        if !plan.speculative.isEmpty, !institutions.isEmpty {
            if plan.usesRoster {
                personHashes.append(contentsOf: PersonHash.of(institutions).hashes)
                fileEnds.append((file, personHashes.count))
            }
            var (outcome, missed) = plan.evaluateSpeculative(institutions, reusing: &speculativeRuns, data: plan.fileData(institutions))
            outcome.file = file
            if !outcome.isEmpty { speculative.append(outcome) }
            if missed { missedLookups.append(file) }
        }
        evaluation += ThreadCPUClock.now() - start
        tally?.add(institutions)
        // The records of these institutions are freed by the reader once they are projected, not at the next batch.
        for index in runs.indices { runs[index].forgetLists() }
    }

    func finish() -> Output {
        Output(local: runs.indices.map {
                   RuleOutcome(findings: runs[$0].findings, failures: runs[$0].failures, duration: plan.measuringRules ? durations[$0] : nil)
               },
               speculative: speculative, missedLookups: missedLookups, personHashes: personHashes, fileEnds: fileEnds, evaluation: evaluation,
               tally: tally)
    }

    /// The files (in order) with a person whose id's hash is met more than once in all the files: that person may be on
    /// more than one file's roster.
    ///
    /// The hashes are sorted a sixteenth of their range at a time: a sorted copy of all of them at once would take as
    /// much memory as they do (24 MB for 3 million persons), when every projection and finding is held; they are kept in
    /// chunks (`ChunkedHashes`) for the same reason.
    static func filesWithRepeatedPersons(_ outputs: [Output]) -> [Int32] {
        let total = outputs.reduce(0) { $0 + $1.personHashes.count }
        let partBits = total < 1 << 16 ? 0 : 4
        var part: [UInt64] = []
        part.reserveCapacity((total >> partBits) + (total >> (partBits + 2)) + 16)
        var repeated: Set<UInt64> = []
        for partIndex in 0..<UInt64(1 << partBits) {
            part.removeAll(keepingCapacity: true)
            for output in outputs {
                output.personHashes.forEach { hash in
                    if partBits == 0 || hash >> (64 - partBits) == partIndex { part.append(hash) }
                }
            }
            part.sort()
            var position = 1
            while position < part.count {
                if part[position] == part[position - 1] { repeated.insert(part[position]) }
                position += 1
            }
        }
        guard !repeated.isEmpty else { return [] }
        var files: [Int32] = []
        for output in outputs {
            var start = 0
            for (file, end) in output.fileEnds {
                if output.personHashes.contains(in: start..<end, where: { repeated.contains($0) }) { files.append(file) }
                start = end
            }
        }
        return files
    }
}
