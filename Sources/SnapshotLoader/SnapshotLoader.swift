import Diagnostics
import Foundation
import Schema
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

    public init(limits: YAMLLimits = .default) {
        self.limits = limits
    }

    public func load(path: String) -> Result {
        var engine = DiagnosticEngine()
        var sources = SourceFileSet()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            engine.emit(SnapshotError(.notFound, at: SourceLocation(path: path, line: 1, column: 1)).diagnostic)
            return Result(snapshot: nil, diagnostics: engine, sources: sources)
        }
        var files: [String] = []
        var root: Record?
        var institutions: [Value] = []

        func read(_ file: String) -> SourceFile? {
            guard let data = FileManager.default.contents(atPath: file) else {
                engine.emit(SnapshotError(.unreadable("无权限或不是普通文件"), at: SourceLocation(path: file, line: 1, column: 1)).diagnostic)
                return nil
            }
            return SourceFile(path: file, bytes: [UInt8](data))
        }

        /// Parses one file; returns its root node, reporting YAML errors.
        func parse(_ source: SourceFile) -> YAMLNode? {
            let result = YAMLParser.parse(source, limits: limits)
            if !result.errors.isEmpty {
                sources.add(source)
                for error in result.errors { engine.emit(error.diagnostic) }
                return nil
            }
            return result.root
        }

        func record(_ decoder: ValueDecoder, _ source: SourceFile) {
            if !decoder.errors.isEmpty { sources.add(source) }
            for error in decoder.errors { engine.emit(error.diagnostic) }
        }

        if isDirectory.boolValue {
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            guard let regionPath = ["region.yaml", "region.yml", "region.json"].map({ base + "/" + $0 })
                .first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                engine.emit(SnapshotError(.missingRegionFile, at: SourceLocation(path: base, line: 1, column: 1)).diagnostic)
                return Result(snapshot: nil, diagnostics: engine, sources: sources)
            }
            files.append(regionPath)
            if let source = read(regionPath), let node = parse(source) {
                var decoder = ValueDecoder(path: regionPath, fileIndex: 0)
                root = decoder.decodeRecord(node, as: SnapshotSchema.snapshot)
                record(decoder, source)
            }
            for file in SnapshotLoader.institutionFiles(in: base + "/institutions") {
                let index = Int32(files.count)
                files.append(file)
                guard let source = read(file), let node = parse(source) else { continue }
                var decoder = ValueDecoder(path: file, fileIndex: index)
                if case .sequence(let items) = node.kind {
                    for item in items {
                        institutions.append(.record(decoder.decodeRecord(item, as: SnapshotSchema.institution)))
                    }
                } else {
                    institutions.append(.record(decoder.decodeRecord(node, as: SnapshotSchema.institution)))
                }
                record(decoder, source)
            }
        } else {
            files.append(path)
            if let source = read(path), let node = parse(source) {
                var decoder = ValueDecoder(path: path, fileIndex: 0)
                root = decoder.decodeRecord(node, as: SnapshotSchema.snapshot)
                record(decoder, source)
            }
        }

        guard var root else {
            return Result(snapshot: nil, diagnostics: engine, sources: sources)
        }
        if !institutions.isEmpty {
            var all = root[Slots.institutions].listValue ?? []
            all.append(contentsOf: institutions)
            root[Slots.institutions] = .list(all)
        }
        let snapshot = Snapshot(root: root, files: files, path: path)
        var checks = CrossChecks(snapshot: snapshot)
        checks.run()
        for error in checks.errors {
            if let file = error.location?.path, sources[file] == nil, let source = read(file) { sources.add(source) }
            for note in error.diagnostic.notes {
                if let file = note.location?.path, sources[file] == nil, let source = read(file) { sources.add(source) }
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
        let root = decoder.decodeRecord(node, as: SnapshotSchema.snapshot)
        for error in decoder.errors { engine.emit(error.diagnostic) }
        let snapshot = Snapshot(root: root, files: [path], path: path)
        var checks = CrossChecks(snapshot: snapshot)
        checks.run()
        for error in checks.errors { engine.emit(error.diagnostic) }
        return Result(snapshot: engine.hasErrors ? nil : snapshot, diagnostics: engine, sources: SourceFileSet())
    }

    /// `*.yaml`, `*.yml` and `*.json` under a folder, at any depth, sorted by path (deterministic).
    static func institutionFiles(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let lower = relative.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") {
                found.append(folder + "/" + relative)
            }
        }
        return found.sorted()
    }
}
