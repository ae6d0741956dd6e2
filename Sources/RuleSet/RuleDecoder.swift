import Catalog
import Diagnostics
import RuleLanguage
import Schema
import SnapshotLoader
import YAMLLoader

/// Decodes and compiles the rules of one file. Every problem becomes a located
/// diagnostic: unknown keys with suggestions, type errors at the exact column
/// inside the expression, citations the catalogue lacks, examples that do not decode.
struct RuleDecoder {
    let file: SourceFile
    let pack: String
    let catalog: RegulationCatalog
    private let locator: ExpressionLocator
    /// Whether examples are made into snapshots or only their form checked.
    let examples: RuleSet.ExampleReading
    var diagnostics: [Diagnostic] = []

    init(file: SourceFile, pack: String, catalog: RegulationCatalog, examples: RuleSet.ExampleReading = .decoded) {
        self.file = file
        self.pack = pack
        self.catalog = catalog
        self.examples = examples
        self.locator = ExpressionLocator(file: file)
    }

    // MARK: Helpers

    mutating func error(_ id: DiagnosticID, _ message: String, at node: YAMLNode, help: String? = nil,
                        severity: Severity = .error, notes: [DiagnosticNote] = []) {
        diagnostics.append(Diagnostic(id, severity: severity, message: message, at: locator.start(of: node),
                                      end: node.start.line == node.end.line ? locator.end(of: node) : nil, notes: notes, help: help))
    }

    /// The pairs of a mapping, reporting keys not in `allowed` (with a suggestion).
    mutating func pairs(of node: YAMLNode, allowed: [String], what: String) -> [String: YAMLPair]? {
        guard case .mapping(let list) = node.kind else {
            error("rule.typeMismatch", "\(what)应为映射（key: value），实际是\(node.kindDescription)", at: node)
            return nil
        }
        var result: [String: YAMLPair] = [:]
        for pair in list {
            guard let key = pair.key.scalar?.value else { continue }
            guard allowed.contains(key) else {
                let suggestion = Suggestion.closest(to: key, in: allowed)
                error("rule.unknownField", "未知字段 '\(key)'：\(what)中没有这个字段", at: pair.key,
                      help: suggestion.map { "是否要写 '\($0)'？" } ?? "可用的字段：\(allowed.joined(separator: ", "))")
                continue
            }
            result[key] = pair
        }
        return result
    }

    mutating func string(_ node: YAMLNode, what: String, isExpression: Bool = false) -> String? {
        guard let scalar = node.scalar, !scalar.isNull else {
            let collection = node.kindDescription.contains("列表") || node.kindDescription.contains("映射")
            error("rule.typeMismatch", "\(what) 应为文本，实际是\(node.kindDescription)", at: node,
                  help: isExpression && collection ? "以 [ 或 { 开头的表达式请整体加引号，如 \"[a, b]\"" : (collection ? "这里只写一个值，不是列表" : nil))
            return nil
        }
        return scalar.value
    }

    mutating func integer(_ node: YAMLNode, what: String) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.value), value >= 1 else {
            error("rule.typeMismatch", "\(what) 应为正整数", at: node, help: "条、款、项、部分都写阿拉伯数字，如 article: 6")
            return nil
        }
        return value
    }

    mutating func date(_ node: YAMLNode, what: String) -> CivilDate? {
        guard let text = node.scalar?.value, let value = CivilDate(parsing: text) else {
            error("rule.badDate", "\(what)应为 YYYY-MM-DD 格式的有效日期", at: node)
            return nil
        }
        return value
    }

    /// Compiles the expression in `node`, reporting errors at their place inside the YAML text.
    mutating func expression(_ node: YAMLNode, with compiler: inout ExpressionCompiler, expecting: RuleType?, what: String) -> Typed? {
        guard let text = string(node, what: what, isExpression: true) else { return nil }
        let typed = compiler.compile(text, expecting: expecting)
        report(compiler.takeErrors(), in: node)
        return typed
    }

    mutating func report(_ errors: [SemaError], in node: YAMLNode) {
        for semaError in errors {
            let start = locator.location(ofOffset: semaError.range.lowerBound, in: node)
            let end = locator.location(ofOffset: semaError.range.upperBound, in: node)
            diagnostics.append(Diagnostic(DiagnosticID(semaError.id), message: semaError.message, at: start,
                                          end: end.line == start.line ? end : nil, help: semaError.help))
        }
    }

    // MARK: Files

    /// The rules of a file: a list of rules, or a mapping with `rules:`.
    mutating func decodeFile(_ root: YAMLNode) -> [Rule] {
        var list: [YAMLNode] = []
        switch root.kind {
        case .sequence(let items):
            list = items
        case .mapping:
            guard let keys = pairs(of: root, allowed: ["rules"], what: "规则文件") else { return [] }
            guard let rules = keys["rules"]?.value else {
                error("rule.fileShape", "规则文件应为规则列表，或含 'rules:' 列表的映射", at: root, help: "在文件开头写 `rules:`，下面每条规则以 `- id: …` 开始")
                return []
            }
            guard case .sequence(let items) = rules.kind else {
                if rules.scalar?.isNull == true { return [] }
                error("rule.fileShape", "'rules:' 应为规则列表", at: rules, help: "每条规则另起一行，以 `- id: …` 开始")
                return []
            }
            list = items
        default:
            error("rule.fileShape", "规则文件应为规则列表，或含 'rules:' 列表的映射", at: root, help: "每条规则以 `- id: …` 开始（见 docs/rule-tutorial.md）")
        }
        return list.compactMap { decodeRule($0) }
    }

    // MARK: Rules

    mutating func decodeRule(_ node: YAMLNode) -> Rule? {
        guard let keys = pairs(of: node, allowed: RuleFileSchema.keyNames, what: "规则") else { return nil }
        let before = diagnostics.filter { $0.severity == .error }.count
        func required(_ key: String) -> YAMLNode? {
            if let value = keys[key]?.value { return value }
            diagnostics.append(Diagnostic("rule.missingField", message: "规则缺少必填字段 '\(key)'", at: locator.start(of: node),
                                          help: "每条规则需要：id, title, severity, scope, require, message, cite, examples"))
            return nil
        }
        let idNode = required("id")
        let id = idNode.flatMap { string($0, what: "id") } ?? "?"
        if let idNode, id != "?", !RuleFileSchema.isValidID(id) {
            let upper = id.uppercased()
            error("rule.badID", "规则编号 '\(id)' 的写法不对：应为大写字母开头、以 - 分段的编号，如 GW-ST-001", at: idNode,
                  help: RuleFileSchema.isValidID(upper) ? "是否要写 '\(upper)'？" : "写成 包前缀-类别-序号，如 TL-ST-001（只用大写字母、数字和 -）")
        }
        let title = required("title").flatMap { string($0, what: "title") } ?? ""
        var severity = RuleSeverity.error
        if let value = required("severity"), let text = string(value, what: "severity") {
            if let parsed = RuleSeverity(rawValue: text) { severity = parsed } else {
                error("rule.badEnum", "'\(text)' 不是有效的 severity", at: value,
                      help: Suggestion.closest(to: text, in: RuleSeverity.allCases.map(\.rawValue)).map { "是否要写 '\($0)'？" } ?? "可用的值：error, warning, info")
            }
        }
        let description = keys["description"].flatMap { string($0.value, what: "description") }
        var scope = RuleScope.institution
        if let value = required("scope"), let text = string(value, what: "scope") {
            if let parsed = RuleScope(rawValue: text) { scope = parsed } else {
                error("rule.badEnum", "'\(text)' 不是有效的 scope", at: value,
                      help: Suggestion.closest(to: text, in: RuleScope.allCases.map(\.rawValue)).map { "是否要写 '\($0)'？" }
                        ?? "可用的值：\(RuleScope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        // Names visible to every expression of the rule, by scope.
        var compiler = ExpressionCompiler()
        // The subject and its institution are bound in place (see `EvalFrame.bind`), not copied into slots.
        let itSlot = compiler.declareBound("it", type: scope.subjectType)
        let institutionSlot = scope == .person || scope == .event ? compiler.declareBound("institution", type: .record(SnapshotSchema.institution)) : nil
        let regionSlot = compiler.declare("region", type: .record(SnapshotSchema.region))
        let asOfSlot = compiler.declare("as_of", type: .date)
        let institutionsSlot = compiler.declare("institutions", type: .list(.record(SnapshotSchema.institution)))
        let bodiesSlot = compiler.declare("coordination_bodies", type: .list(.record(SnapshotSchema.coordinationBody)))
        let rosterSlot = compiler.declare("roster", type: .list(.record(SyntheticRecords.rosterEntry)))

        var each: Typed?
        var eachName: String?
        var eachSlot: Int?
        var eachSource: String?
        var eachNode: YAMLNode?
        if let pair = keys["each"] {
            if case .mapping(let list) = pair.value.kind, list.count == 1, let name = list[0].key.scalar?.value {
                eachSource = list[0].value.scalar?.value
                eachNode = list[0].value
                if let typed = expression(list[0].value, with: &compiler, expecting: nil, what: "each") {
                    if let element = typed.type.elementType, !typed.type.isOptional {
                        each = typed
                        eachName = name
                        eachSlot = compiler.declare(name, type: element == .null ? .string : element)
                    } else {
                        error("sema.typeMismatch", "each 的值应为列表，实际是\(typed.type.displayName)", at: list[0].value)
                    }
                }
            } else {
                error("rule.eachShape", "each 应为一个绑定：each: {名称: 列表表达式}", at: pair.value, help: "如 each: {unit: it.internal_units}")
            }
        }

        compiler.forgetReadSlots()
        let when = keys["when"].flatMap { expression($0.value, with: &compiler, expecting: .bool, what: "when") }
        // A condition that does not name the `each` element is tested once per subject, before the list is computed.
        let whenReadsEach = eachSlot.map { compiler.readSlots.contains($0) } ?? false

        var lets: [(name: String, slot: Int, type: RuleType, value: Typed)] = []
        var letSources: [(name: String, expression: String)] = []
        var letNodes: [YAMLNode] = []
        if let pair = keys["let"] {
            if case .mapping(let list) = pair.value.kind {
                for entry in list {
                    guard let name = entry.key.scalar?.value else { continue }
                    if compiler.isDeclared(name) {
                        error("rule.nameTaken", "名称 '\(name)' 已被使用", at: entry.key, help: "换一个名称；it、region、as_of、institutions 等是预先定义的名称")
                        continue
                    }
                    letSources.append((name, entry.value.scalar?.value ?? ""))
                    if let typed = expression(entry.value, with: &compiler, expecting: nil, what: "let '\(name)'") {
                        let slot = compiler.declare(name, type: typed.type)
                        lets.append((name, slot, typed.type, typed))
                        letNodes.append(entry.value)
                    } else {
                        // Declare it anyway so later expressions do not also report it as unknown.
                        compiler.declareFailed(name)
                    }
                }
            } else {
                error("rule.typeMismatch", "let 应为映射：名称: 表达式", at: pair.value)
            }
        }

        let requireNode = required("require")
        let require = requireNode.flatMap { expression($0, with: &compiler, expecting: .bool, what: "require") }
        let key = keys["key"].flatMap { expression($0.value, with: &compiler, expecting: nil, what: "key") }
        if let keyPair = keys["key"], keys["each"] == nil {
            error("rule.keyWithoutEach", "key 只能和 each 一起使用", at: keyPair.key)
        }

        var message: MessageTemplate?
        let messageNode = required("message")
        if let node = messageNode, let text = string(node, what: "message") {
            message = MessageTemplate.compile(text, with: &compiler)
            report(compiler.takeErrors(), in: node)
        }

        let citations = required("cite").map { decodeCitations($0) } ?? []
        var effectiveFrom: CivilDate?
        var effectiveUntil: CivilDate?
        if let pair = keys["effective"], let range = pairs(of: pair.value, allowed: ["from", "until"], what: "effective") {
            effectiveFrom = range["from"].flatMap { date($0.value, what: "effective.from") }
            effectiveUntil = range["until"].flatMap { date($0.value, what: "effective.until") }
        }
        let overrides = keys["overrides"].flatMap { string($0.value, what: "overrides") }
        let examplesNode = keys["examples"]?.value
        let examples = decodeExamples(examplesNode, scope: scope, ruleNode: node)

        let errorsNow = diagnostics.filter { $0.severity == .error }.count
        guard errorsNow == before, let require, let message else { return nil }
        let bindings = RuleBindings(it: itSlot, institution: institutionSlot, region: regionSlot, asOf: asOfSlot,
                                    institutions: institutionsSlot, coordinationBodies: bodiesSlot, roster: rosterSlot,
                                    each: eachSlot, lets: lets)
        var source = RuleSource(when: keys["when"]?.value.scalar?.value, each: eachSource, lets: letSources,
                                require: requireNode?.scalar?.value ?? "", message: messageNode?.scalar?.value ?? "",
                                key: keys["key"]?.value.scalar?.value)
        // Where each expression's text starts: inside the quotes or the block, as compile errors point.
        func start(_ node: YAMLNode) -> SourceLocation { locator.location(ofOffset: 0, in: node) }
        source.locations.when = keys["when"].map { start($0.value) }
        source.locations.each = eachNode.map(start)
        source.locations.lets = letNodes.map(start)
        source.locations.require = requireNode.map(start)
        source.locations.key = keys["key"].map { start($0.value) }
        source.locations.message = messageNode.map(start)
        return Rule(id: id, title: title, severity: severity, description: description, scope: scope, pack: pack, regions: nil,
                    location: locator.start(of: node), each: each, eachName: eachName, key: key, when: when, whenReadsEach: whenReadsEach, require: require,
                    message: message, citations: citations, effectiveFrom: effectiveFrom, effectiveUntil: effectiveUntil,
                    overrides: overrides, overridesLocation: keys["overrides"].map { locator.start(of: $0.value) }, examples: examples, bindings: bindings, slotCount: compiler.slotCount,
                    usesRoster: compiler.usesRoster, readsRosterList: compiler.readsRosterList,
                    readsAllSubjects: !compiler.allReadSlots.isDisjoint(with: [institutionsSlot, bodiesSlot, rosterSlot]),
                    looksUpInstitutions: compiler.looksUpInstitutions,
                    rostersOfOwnIDOnly: compiler.rostersOfOwnIDOnly, fieldsRead: compiler.fieldsRead, source: source)
    }

    // MARK: Citations

    mutating func decodeCitations(_ node: YAMLNode) -> [CitationSpec] {
        guard case .sequence(let items) = node.kind, !items.isEmpty else {
            error("rule.missingCitation", "cite 应为至少一条引用的列表", at: node,
                  help: "如 cite: [{source: gwy486, article: 6, paragraph: 2}]")
            return []
        }
        var result: [CitationSpec] = []
        for item in items {
            guard let keys = pairs(of: item, allowed: ["source", "version", "article", "paragraph", "item", "part"], what: "引用") else { continue }
            guard let sourceNode = keys["source"]?.value, let source = string(sourceNode, what: "source") else {
                error("rule.missingField", "引用缺少 'source'", at: item)
                continue
            }
            let location = locator.start(of: item)
            switch source {
            case "sanding":
                let parts = ["functions", "internal_units", "staffing"]
                guard let partNode = keys["part"]?.value, let part = string(partNode, what: "part"), parts.contains(part) else {
                    error("rule.badCitation", "引用三定规定时 part 应为 functions、internal_units 或 staffing 之一", at: keys["part"]?.value ?? item,
                          help: "如 {source: sanding, part: staffing}")
                    continue
                }
                result.append(CitationSpec(target: .sanding(part: part), location: location))
            case "region_limits":
                result.append(CitationSpec(target: .regionLimits, location: location))
            default:
                let article = keys["article"].flatMap { integer($0.value, what: "article") }
                let part = keys["part"].flatMap { integer($0.value, what: "part") }
                let paragraph = keys["paragraph"].flatMap { integer($0.value, what: "paragraph") }
                let itemNumber = keys["item"].flatMap { integer($0.value, what: "item") }
                let version = keys["version"].flatMap { string($0.value, what: "version") }
                let reference = CitationRef(source: source, article: article, part: part, paragraph: paragraph, item: itemNumber, version: version)
                let check = catalog.check(reference, on: nil)
                let anchor = keys["item"]?.value ?? keys["paragraph"]?.value ?? keys["article"]?.value ?? keys["part"]?.value ?? sourceNode
                let target: YAMLNode
                switch check {
                case .unknownSource: target = sourceNode
                case .unknownVersion: target = keys["version"]?.value ?? sourceNode
                default: target = anchor
                }
                if var diagnostic = check.diagnostic(at: locator.start(of: target), end: locator.end(of: target)) {
                    let code = diagnostic.id.rawValue.split(separator: ".").last.map(String.init) ?? "badCitation"
                    diagnostic.id = DiagnosticID(code == "unverified" ? "rule.unverifiedCitation" : "rule." + code)
                    diagnostics.append(diagnostic)
                    if diagnostic.severity == .error { continue }
                }
                result.append(CitationSpec(target: .catalog(reference), location: location))
            }
        }
        return result
    }
}
