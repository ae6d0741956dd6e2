import Catalog
import Diagnostics
import Foundation
import WorkerPool
import YAMLLoader

/// Every rule pack under a rules folder (`Rules/<pack>/*.yaml`), with the catalogue
/// of regulations (`Rules/catalog/`) they cite, checked and compiled once.
public struct RuleSet: Sendable {
    public var rules: [Rule]
    public var packs: [String]
    public var catalog: RegulationCatalog
    public var directory: String

    public init(rules: [Rule], packs: [String], catalog: RegulationCatalog, directory: String) {
        self.rules = rules
        self.packs = packs
        self.catalog = catalog
        self.directory = directory
    }

    /// Rules in evaluation order: by id; a rule another rule overrides is left out.
    public var activeRules: [Rule] {
        let overridden = Set(rules.compactMap(\.overrides))
        return rules.filter { !overridden.contains($0.id) }
    }

    /// The rules that apply to a region: a local pack's rules only in its regions, and a central
    /// rule is replaced by the local rule that overrides it only there, and only on the subjects that local rule applies
    /// to (its `when`): on the others the central rule still runs (see `Rule.yieldsTo`). A local rule without `when`, or
    /// whose `when` reads its `each` element, replaces the central rule on every subject.
    public func activeRules(forRegion code: String) -> [Rule] {
        let applicable = rules.filter { rule in rule.regions.map { $0.contains { code.hasPrefix($0) } } ?? true }
        var overriders: [String: [Rule]] = [:]
        for rule in applicable { if let target = rule.overrides { overriders[target, default: []].append(rule) } }
        return applicable.compactMap { rule in
            guard let locals = overriders[rule.id] else { return rule }
            guard locals.allSatisfy({ $0.when != nil && !$0.whenReadsEach }) else { return nil }
            var scoped = rule
            scoped.yieldsTo = locals
            return scoped
        }
    }

    public struct LoadResult: Sendable {
        public var ruleSet: RuleSet
        public var diagnostics: DiagnosticEngine
        public var sources: SourceFileSet
    }

    /// How far `load` reads the rules' examples.
    public enum ExampleReading: Sendable {
        /// Each example is made into a snapshot, and what is wrong with it reported: for `validate`, `test` and whatever
        /// shows or runs the examples.
        case decoded
        /// Only their form is checked (both kinds given, each a mapping, `findings` a positive number on a violating one),
        /// and the rules carry no examples. An audit, which never evaluates the examples, reads the rules so: making them
        /// into snapshots was about two fifths of the work of loading the rules, before any of the audit's own work.
        case formOnly
    }

    /// The nearest folder above `path` that holds a `catalog/` folder: the rules folder a rule file belongs to.
    static func enclosingRulesFolder(of path: String) -> String? {
        var url = URL(fileURLWithPath: path).deletingLastPathComponent()
        for _ in 0..<8 {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("catalog").path, isDirectory: &isFolder), isFolder.boolValue {
                let relative = url.path.hasPrefix(FileManager.default.currentDirectoryPath + "/")
                    ? String(url.path.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : url.path
                return relative
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return nil
    }

    /// Loads `directory/catalog` and every pack folder beside it; the rule files are compiled by `workers`.
    public static func load(directory: String, workers: WorkerPool = .perProcessor, examples: ExampleReading = .decoded) -> LoadResult {
        var engine = DiagnosticEngine()
        var sources = SourceFileSet()
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: base, isDirectory: &isFolder)
        guard exists, isFolder.boolValue else {
            // One message, not a second one about the catalogue inside a folder that is not there.
            if exists {
                let enclosing = RuleSet.enclosingRulesFolder(of: base)
                engine.emit(Diagnostic("rules.notAFolder", message: "给出的是一个文件，不是规则文件夹", at: SourceLocation(path: base, line: 1, column: 1),
                                       help: "规则要和法规目录、其他规则一起检查：bianzhi validate \(enclosing ?? "Rules")（其中这个文件的错误也会报告）"))
            } else {
                engine.emit(Diagnostic("rules.notFound", message: "找不到规则文件夹", at: SourceLocation(path: base, line: 1, column: 1),
                                       help: "规则文件夹含 catalog/ 和各规则包的子文件夹（项目中的 Rules/）；在项目根目录下运行，或用 --rules 给出它的路径"))
            }
            return LoadResult(ruleSet: RuleSet(rules: [], packs: [], catalog: RegulationCatalog(), directory: base), diagnostics: engine, sources: sources)
        }
        let catalogResult = RegulationCatalog.load(directory: base + "/catalog")
        engine.merge(catalogResult.diagnostics)
        sources.merge(catalogResult.sources)
        var rules: [Rule] = []
        var packs: [String] = []
        let manager = FileManager.default
        let entries = ((try? manager.contentsOfDirectory(atPath: base)) ?? []).sorted()
        // Every rule file, pack after pack; pack.yaml's problems come before its files' (in the order of `units`).
        var units: [LoadUnit] = []
        for pack in entries where pack != "catalog" && !pack.hasPrefix(".") {
            var packIsDirectory: ObjCBool = false
            guard manager.fileExists(atPath: base + "/" + pack, isDirectory: &packIsDirectory), packIsDirectory.boolValue else { continue }
            packs.append(pack)
            var packEngine = DiagnosticEngine()
            let regions = packRegions(base + "/" + pack + "/pack.yaml", engine: &packEngine)
            units.append(.pack(packEngine))
            for file in yamlFiles(in: base + "/" + pack) where !file.hasSuffix("/pack.yaml") {
                units.append(.file(path: file, pack: pack, regions: regions))
            }
        }
        // Files are read, parsed and compiled in parallel (each depends only on the catalogue), then taken in order:
        // the rules and the diagnostics are the same whatever the number of workers.
        let (catalog, pieces) = (catalogResult.catalog, units)
        let loaded = workers.map(pieces.count) { index in RuleSet.load(pieces[index], catalog: catalog, examples: examples) }
        for unit in loaded {
            engine.merge(unit.diagnostics)
            rules.append(contentsOf: unit.rules)
            if let source = unit.problemSource { sources.add(source) }
        }
        // Rule ids are unique across packs; an override names a rule that exists.
        var seen: [String: Rule] = [:]
        var unique: [Rule] = []
        for rule in rules {
            if let first = seen[rule.id] {
                engine.emit(Diagnostic("rules.duplicateID", message: "规则编号 '\(rule.id)' 重复：编号在所有规则包中必须唯一",
                                       at: rule.location, notes: [DiagnosticNote("'\(rule.id)' 第一次定义在此", at: first.location)],
                                       help: "给新规则另取编号；已发布的编号不改名"))
                continue
            }
            seen[rule.id] = rule
            unique.append(rule)
        }
        for rule in unique {
            if let target = rule.overrides, seen[target] == nil {
                engine.emit(Diagnostic("rules.unknownOverride", message: "overrides 指向的规则 '\(target)' 不存在", at: rule.location,
                                       help: Suggestion.closest(to: target, in: Array(seen.keys)).map { "是否要写 '\($0)'？" }))
            }
        }
        for diagnostic in engine.diagnostics {
            if let path = diagnostic.location?.path, sources[path] == nil, let bytes = RegularFile.bytes(at: path) {
                sources.add(SourceFile(path: path, bytes: bytes))
            }
        }
        unique.sort { $0.id < $1.id }
        return LoadResult(ruleSet: RuleSet(rules: unique, packs: packs, catalog: catalogResult.catalog, directory: base),
                          diagnostics: engine, sources: sources)
    }

    /// A piece of `load`'s work: the problems of a pack's `pack.yaml`, or a rule file to read.
    enum LoadUnit: Sendable {
        case pack(DiagnosticEngine)
        case file(path: String, pack: String, regions: [String]?)
    }

    /// What one piece of work gave: rules, problems, and the file's text when it had problems (to show them).
    struct LoadedUnit: Sendable {
        var rules: [Rule] = []
        var diagnostics = DiagnosticEngine()
        var problemSource: SourceFile?
    }

    /// Reads, parses and compiles one rule file (or passes a pack's problems on).
    static func load(_ unit: LoadUnit, catalog: RegulationCatalog, examples: ExampleReading = .decoded) -> LoadedUnit {
        var loaded = LoadedUnit()
        switch unit {
        case .pack(let engine):
            loaded.diagnostics = engine
        case let .file(path, pack, regions):
            guard let bytes = RegularFile.bytes(at: path) else {
                loaded.diagnostics.emit(Diagnostic("rules.unreadable", message: "无法读取文件：\(RegularFile.reason(at: path))",
                                                   at: SourceLocation(path: path, line: 1, column: 1)))
                return loaded
            }
            let source = SourceFile(path: path, bytes: bytes)
            let parsed = YAMLParser.parse(source)
            var hadProblem = !parsed.errors.isEmpty
            for error in parsed.errors {
                loaded.diagnostics.emit(error.diagnostic(emptyFileHelp: "规则文件是规则的列表，每条以 `- id: …` 开始（见 docs/rule-tutorial.md）；不用的文件请删除"))
            }
            if let root = parsed.root, parsed.errors.isEmpty {
                var decoder = RuleDecoder(file: source, pack: pack, catalog: catalog, examples: examples)
                loaded.rules = decoder.decodeFile(root).map { rule in
                    var scoped = rule
                    scoped.regions = regions
                    return scoped
                }
                loaded.diagnostics.emit(contentsOf: decoder.diagnostics)
                hadProblem = hadProblem || !decoder.diagnostics.isEmpty
            }
            if hadProblem { loaded.problemSource = source }
        }
        return loaded
    }

    /// `pack.yaml`: `pack`, `title`, `local`, and `regions` (region-code prefixes where a local pack applies).
    static func packRegions(_ path: String, engine: inout DiagnosticEngine) -> [String]? {
        guard let bytes = RegularFile.bytes(at: path) else { return nil }
        let source = SourceFile(path: path, bytes: bytes)
        let parsed = YAMLParser.parse(source)
        for error in parsed.errors { engine.emit(error.diagnostic(emptyFileHelp: "pack.yaml 写 `pack: 包名`，地方包另写 `local: true` 和 `regions: [区划代码前缀]`")) }
        guard let root = parsed.root else { return nil }
        guard case .mapping(let pairs) = root.kind else {
            engine.emit(Diagnostic("rules.packShape", message: "pack.yaml 应为映射（字段: 值），实际是\(root.kindDescription)",
                                   at: SourceLocation(path: path, line: Int(root.start.line), column: Int(root.start.column)),
                                   help: "写 `pack: 包名`、`title: 标题`；地方包另写 `local: true` 和 `regions: [区划代码前缀]`"))
            return nil
        }
        var regions: [String]?
        let allowed = ["pack", "title", "local", "regions", "description"]
        for pair in pairs {
            let key = pair.key.scalar?.value ?? ""
            let at = SourceLocation(path: path, line: Int(pair.key.start.line), column: Int(pair.key.start.column))
            guard allowed.contains(key) else {
                engine.emit(Diagnostic("rules.unknownField", message: "未知字段 '\(key)'：pack.yaml 中没有这个字段", at: at,
                                       help: Suggestion.closest(to: key, in: allowed).map { "是否要写 '\($0)'？" }))
                continue
            }
            if key == "regions" {
                guard case .sequence(let items) = pair.value.kind, !items.isEmpty else {
                    engine.emit(Diagnostic("rules.typeMismatch", message: "regions 应为区划代码前缀的列表，如 [\"99\"]", at: at))
                    continue
                }
                regions = items.compactMap { $0.scalar?.value }
            }
        }
        return regions
    }

    static func yamlFiles(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let lower = relative.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { found.append(folder + "/" + relative) }
        }
        return found.sorted()
    }
}
