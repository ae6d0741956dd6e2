import Diagnostics
import Foundation
import Schema
import YAMLLoader

/// One file of a snapshot decoded into records: the fast path when the file is valid,
/// else the full path that locates every problem.
enum FileDecoding {
    /// What one file gave.
    struct Result: Sendable {
        /// The top-level record (for the snapshot file or `region.yaml`), or the institutions of an institution file.
        var records: [Record]
        var diagnostics: [Diagnostic]
        /// The file's text, when diagnostics point into it.
        var source: SourceFile?
    }

    /// Decodes the file at `path`: `root` for the snapshot file or `region.yaml`, else an institution file.
    /// `prefetch`: a large file is parsed on a second thread while this one decodes.
    static func decode(path: String, fileIndex: Int32, root: Bool, plans: DecodingPlans, limits: YAMLLimits,
                       prefetch: Bool = false) -> Result {
        if let records = fast(path: path, fileIndex: fileIndex, root: root, plans: plans, limits: limits, prefetch: prefetch) {
            return Result(records: records, diagnostics: [], source: nil)
        }
        return full(path: path, fileIndex: fileIndex, root: root, limits: limits)
    }

    /// Straight from libyaml's events; nil when the file is not valid (or cannot be streamed).
    static func fast(path: String, fileIndex: Int32, root: Bool, plans: DecodingPlans, limits: YAMLLimits,
                     prefetch: Bool = false) -> [Record]? {
        guard let size = FileSize.of(path), size <= limits.maxFileSize,
              var decoder = StreamingDecoder(path: path, fileIndex: fileIndex, plans: plans,
                                             prefetch: prefetch && size >= FileDecoding.prefetchFrom) else { return nil }
        do {
            return root ? [try decoder.decodeSnapshot()] : try decoder.decodeInstitutions()
        } catch {
            return nil
        }
    }

    /// Through the YAML tree and `ValueDecoder`, collecting every problem with its location.
    static func full(path: String, fileIndex: Int32, root: Bool, limits: YAMLLimits) -> Result {
        guard let source = read(path) else {
            let error = SnapshotError(.unreadable(RegularFile.reason(at: path)), at: SourceLocation(path: path, line: 1, column: 1))
            return Result(records: [], diagnostics: [error.diagnostic], source: nil)
        }
        let parsed = YAMLParser.parse(source, limits: limits)
        guard parsed.errors.isEmpty, let node = parsed.root else {
            return Result(records: [], diagnostics: parsed.errors.map(\.diagnostic), source: source)
        }
        var decoder = ValueDecoder(path: path, fileIndex: fileIndex)
        var records: [Record] = []
        if root {
            records.append(decoder.decodeRecord(node, as: SnapshotSchema.snapshot, topLevel: true))
        } else if case .sequence(let items) = node.kind {
            for item in items { records.append(decoder.decodeRecord(item, as: SnapshotSchema.institution)) }
        } else {
            records.append(decoder.decodeRecord(node, as: SnapshotSchema.institution, topLevel: true))
        }
        let diagnostics = decoder.errors.map(\.diagnostic)
        return Result(records: records, diagnostics: diagnostics, source: diagnostics.isEmpty ? nil : source)
    }

    /// Files smaller than this are not worth a second thread.
    static let prefetchFrom = 1 << 20

    static func read(_ path: String) -> SourceFile? {
        guard let bytes = RegularFile.bytes(at: path) else { return nil }
        return SourceFile(path: path, bytes: bytes)
    }
}
