import Diagnostics
import Foundation
import YAMLLoader

extension RegulationCatalog {
    /// Reads every `*.yaml` file in `directory` (sorted by name; not recursive), decoding each
    /// strictly and cross-checking versions that share a key.
    ///
    /// Nothing stops at the first problem: every diagnostic is collected, and every file that
    /// decoded far enough (key, title, issuer and effective date) is in the catalogue, so later
    /// checks do not cascade. `sources` holds the files read, for rendering snippets.
    public static func load(directory: String) -> (catalog: RegulationCatalog, diagnostics: DiagnosticEngine,
                                                   sources: SourceFileSet) {
        var engine = DiagnosticEngine()
        var sources = SourceFileSet()
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: base) else {
            engine.emit(CatalogError(.notFound, at: SourceLocation(path: base, line: 1, column: 1)).diagnostic)
            return (RegulationCatalog(), engine, sources)
        }
        let files = names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted().map { base + "/" + $0 }
        if files.isEmpty {
            engine.emit(CatalogError(.empty, at: SourceLocation(path: base, line: 1, column: 1)).diagnostic)
        }

        var decoded: [DecodedRegulation] = []
        for file in files {
            guard let bytes = RegularFile.bytes(at: file) else {
                engine.emit(CatalogError(.unreadable(RegularFile.reason(at: file)),
                                         at: SourceLocation(path: file, line: 1, column: 1)).diagnostic)
                continue
            }
            let source = SourceFile(path: file, bytes: bytes)
            sources.add(source)
            let parsed = YAMLParser.parse(source)
            guard parsed.errors.isEmpty, let root = parsed.root else {
                for error in parsed.errors { engine.emit(error.diagnostic(emptyFileHelp: "法规目录文件写一部法规：`key`、`title`、`articles` 等（见 Rules/catalog/README.md）")) }
                continue
            }
            var decoder = CatalogDecoder(path: file)
            let regulation = decoder.decodeRegulation(root)
            for error in decoder.errors { engine.emit(error.diagnostic) }
            if let regulation { decoded.append(regulation) }
        }
        for error in crossCheckVersions(decoded) { engine.emit(error.diagnostic) }
        return (RegulationCatalog(regulations: decoded.map(\.regulation)), engine, sources)
    }

    /// Versions sharing a key: each names its version, no version twice, no two in force on one day.
    static func crossCheckVersions(_ decoded: [DecodedRegulation]) -> [CatalogError] {
        var errors: [CatalogError] = []
        var byKey: [String: [DecodedRegulation]] = [:]
        var order: [String] = []
        for entry in decoded {
            if byKey[entry.regulation.key] == nil { order.append(entry.regulation.key) }
            byKey[entry.regulation.key, default: []].append(entry)
        }
        for key in order {
            guard let group = byKey[key], group.count > 1 else { continue }
            var firstVersion: [String: SourceLocation] = [:]
            for (index, entry) in group.enumerated() {
                guard let version = entry.regulation.version else {
                    let other = group[index == 0 ? 1 : 0].keyLocation
                    errors.append(CatalogError(.missingVersion(key: key, other: other), at: entry.keyLocation))
                    continue
                }
                if let first = firstVersion[version] {
                    errors.append(CatalogError(.duplicateVersion(key: key, version: version, first: first),
                                               at: entry.versionLocation ?? entry.keyLocation))
                } else {
                    firstVersion[version] = entry.versionLocation ?? entry.keyLocation
                }
            }
            let sorted = group.sorted { $0.regulation.effective < $1.regulation.effective }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                let end = earlier.regulation.superseded
                if let end, end <= later.regulation.effective { continue }
                errors.append(CatalogError(
                    .versionOverlap(key: key, earlier: label(earlier), later: label(later),
                                    laterEffective: later.regulation.effective, earlierSuperseded: end,
                                    earlierAt: earlier.supersededLocation ?? earlier.keyLocation),
                    at: later.effectiveLocation))
            }
        }
        return errors
    }

    /// A version's label for messages: its `version`, or its file name when it has none.
    private static func label(_ entry: DecodedRegulation) -> String {
        entry.regulation.version ?? String(entry.regulation.path.split(separator: "/").last ?? "")
    }
}
