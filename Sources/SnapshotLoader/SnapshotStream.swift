import Foundation
import Schema
import WorkerPool
import YAMLLoader

/// Is handed the institutions of a streamed snapshot, one file at a time, while they are whole (see
/// `SnapshotLoader.stream`). One visitor sees a run of consecutive files, in order, on one thread.
public protocol InstitutionVisitor: SendableMetatype {
    associatedtype Output: Sendable
    /// The institutions of the file at `file` (its index in the snapshot's `files`), in file order.
    mutating func visit(_ institutions: [Value], file: Int32)
    /// What the visitor gathered, once its files are done.
    func finish() -> Output
}

/// A snapshot read as a stream: its institutions reduced to what `projection` keeps, and what the visitors gathered
/// from them while they were whole.
public struct StreamedSnapshot<Output: Sendable>: Sendable {
    /// The snapshot, its institutions projected (their rosters and events, unless kept, are gone).
    public var snapshot: Snapshot
    /// What each visitor returned, in the order of their files.
    public var outputs: [Output]
    /// What the parts the visitors were told of are: a folder's files, or batches of one file's institutions.
    public var layout: StreamLayout
}

/// The parts of a streamed snapshot, as the visitors were told of them (see `SnapshotLoader.institutions(ofParts:in:)`).
public struct StreamLayout: Sendable {
    enum Parts: Sendable {
        /// A folder's files: a part is an index into the snapshot's `files`.
        case files
        /// One file's institutions, in batches.
        case batches(FileBatches)
        /// One file's institutions, in runs of lines parsed on their own (see `FileSplit`).
        case chunks(FileChunks)
    }

    let parts: Parts
}

extension SnapshotLoader {
    /// Reads the snapshot at `path` as a stream: a folder file by file (`stream(folder:start:)`), one file in runs of its
    /// lines parsed on the workers (`stream(splitFile:start:)`) or, when its lines cannot be split, in batches of
    /// institutions as one thread parses it (`stream(file:start:)`). Nil when it cannot be streamed: load it in full then.
    public func stream<Visitor: InstitutionVisitor>(
        path: String, start: @escaping (Snapshot) -> (projection: RecordProjection, makeVisitor: @Sendable () -> Visitor)?
    ) -> StreamedSnapshot<Visitor.Output>? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return stream(folder: path, start: start) }
        if splitsFiles, let split = stream(splitFile: path, start: start) { return split }
        return stream(file: path, start: start)
    }

    /// The institutions of some parts of a snapshot that streamed, read again in full: for each part the visitors were
    /// told of, its institutions. Nil if a part no longer reads as it did.
    public func institutions<Output>(ofParts parts: [Int], in streamed: StreamedSnapshot<Output>) -> [[Value]]? {
        switch streamed.layout.parts {
        case .files:
            return institutions(ofFiles: parts, in: streamed.snapshot)
        case .batches(let batches):
            guard let path = streamed.snapshot.files.first else { return nil }
            return institutions(in: batches.ranges(of: parts), batches, path: path, plans: DecodingPlans())
        case .chunks(let chunks):
            guard let path = streamed.snapshot.files.first else { return nil }
            return institutions(ofChunks: parts, chunks, path: path)
        }
    }
}

extension SnapshotLoader {
    /// Reads a folder snapshot file by file on the workers, hands each file's institutions to a visitor while they are
    /// whole, and keeps of them only what a projection keeps: the memory held grows with the projections, not with the
    /// rosters. `start` is given the snapshot as far as `region.yaml` has it (date, region, coordination bodies,
    /// exemptions, and every file's path in `files`); it returns the projection and how to make a visitor for a run of
    /// files, or nil to stream nothing.
    ///
    /// Returns nil, having kept nothing, when the snapshot cannot be streamed: it is not a folder, a file is not one the
    /// fast path reads (so not valid, as far as it knows), the checks across records fail, or `start` said no. The caller
    /// then loads the snapshot in full (`load(path:)`), which reports every problem with its location. A snapshot that
    /// streams is one `load(path:)` loads without a diagnostic, with the same records before projection.
    public func stream<Visitor: InstitutionVisitor>(
        folder path: String, start: (Snapshot) -> (projection: RecordProjection, makeVisitor: @Sendable () -> Visitor)?
    ) -> StreamedSnapshot<Visitor.Output>? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        guard let (files, unlistable) = SnapshotLoader.folderFiles(path), unlistable.isEmpty else { return nil }
        let plans = DecodingPlans()
        guard var root = FileDecoding.fast(path: files[0], fileIndex: 0, root: true, plans: plans, limits: limits)?.first else { return nil }
        let inline = root[Slots.institutions].listValue ?? []
        root[Slots.institutions] = .list([])
        let header = Snapshot(root: root, files: files, path: path)
        guard let (projection, makeVisitor) = start(header) else { return nil }
        let facts = FileFacts(asOf: header.asOf, exemptionSubjects: Set(header.exemptions.compactMap {
            $0.recordValue?[Slots.exemptionSubject].stringValue
        }))
        let limits = self.limits
        // A few runs of files per worker, so that one that finishes early takes another.
        let runs = files.count <= 1 ? 0 : max(min(workers.workers, files.count - 1), min(workers.workers * 8, (files.count - 1) / 16))
        let bounds = (0...runs).map { 1 + (files.count - 1) * $0 / max(runs, 1) }
        var first = makeVisitor()
        var inlineFacts = CrossChecks.RosterFacts()
        facts.gather(inline, into: &inlineFacts)
        first.visit(inline, file: 0)
        let inlineProjected = inline.map { projection.project($0) }
        let results = workers.map(runs) { run -> RunResult<Visitor.Output>? in
            var visitor = makeVisitor()
            var gathered = CrossChecks.RosterFacts()
            var projected: [Value] = []
            for file in bounds[run]..<bounds[run + 1] {
                guard let records = FileDecoding.fast(path: files[file], fileIndex: Int32(file), root: false, plans: plans,
                                                      limits: limits) else { return nil }
                let institutions = records.map { Value.record($0) }
                facts.gather(institutions, into: &gathered)
                visitor.visit(institutions, file: Int32(file))
                projected.append(contentsOf: institutions.lazy.map { projection.project($0) })
            }
            return RunResult(output: visitor.finish(), institutions: projected, facts: gathered)
        }

        let inlineResult = RunResult(output: first.finish(), institutions: inlineProjected, facts: inlineFacts)
        guard let (snapshot, outputs) = RunResult.assemble([inlineResult] + results, root: root, files: files, path: path) else { return nil }
        return StreamedSnapshot(snapshot: snapshot, outputs: outputs, layout: StreamLayout(parts: .files))
    }
}

extension SnapshotLoader {
    /// The institutions of some files of a folder snapshot that streamed (see `stream`), read again in full: for each
    /// index into `snapshot.files`, that file's institutions. Nil if a file no longer reads as it did.
    func institutions(ofFiles indices: [Int], in snapshot: Snapshot) -> [[Value]]? {
        let plans = DecodingPlans()
        let limits = self.limits
        let files = snapshot.files
        let read = workers.map(indices.count) { position -> [Value]? in
            let index = indices[position]
            guard index < files.count, let records = FileDecoding.fast(path: files[index], fileIndex: Int32(index), root: index == 0,
                                                                      plans: plans, limits: limits) else { return nil }
            return index == 0 ? records.first?[Slots.institutions].listValue ?? [] : records.map { .record($0) }
        }
        var result: [[Value]] = []
        for institutions in read {
            guard let institutions else { return nil }
            result.append(institutions)
        }
        return result
    }
}

/// What one worker's run of files (or of a split file's lines) gave.
struct RunResult<Output: Sendable>: Sendable {
    var output: Output
    var institutions: [Value]
    var facts: CrossChecks.RosterFacts

    /// The runs' results put together in order: the snapshot whose top-level record is `root` with the runs' (projected)
    /// institutions, checked across records, and what each run's visitor gathered. Nil when a run gave nothing or the
    /// checks fail.
    static func assemble(_ results: [RunResult?], root: Record, files: [String], path: String) -> (snapshot: Snapshot, outputs: [Output])? {
        var outputs: [Output] = []
        var institutions: [Value] = []
        var rosterFacts = CrossChecks.RosterFacts()
        for result in results {
            guard let result else { return nil }
            outputs.append(result.output)
            institutions.append(contentsOf: result.institutions)
            rosterFacts.merge(result.facts)
        }
        var root = root
        root[Slots.institutions] = .list(institutions)
        let snapshot = Snapshot(root: root, files: files, path: path)
        var checks = CrossChecks(snapshot: snapshot, rosterFacts: rosterFacts)
        checks.run()
        guard checks.errors.isEmpty else { return nil }
        return (snapshot, outputs)
    }
}

/// The checks of `CrossChecks` that read rosters and events, done on each file's institutions while they are whole.
struct FileFacts: Sendable {
    let asOf: CivilDate
    let exemptionSubjects: Set<String>

    /// The persons are read in place (copying each one's record out of the list retained and released it per person).
    func gather(_ institutions: [Value], into facts: inout CrossChecks.RosterFacts) {
        let (staffSlot, workingAtSlot, secondedSinceSlot, idSlot) = (Slots.staff, Slots.workingAt, Slots.secondedSince, Slots.personID)
        for value in institutions {
            guard let institution = value.recordValue else { continue }
            if case .list(let staff) = institution[staffSlot] {
                staff.withUnsafeBufferPointer { persons in
                    for place in persons.indices {
                        guard case .record(let person) = persons[place] else { continue }
                        if case .string(let workingAt) = person[workingAtSlot] { facts.workingAt.append(workingAt) }
                        if case .date(let since) = person[secondedSinceSlot], since > asOf { facts.hasErrors = true }
                        if !exemptionSubjects.isEmpty, case .string(let id) = person[idSlot], exemptionSubjects.contains(id) {
                            facts.exemptedPersons.insert(id)
                        }
                    }
                }
            }
            for event in institution[Slots.events].listValue ?? [] {
                guard let steps = event.recordValue?[Slots.eventSteps].recordValue else { continue }
                if !CrossChecks.stagesOutOfOrder(steps).isEmpty { facts.hasErrors = true }
            }
        }
    }
}

extension RecordProjection {
    /// A projection of institutions that keeps `fields` (record type name → slots) and what the loader's own checks
    /// across records read of every institution once a stream is read (its id, parent, and dates of establishment and
    /// abolition): what any `stream` must be given.
    public static func institutions(keeping fields: [String: Set<Int>]) -> RecordProjection {
        var kept = fields
        for name in ["id", "parent", "established", "abolished"] {
            kept[SnapshotSchema.institution.name, default: []].insert(SnapshotSchema.institution.requiredSlot(name))
        }
        return RecordProjection(root: SnapshotSchema.institution, keeping: kept)
    }

    /// An institution, projected.
    func project(_ institution: Value) -> Value {
        guard case .record(let record) = institution else { return institution }
        return .record(apply(record, as: SnapshotSchema.institution))
    }
}
