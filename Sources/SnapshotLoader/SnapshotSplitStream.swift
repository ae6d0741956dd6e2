import Foundation
import Schema
import Synchronization
import WorkerPool
import YAMLLoader

extension SnapshotLoader {
    /// Reads a snapshot that is one file as a stream whose parsing is shared by the workers: its list of institutions is
    /// cut into runs of lines (`FileSplit`), and each run is parsed by a libyaml parser of its own, decoded, handed to a
    /// visitor and projected on a worker, as a folder's files are (`stream(folder:start:)`). The top-level text (the file
    /// without the items of the list) is parsed first, so the header `start` is given holds everything but the
    /// institutions, wherever in the file it is written.
    ///
    /// Nil, having kept nothing, when the file's lines cannot be split, when a run or the top-level text does not read as
    /// the split expects (the lines were not what they looked like: see `FileSplit`), when the file is not one the fast
    /// path reads, when the checks across records fail, or when `start` said no. The caller then reads the file in one
    /// pass (`stream(file:start:)`), or loads it in full. A file that streams this way gives the records a full load gives.
    public func stream<Visitor: InstitutionVisitor>(
        splitFile path: String, start: (Snapshot) -> (projection: RecordProjection, makeVisitor: @Sendable () -> Visitor)?
    ) -> StreamedSnapshot<Visitor.Output>? {
        guard let size = FileSize.of(path), size <= limits.maxFileSize else { return nil }
        let runBytes = splitBytes ?? min(4 << 20, max(1 << 18, size / (workers.workers * 16)))
        guard let split = FileSplit.scan(path: path, runBytes: runBytes), let topLevel = split.topLevelText(of: path, size: size) else { return nil }
        let plans = DecodingPlans()
        guard var decoder = StreamingDecoder(bytes: topLevel.bytes, fileIndex: 0, lineOffset: 0, plans: plans) else { return nil }
        // Where the list begins, as the list's own mark would say: its first `-`.
        decoder.institutionsElsewhere = (split.keyLine, ValueMark(file: 0, line: split.firstItemLine, column: Int32(split.indent + 1)))
        let shift = split.lineShift
        decoder.shiftLines(from: shift.from, by: shift.by)
        guard let root = try? decoder.decodeSnapshot(),
              decoder.lineBreaks == SnapshotLoader.libYAMLBreaks(topLevel.lineBreaks, in: topLevel.bytes) else { return nil }
        let header = Snapshot(root: root, files: [path], path: path)
        guard let (projection, makeVisitor) = start(header) else { return nil }
        let facts = FileFacts(asOf: header.asOf, exemptionSubjects: Set(header.exemptions.compactMap {
            $0.recordValue?[Slots.exemptionSubject].stringValue
        }))
        let chunks = split.chunks
        // Once a run does not read as the split expects, the others are not read: the file is read another way.
        let failed = Atomic<Bool>(false)
        let results = workers.map(chunks.ranges.count) { chunk -> RunResult<Visitor.Output>? in
            guard !failed.load(ordering: .relaxed) else { return nil }
            guard let institutions = SnapshotLoader.institutions(ofChunk: chunk, chunks, path: path, plans: plans) else {
                failed.store(true, ordering: .relaxed)
                return nil
            }
            var visitor = makeVisitor()
            var gathered = CrossChecks.RosterFacts()
            facts.gather(institutions, into: &gathered)
            visitor.visit(institutions, file: Int32(chunk))
            return RunResult(output: visitor.finish(), institutions: institutions.map { projection.project($0) }, facts: gathered)
        }

        guard let (snapshot, outputs) = RunResult.assemble(results, root: root, files: [path], path: path) else { return nil }
        return StreamedSnapshot(snapshot: snapshot, outputs: outputs, layout: StreamLayout(parts: .chunks(chunks)))
    }

    /// The institutions of some runs of a split file that streamed (see `stream(splitFile:start:)`), read again.
    func institutions(ofChunks indices: [Int], _ chunks: FileChunks, path: String) -> [[Value]]? {
        let plans = DecodingPlans()
        let read = workers.map(indices.count) { position in
            SnapshotLoader.institutions(ofChunk: indices[position], chunks, path: path, plans: plans)
        }
        var result: [[Value]] = []
        for institutions in read {
            guard let institutions else { return nil }
            result.append(institutions)
        }
        return result
    }

    /// The institutions of run `chunk` of a split file: its lines parsed on their own, as a list of exactly as many
    /// institutions, and with as many line breaks, as the split counted there. Nil otherwise, or when the file cannot be read.
    private static func institutions(ofChunk chunk: Int, _ chunks: FileChunks, path: String, plans: DecodingPlans) -> [Value]? {
        guard chunk >= 0, chunk < chunks.ranges.count, let bytes = FileBytes.read(path, range: chunks.ranges[chunk]),
              var decoder = StreamingDecoder(bytes: bytes, fileIndex: 0, lineOffset: chunks.firstLines[chunk] - 1, plans: plans),
              let records = try? decoder.decodeInstitutions(), records.count == chunks.counts[chunk],
              decoder.lineBreaks == libYAMLBreaks(chunks.lineBreaks[chunk], in: bytes) else { return nil }
        return records.map { .record($0) }
    }

    /// The line breaks libyaml counts in `bytes` that hold `breaks` `\n` and no other line break: one more when they do not
    /// end with one (libyaml ends the last line at the end of the stream).
    private static func libYAMLBreaks(_ breaks: Int32, in bytes: [UInt8]) -> Int32 {
        breaks + (bytes.last.map { $0 != 0x0A } ?? false ? 1 : 0)
    }
}
