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
        guard let size = FileSize.of(path), size <= limits.maxFileSize else {
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
                        let hashes = hashingPersons ? PersonHash.of(institutions) : (hashes: [], ends: [])
                        return BatchResult(output: visitor.finish(), institutions: institutions.map { projection.project($0) },
                                           facts: gathered, personHashes: hashes.hashes, personEnds: hashes.ends)
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
            rosterFacts.merge(result.facts)
        }
        root[Slots.institutions] = .list(institutions)
        let snapshot = Snapshot(root: root, files: [path], path: path)

        // Exemptions that came after the institutions, naming what may be a person: the institutions with a person of
        // that id's hash are read again to see whether one has that id.
        let subjects = Set(snapshot.exemptions.compactMap { $0.recordValue?[Slots.exemptionSubject].stringValue })
        if subjects != headerExemptions {
            let known = Set(institutions.compactMap { $0.recordValue?[Slots.institutionID].stringValue })
                .union(snapshot.coordinationBodies.compactMap { $0.recordValue?[Slots.bodyID].stringValue })
            let regionCode = snapshot.region[Slots.regionCode].stringValue
            let persons = subjects.filter { !known.contains($0) && $0 != regionCode }
            let hashes = Set(persons.map(PersonHash.of))
            var suspects: [Range<Int>] = []
            var first = 0
            for result in results {
                var start = 0
                for (position, end) in result.personEnds.enumerated() {
                    if result.personHashes[start..<end].contains(where: hashes.contains) {
                        suspects.append((first + position)..<(first + position + 1))
                    }
                    start = end
                }
                first += result.institutions.count
            }
            if !suspects.isEmpty {
                guard let reread = self.institutions(in: suspects, batches, path: path, plans: plans) else { return nil }
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

    /// Some runs of the institutions of a snapshot file that streamed (by their positions in its list), read again:
    /// only their lines when the file allows it (each institution begins on a line of its own, after its `- `), else
    /// the whole file.
    func institutions(in wanted: [Range<Int>], _ batches: FileBatches, path: String, plans: DecodingPlans) -> [[Value]]? {
        if let sliced = batches.lines(of: wanted, in: path, limits: limits).flatMap({ ranges -> [[Value]]? in
            var result: [[Value]] = []
            for (position, range) in wanted.enumerated() {
                guard var decoder = StreamingDecoder(bytes: ranges[position].bytes, fileIndex: 0, lineOffset: ranges[position].firstLine - 1,
                                                     plans: plans),
                      let records = try? decoder.decodeInstitutions(), records.count == range.count else { return nil }
                result.append(records.map { .record($0) })
            }
            return result
        }) {
            return sliced
        }
        guard let root = FileDecoding.fast(path: path, fileIndex: 0, root: true, plans: plans, limits: limits)?.first,
              let all = root[Slots.institutions].listValue, all.count == batches.starts.count else { return nil }
        return wanted.map { Array(all[$0]) }
    }
}

/// What one batch of a streamed snapshot file gave.
private struct BatchResult<Output: Sendable>: Sendable {
    var output: Output
    var institutions: [Value]
    var facts: CrossChecks.RosterFacts
    /// The hashes of its persons' ids, when the exemptions were not known yet, and where each institution's end in it.
    var personHashes: [UInt64]
    var personEnds: [Int]
}

/// The 64-bit FNV-1a hash of a person's id (its UTF-8 bytes): the same in every run.
public enum PersonHash {
    /// FNV-1a of the id's UTF-8 bytes (see `IDHash`).
    @inline(__always)
    public static func of(_ id: String) -> UInt64 { IDHash.of(id) }

    /// The hash of the id of `person`, a person's record, read in place (nil when it has no id).
    @inline(__always)
    private static func of(person: Value, idSlot: Int) -> UInt64? {
        guard case .record(let record) = person else { return nil }
        return ofID(record[idSlot])
    }

    @inline(__always)
    private static func ofID(_ value: Value) -> UInt64? {
        guard case .string(let id) = value else { return nil }
        return of(id)
    }

    /// The hashes of the ids of the persons on the rosters of `institutions`, and where each institution's end.
    /// The records are read in place: copying each person's record out of the list (`recordValue`, `listValue`)
    /// retained and released it several times per person (perf: about 7% of the worker threads' samples on a large file).
    public static func of(_ institutions: [Value]) -> (hashes: [UInt64], ends: [Int]) {
        let (staffSlot, idSlot) = (Slots.staff, Slots.personID)
        var hashes: [UInt64] = []
        var ends: [Int] = []
        ends.reserveCapacity(institutions.count)
        institutions.withUnsafeBufferPointer { institutions in
            for index in institutions.indices {
                if case .record(let institution) = institutions[index], case .list(let staff) = institution[staffSlot] {
                    staff.withUnsafeBufferPointer { persons in
                        for place in persons.indices {
                            if let hash = of(person: persons[place], idSlot: idSlot) { hashes.append(hash) }
                        }
                    }
                }
                ends.append(hashes.count)
            }
        }
        return (hashes, ends)
    }
}

/// Where a line and column are in a file (1-based, as the marks have them).
struct LineColumn: Sendable {
    var line: Int32
    var column: Int32
}

/// Where a streamed snapshot file's institutions are (where each begins, and where their list ends), and how many
/// each batch has.
struct FileBatches: Sendable {
    var starts: [LineColumn] = []
    var counts: [Int] = []
    var end = LineColumn(line: 1, column: 1)

    /// The positions in the list of the institutions of each batch at `batches`.
    func ranges(of batches: [Int]) -> [Range<Int>] {
        var firsts = [0]
        for count in counts { firsts.append(firsts[firsts.count - 1] + count) }
        return batches.map { firsts[$0]..<firsts[$0 + 1] }
    }

    /// The lines of each run of institutions at `wanted`, with the line they begin on; nil when an institution there
    /// (or the one after) does not begin on a line of its own, after spaces and `- `, so that the lines would not read
    /// as a list of institutions, or when the file cannot be read.
    func lines(of wanted: [Range<Int>], in path: String, limits: YAMLLimits) -> [(bytes: [UInt8], firstLine: Int32)]? {
        // A run ends where the next institution begins, the last one where the list ends (at the start of that line,
        // unless the list ends after something else on it).
        func bounds(_ range: Range<Int>) -> (first: Int32, last: Int32) {
            if range.upperBound < starts.count { return (starts[range.lowerBound].line, starts[range.upperBound].line) }
            return (starts[range.lowerBound].line, end.column > 1 ? end.line + 1 : end.line)
        }
        var lines: Set<Int32> = []
        for range in wanted where !range.isEmpty && range.upperBound <= starts.count {
            let (first, last) = bounds(range)
            lines.insert(first)
            lines.insert(last)
        }
        guard !lines.isEmpty, let offsets = LineStarts.offsets(of: lines, in: path) else { return nil }
        func read(_ range: Range<Int>) -> [UInt8]? { FileBytes.read(path, range: range) }
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
        for range in wanted {
            guard !range.isEmpty, range.upperBound <= starts.count else { return nil }
            let (first, last) = bounds(range)
            guard let start = offsets[first], let stop = offsets[last], start < stop, stop - start <= limits.maxFileSize,
                  beginsItem(at: start, column: starts[range.lowerBound].column) else { return nil }
            if range.upperBound < starts.count, !beginsItem(at: stop, column: starts[range.upperBound].column) { return nil }
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
        let wanted = lines.sorted()
        guard !wanted.isEmpty, let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var found: [Int32: Int] = [:]
        // The next line wanted and not found yet.
        var next = 0
        while next < wanted.count, wanted[next] <= 1 {
            found[wanted[next]] = 0
            next += 1
        }
        var line: Int32 = 1
        var base = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        while next < wanted.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                fread(raw.baseAddress.map { $0 + filled }, 1, raw.count - filled, file)
            }
            filled += count
            let atEnd = count == 0
            // Two bytes are kept back until more are read: a line break may be three bytes long.
            let limit = atEnd ? filled : max(0, filled - 2)
            var position = 0
            buffer.withUnsafeBufferPointer { bytes in
                guard let start = bytes.baseAddress else { return }
                while position < limit, next < wanted.count {
                    // Eight bytes at once, while they hold no line break but `\n` and end before the next line wanted.
                    let target = wanted[next]
                    while position + 8 <= limit {
                        let word = UnsafeRawPointer(start + position).loadUnaligned(as: UInt64.self)
                        // A byte with bit 5 set is 0xE2 exactly when it was 0xC2 or 0xE2: one test for both leads.
                        guard LineStarts.zeroBytes(word ^ LineStarts.carriageReturns)
                            | LineStarts.zeroBytes((word | LineStarts.bit5) ^ LineStarts.leadsE2) == 0 else { break }
                        // One bit per `\n`, at the bottom of its byte, added up by the multiplication into the top byte.
                        let breaks = Int32(truncatingIfNeeded: ((LineStarts.zeroBytes(word ^ LineStarts.newlines) >> 7) &* 0x0101_0101_0101_0101) >> 56)
                        guard line + breaks < target else { break }
                        line += breaks
                        position += 8
                    }
                    guard position < limit else { break }
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
                    if line == wanted[next] {
                        found[line] = base + position
                        next += 1
                    }
                }
            }
            if atEnd { break }
            buffer.replaceSubrange(0..<(filled - position), with: buffer[position..<filled])
            base += position
            filled -= position
        }
        guard ferror(file) == 0 else { return nil }
        for line in wanted[next...] { found[line] = base + filled }
        return found
    }

    private static let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private static let carriageReturns: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
    private static let bit5: UInt64 = 0x2020_2020_2020_2020
    private static let leadsE2: UInt64 = 0xE2E2_E2E2_E2E2_E2E2

    /// The high bit of each byte of `word` that is zero, and no other bit.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low) &+ low) | word | low)
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
        batches.starts.append(LineColumn(line: line, column: column))
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
