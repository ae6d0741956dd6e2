import Diagnostics
import Foundation
import Schema
import WorkerPool
import YAMLLoader

/// Reads a snapshot (one YAML/JSON file, or a folder of `region.yaml` plus
/// `institutions/**/*.yaml|yml|json`), types it by the schema and cross-checks it.
/// Every problem is collected; nothing stops at the first error.
public struct SnapshotLoader: Sendable {
    public struct Result: Sendable {
        /// The snapshot, when no error was found (warnings allowed).
        public var snapshot: Snapshot?
        public var diagnostics: DiagnosticEngine
        /// The files that diagnostics point into, for rendering snippets.
        public var sources: SourceFileSet
    }

    public var limits: YAMLLimits
    /// Reads the files of a folder snapshot in parallel (the order of the result never depends on it).
    public var workers: WorkerPool
    /// How much work a batch of a streamed file's institutions holds (see `stream(file:start:)`): an institution counts
    /// one, and one more for each person and event it has.
    public var batchWeight: Int
    /// About how many bytes each run of a split file's lines holds (see `stream(splitFile:start:)`); nil for a size
    /// that gives each worker about sixteen runs, between 256 KB and 4 MB.
    public var splitBytes: Int?
    /// Whether a streamed file is split into runs of lines parsed on the workers when its layout allows
    /// (`stream(splitFile:start:)`); when not, it is parsed by one thread (`stream(file:start:)`).
    public var splitsFiles: Bool

    public init(limits: YAMLLimits = .default, workers: WorkerPool = .perProcessor, batchWeight: Int = 2_048, splitBytes: Int? = nil,
                splitsFiles: Bool = true) {
        self.limits = limits
        self.workers = workers
        self.batchWeight = max(1, batchWeight)
        self.splitBytes = splitBytes.map { max(1, $0) }
        self.splitsFiles = splitsFiles
    }

    public func load(path: String) -> Result {
        var engine = DiagnosticEngine()
        var sources = SourceFileSet()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            engine.emit(SnapshotError(.notFound, at: SourceLocation(path: path, line: 1, column: 1)).diagnostic)
            return Result(snapshot: nil, diagnostics: engine, sources: sources)
        }

        // The files to read: the snapshot file, or region.yaml and every institution file.
        let files: [String]
        if isDirectory.boolValue {
            guard let listed = SnapshotLoader.folderFiles(path) else {
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                engine.emit(SnapshotError(.missingRegionFile, at: SourceLocation(path: base, line: 1, column: 1)).diagnostic)
                return Result(snapshot: nil, diagnostics: engine, sources: sources)
            }
            files = listed.files
            // A folder that cannot be listed hides institutions: the snapshot would look whole without them.
            for folder in listed.unlistable {
                engine.emit(SnapshotError(.unreadable("无法列出这个文件夹中的文件（\(folder.reason)），其中的机构会被漏掉"),
                                          at: SourceLocation(path: folder.path, line: 1, column: 1)).diagnostic)
            }
        } else {
            files = [path]
        }

        // Each file decoded on its own (in parallel), then put together in file order.
        let plans = DecodingPlans()
        let limits = self.limits
        // One large file: libyaml parses on a second thread while this one decodes.
        let prefetch = files.count == 1 && workers.workers > 1
        let results = workers.map(files.count) { index in
            FileDecoding.decode(path: files[index], fileIndex: Int32(index), root: index == 0, plans: plans, limits: limits,
                                prefetch: prefetch)
        }
        var root: Record?
        var institutions: [Value] = []
        for (index, result) in results.enumerated() {
            if let source = result.source { sources.add(source) }
            for diagnostic in result.diagnostics { engine.emit(diagnostic) }
            if index == 0 {
                root = result.records.first
            } else {
                institutions.append(contentsOf: result.records.lazy.map { Value.record($0) })
            }
        }

        guard var root else {
            return Result(snapshot: nil, diagnostics: engine, sources: sources)
        }
        if !institutions.isEmpty {
            var all = root[Slots.institutions].listValue ?? []
            root[Slots.institutions] = .null
            all.append(contentsOf: institutions)
            root[Slots.institutions] = .list(all)
        }
        let snapshot = Snapshot(root: root, files: files, path: path)
        var checks = CrossChecks(snapshot: snapshot)
        checks.run()
        for error in checks.errors {
            if let file = error.location?.path, sources[file] == nil, let source = FileDecoding.read(file) { sources.add(source) }
            for note in error.diagnostic.notes {
                if let file = note.location?.path, sources[file] == nil, let source = FileDecoding.read(file) { sources.add(source) }
            }
            engine.emit(error.diagnostic)
        }
        return Result(snapshot: engine.hasErrors ? nil : snapshot, diagnostics: engine, sources: sources)
    }

    /// Decodes a tree that was already parsed (a snapshot written inside another file, such as a
    /// rule's example), reporting problems at the tree's own locations in `path`.
    public func load(root node: YAMLNode, path: String) -> Result {
        var engine = DiagnosticEngine()
        var decoder = ValueDecoder(path: path, fileIndex: 0)
        let root = decoder.decodeRecord(node, as: SnapshotSchema.snapshot, topLevel: true)
        for error in decoder.errors { engine.emit(error.diagnostic) }
        let snapshot = Snapshot(root: root, files: [path], path: path)
        var checks = CrossChecks(snapshot: snapshot)
        checks.run()
        for error in checks.errors { engine.emit(error.diagnostic) }
        return Result(snapshot: engine.hasErrors ? nil : snapshot, diagnostics: engine, sources: SourceFileSet())
    }

    /// The files of a folder snapshot: its `region.yaml` (or `.yml`, `.json`) first, then every institution file, and
    /// the folders under `institutions/` that could not be listed; nil when it has no region file.
    static func folderFiles(_ path: String) -> (files: [String], unlistable: [FileListing.Unlistable])? {
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let regionPath = ["region.yaml", "region.yml", "region.json"].map({ base + "/" + $0 })
            .first(where: { FileManager.default.fileExists(atPath: $0) }) else { return nil }
        let listing = institutionListing(in: base + "/institutions")
        return ([regionPath] + listing.files, listing.unlistable)
    }

    /// `*.yaml`, `*.yml` and `*.json` under a folder, at any depth, sorted by path (deterministic).
    static func institutionFiles(in folder: String) -> [String] {
        institutionListing(in: folder).files
    }

    static func institutionListing(in folder: String) -> FileListing.Listing {
        FileListing.files(under: folder, endingWith: [".yaml", ".yml", ".json"])
    }
}
