import Foundation
import Schema
import WorkerPool
import YAMLLoader

extension SnapshotLoader {
    /// Reads a snapshot that is one file as a stream: its institutions are cut into batches of about the same work as
    /// they are decoded, each batch handed to a visitor on a worker while it is whole, then projected; as for a folder
    /// (`stream(folder:start:)`), what is held grows with the projections, not with the rosters. A batch plays the part
    /// of a folder's file: the visitors are told its index, and `institutions(ofParts:in:)` reads it again.
    ///
    /// The file must give `as_of` and `region` before its institutions (the header `start` is given then; the
    /// coordination bodies and exemptions are in it only if they come before the institutions too). Nil, having kept
    /// nothing, when it does not, when the file is not one the fast path reads, when the checks across records fail, or
    /// when `start` said no: the caller then loads the file in full (`load(path:)`), which says where any problem is.
    public func stream<Visitor: InstitutionVisitor>(
        file path: String, start: @escaping (Snapshot) -> (projection: RecordProjection, makeVisitor: @Sendable () -> Visitor)?
    ) -> StreamedSnapshot<Visitor.Output>? {
        guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size <= limits.maxFileSize else {
            return nil
        }
        let plans = DecodingPlans()
        guard var decoder = StreamingDecoder(path: path, fileIndex: 0, plans: plans,
                                             prefetch: workers.workers > 1 && size >= FileDecoding.prefetchFrom) else { return nil }
        let tasks = TaskQueue<BatchResult<Visitor.Output>>(workers: workers, inFlight: workers.workers + 1)
        var headerExemptions: Set<String> = []
        let batcher = InstitutionBatcher(
            weight: batchWeight,
            begin: { root in
                let header = Snapshot(root: root, files: [path], path: path)
                guard let (projection, makeVisitor) = start(header) else { return nil }
                let facts = FileFacts(asOf: header.asOf, exemptionSubjects: Set(header.exemptions.compactMap {
                    $0.recordValue?[Slots.exemptionSubject].stringValue
                }))
                headerExemptions = facts.exemptionSubjects
                // Without the exemptions yet, which persons they name is not known: each person's id is kept as a hash.
                let hashingPersons = header.exemptions.isEmpty
                return { institutions, batch in
                    tasks.submit {
                        var visitor = makeVisitor()
                        var gathered = CrossChecks.RosterFacts()
                        facts.gather(institutions, into: &gathered)
                        visitor.visit(institutions, file: Int32(batch))
                        return BatchResult(output: visitor.finish(), institutions: institutions.map { projection.project($0) },
                                           facts: gathered, personHashes: hashingPersons ? PersonHash.of(institutions) : [])
                    }
                }
            })
        decoder.batcher = batcher
        let decoded = try? decoder.decodeSnapshot()
        let results = tasks.finish()
        guard var root = decoded, let batches = batcher.layout else { return nil }

        var outputs: [Visitor.Output] = []
        var institutions: [Value] = []
        var rosterFacts = CrossChecks.RosterFacts()
        for result in results {
            outputs.append(result.output)
            institutions.append(contentsOf: result.institutions)
            rosterFacts.exemptedPersons.formUnion(result.facts.exemptedPersons)
            rosterFacts.workingAt.append(contentsOf: result.facts.workingAt)
            rosterFacts.hasErrors = rosterFacts.hasErrors || result.facts.hasErrors
        }
        root[Slots.institutions] = .list(institutions)
        let snapshot = Snapshot(root: root, files: [path], path: path)

        // Exemptions that came after the institutions, naming what may be a person: the batches with a person of that
        // id's hash are read again to see whether one has that id.
        let subjects = Set(snapshot.exemptions.compactMap { $0.recordValue?[Slots.exemptionSubject].stringValue })
        if subjects != headerExemptions {
            let known = Set(institutions.compactMap { $0.recordValue?[Slots.institutionID].stringValue })
                .union(snapshot.coordinationBodies.compactMap { $0.recordValue?[Slots.bodyID].stringValue })
            let regionCode = snapshot.region[Slots.regionCode].stringValue
            let persons = subjects.filter { !known.contains($0) && $0 != regionCode }
            let hashes = Set(persons.map(PersonHash.of))
            let suspects = results.indices.filter { results[$0].personHashes.contains(where: hashes.contains) }
            if !suspects.isEmpty {
                guard let reread = self.institutions(ofBatches: suspects, batches, path: path, plans: plans) else { return nil }
                for institution in reread.joined() {
                    for person in institution.recordValue?[Slots.staff].listValue ?? [] {
                        if let id = person.recordValue?[Slots.personID].stringValue, persons.contains(id) {
                            rosterFacts.exemptedPersons.insert(id)
                        }
                    }
                }
            }
        }

        var checks = CrossChecks(snapshot: snapshot, rosterFacts: rosterFacts)
        checks.run()
        guard checks.errors.isEmpty else { return nil }
        return StreamedSnapshot(snapshot: snapshot, outputs: outputs, layout: StreamLayout(parts: .batches(batches)))
    }

    /// The institutions of some batches of a snapshot file that streamed, read again: only their lines when the file
    /// allows it (each batch begins on a line of its own with the `- ` of its first institution), else the whole file.
    func institutions(ofBatches wanted: [Int], _ batches: FileBatches, path: String, plans: DecodingPlans) -> [[Value]]? {
        if let sliced = batches.lines(of: wanted, in: path, limits: limits).flatMap({ ranges -> [[Value]]? in
            var result: [[Value]] = []
            for (position, batch) in wanted.enumerated() {
                guard var decoder = StreamingDecoder(bytes: ranges[position].bytes, fileIndex: 0, lineOffset: ranges[position].firstLine - 1,
                                                     plans: plans),
                      let records = try? decoder.decodeInstitutions(), records.count == batches.counts[batch] else { return nil }
                result.append(records.map { .record($0) })
            }
            return result
        }) {
            return sliced
        }
        guard let root = FileDecoding.fast(path: path, fileIndex: 0, root: true, plans: plans, limits: limits)?.first,
              let all = root[Slots.institutions].listValue, all.count == batches.counts.reduce(0, +) else { return nil }
        var starts: [Int] = [0]
        for count in batches.counts { starts.append(starts[starts.count - 1] + count) }
        return wanted.map { Array(all[starts[$0]..<starts[$0 + 1]]) }
    }
}

/// What one batch of a streamed snapshot file gave.
private struct BatchResult<Output: Sendable>: Sendable {
    var output: Output
    var institutions: [Value]
    var facts: CrossChecks.RosterFacts
    /// The hashes of its persons' ids, when the exemptions were not known yet.
    var personHashes: [UInt64]
}

/// The 64-bit FNV-1a hash of a person's id (its UTF-8 bytes): the same in every run.
public enum PersonHash {
    public static func of(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// The hashes of the ids of the persons on the rosters of `institutions`.
    static func of(_ institutions: [Value]) -> [UInt64] {
        var hashes: [UInt64] = []
        for institution in institutions {
            for person in institution.recordValue?[Slots.staff].listValue ?? [] {
                if let id = person.recordValue?[Slots.personID].stringValue { hashes.append(of(id)) }
            }
        }
        return hashes
    }
}

/// Where a line and column are in a file (1-based, as the marks have them).
struct LineColumn: Sendable {
    var line: Int32
    var column: Int32
}

/// The batches a streamed snapshot file's institutions were cut into: where each begins, how many institutions it has,
/// and where the list ends.
struct FileBatches: Sendable {
    var starts: [LineColumn] = []
    var counts: [Int] = []
    var end = LineColumn(line: 1, column: 1)

    /// The lines of each batch at `wanted`, with the line they begin on; nil when a batch does not begin on a line of its
    /// own (`- ` then its first field), so that its lines would not read as a list of institutions, or the file cannot
    /// be read.
    func lines(of wanted: [Int], in path: String, limits: YAMLLimits) -> [(bytes: [UInt8], firstLine: Int32)]? {
        // A batch ends where the next begins, the last one where the list ends (at the start of that line, unless the
        // list ends after something else on it).
        func bounds(_ batch: Int) -> (first: Int32, last: Int32) {
            if batch + 1 < starts.count { return (starts[batch].line, starts[batch + 1].line) }
            return (starts[batch].line, end.column > 1 ? end.line + 1 : end.line)
        }
        var lines: Set<Int32> = []
        for batch in wanted {
            let (first, last) = bounds(batch)
            lines.insert(first)
            lines.insert(last)
        }
        guard let offsets = LineStarts.offsets(of: lines, in: path) else { return nil }
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        func read(_ range: Range<Int>) -> [UInt8]? {
            guard (try? file.seek(toOffset: UInt64(range.lowerBound))) != nil,
                  let data = try? file.read(upToCount: range.count), data.count == range.count else { return nil }
            return [UInt8](data)
        }
        // Whether the line starting at `offset` has only spaces, `-` and spaces before `column`.
        func beginsItem(at offset: Int, column: Int32) -> Bool {
            guard column > 1, let prefix = read(offset..<(offset + Int(column) - 1)) else { return false }
            var position = 0
            while position < prefix.count, prefix[position] == UInt8(ascii: " ") { position += 1 }
            guard position < prefix.count, prefix[position] == UInt8(ascii: "-") else { return false }
            position += 1
            guard position < prefix.count else { return false }
            return prefix[position...].allSatisfy { $0 == UInt8(ascii: " ") }
        }
        var result: [(bytes: [UInt8], firstLine: Int32)] = []
        for batch in wanted {
            let (first, last) = bounds(batch)
            guard let start = offsets[first], let stop = offsets[last], start < stop, stop - start <= limits.maxFileSize,
                  beginsItem(at: start, column: starts[batch].column) else { return nil }
            if batch + 1 < starts.count, !beginsItem(at: stop, column: starts[batch + 1].column) { return nil }
            guard let bytes = read(start..<stop) else { return nil }
            result.append((bytes, first))
        }
        return result
    }
}

/// Where lines start in a file, counted as libyaml counts them: a line ends at `\n`, `\r\n`, `\r`, and at U+0085,
/// U+2028 and U+2029.
enum LineStarts {
    /// The byte offset of the start of each of `lines` (1-based); a line after the last starts at the file's end.
    /// Nil when the file cannot be read.
    static func offsets(of lines: Set<Int32>, in path: String) -> [Int32: Int]? {
        guard let last = lines.max(), let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var found: [Int32: Int] = [:]
        if lines.contains(1) { found[1] = 0 }
        var line: Int32 = 1
        var base = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        scanning: while line < last {
            let count = buffer.withUnsafeMutableBytes { raw in
                fread(raw.baseAddress.map { $0 + filled }, 1, raw.count - filled, file)
            }
            filled += count
            let atEnd = count == 0
            // Two bytes are kept back until more are read: a line break may be three bytes long.
            let limit = atEnd ? filled : max(0, filled - 2)
            var position = 0
            buffer.withUnsafeBufferPointer { bytes in
                while position < limit, line < last {
                    let byte = bytes[position]
                    var width = 0
                    if byte == 0x0A {
                        width = 1
                    } else if byte == 0x0D {
                        width = position + 1 < filled && bytes[position + 1] == 0x0A ? 2 : 1
                    } else if byte == 0xC2, position + 1 < filled, bytes[position + 1] == 0x85 {
                        width = 2
                    } else if byte == 0xE2, position + 2 < filled, bytes[position + 1] == 0x80,
                              bytes[position + 2] == 0xA8 || bytes[position + 2] == 0xA9 {
                        width = 3
                    }
                    guard width > 0 else {
                        position += 1
                        continue
                    }
                    position += width
                    line += 1
                    if lines.contains(line) { found[line] = base + position }
                }
            }
            if atEnd { break scanning }
            buffer.replaceSubrange(0..<(filled - position), with: buffer[position..<filled])
            base += position
            filled -= position
        }
        guard ferror(file) == 0 else { return nil }
        for wanted in lines where found[wanted] == nil { found[wanted] = base + filled }
        return found
    }
}

/// Gathers a snapshot file's institutions, as the decoder hands them on, into batches of about the same work (an
/// institution counts one, and one for each person and event it has), and notes where each batch begins.
final class InstitutionBatcher {
    /// Given the snapshot's top-level record as decoded so far; gives what to do with each batch, or nil to stop.
    private let opening: (Record) -> ((_ institutions: [Value], _ batch: Int) -> Void)?
    private var submit: ((_ institutions: [Value], _ batch: Int) -> Void)?
    private var batch: [Value] = []
    private var weight = 0
    private var batches = FileBatches()
    private var ended = false
    /// About how much work a batch holds.
    private let weightPerBatch: Int

    init(weight: Int, begin: @escaping (Record) -> ((_ institutions: [Value], _ batch: Int) -> Void)?) {
        weightPerBatch = weight
        opening = begin
    }

    /// Where the batches are, once the list has ended.
    var layout: FileBatches? { ended ? batches : nil }

    /// The institutions begin; false when they cannot be streamed.
    func begin(header: Record) -> Bool {
        submit = opening(header)
        return submit != nil
    }

    func receive(_ institution: Record, line: Int32, column: Int32) {
        if batch.isEmpty { batches.starts.append(LineColumn(line: line, column: column)) }
        weight += 1 + (institution[Slots.staff].listValue?.count ?? 0) + (institution[Slots.events].listValue?.count ?? 0)
        batch.append(.record(institution))
        if weight >= weightPerBatch { flush() }
    }

    func end(line: Int32, column: Int32) {
        flush()
        batches.end = LineColumn(line: line, column: column)
        ended = true
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        batches.counts.append(batch.count)
        submit?(batch, batches.counts.count - 1)
        batch = []
        weight = 0
    }
}
