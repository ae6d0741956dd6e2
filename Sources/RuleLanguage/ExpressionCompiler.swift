import Diagnostics
import Schema

/// Type-checks expressions against the snapshot schema and compiles them to closures.
///
/// Names are resolved to slots here, once; field names to slot indices of their record;
/// enum values to case indices. Evaluation then reads `slots[i]` and `values[j]` only.
/// Errors are collected with the byte range of the offending text.
public struct ExpressionCompiler {
    struct Variable {
        var root: Access.Root
        var type: RuleType
    }

    var variables: [String: Variable] = [:]
    var narrowedPaths: Set<String> = []
    public private(set) var slotCount = 0
    /// Lambda parameters declared so far (each has a place in the frame's `elements`).
    private var elementCount = 0
    /// The text being compiled, to quote sub-expressions in messages.
    private var currentText: [UInt8] = []
    public private(set) var errors: [SemaError] = []
    /// True when an expression needs the roster index (`rosters_of`, `roster`).
    public private(set) var usesRoster = false
    /// True when an expression reads the whole roster as a list (`roster`).
    public private(set) var readsRosterList = false
    /// The slots of the variables named by the expressions compiled so far (see `forgetReadSlots`).
    public private(set) var readSlots: Set<Int> = []
    /// The same, never forgotten: every variable slot any expression has named.
    public private(set) var allReadSlots: Set<Int> = []
    /// The record fields expressions read by name, as the record type's name and the field's slot (`it.approved.staffing`
    /// reads `Institution.approved` and `Approved.staffing`). What an audit must keep of records it summarises.
    public private(set) var fieldsRead: Set<FieldRead> = []
    /// True when an expression looks an institution up by its id (`institution(…)`).
    public private(set) var looksUpInstitutions = false
    /// True while every `rosters_of` call asks for the subject's own id, as `rosters_of(it.id)`: the answer then
    /// depends only on that person's own rows, wherever they are.
    public private(set) var rostersOfOwnIDOnly = true
    /// The frame element of the subject `it` (see `declareBound`).
    private var subjectElement: Int?
    var groupTypes: [String: (key: RuleType, item: RuleType)] = [:]
    /// Indexed `count` call sites compiled so far (each has a place in the frame's cache).
    var countSites = 0

    public init() {}

    // MARK: Variables

    /// Declares a variable visible to later expressions; returns its slot.
    @discardableResult
    public mutating func declare(_ name: String, type: RuleType) -> Int {
        let slot = slotCount
        slotCount += 1
        variables[name] = Variable(root: .slot(slot), type: type)
        return slot
    }

    /// Declares a variable that stands for a value the caller keeps alive and points the frame at
    /// (`EvalFrame.bind(_:to:)`): the subject `it` and its `institution`. Binding one costs no reference
    /// counting, unlike storing it in a slot. Returns its place in the frame's `elements`.
    public mutating func declareBound(_ name: String, type: RuleType) -> Int {
        let element = declareElement(name, type: type)
        if name == "it" { subjectElement = element }
        return element
    }

    /// Declares the parameter of a lambda; returns its place in the frame's `elements`.
    mutating func declareElement(_ name: String, type: RuleType) -> Int {
        let element = elementCount
        elementCount += 1
        variables[name] = Variable(root: .element(element), type: type)
        return element
    }

    public func isDeclared(_ name: String) -> Bool { variables[name] != nil }

    /// Declares a name whose definition had errors: uses of it compile to nothing, silently,
    /// so one mistake is reported once rather than at every use.
    public mutating func declareFailed(_ name: String) {
        variables[name] = Variable(root: .slot(-1), type: .null)
    }

    mutating func appendError(_ error: SemaError) { errors.append(error) }

    /// Forgets the errors recorded since `start` (of a tentative compilation).
    mutating func discardErrors(from start: Int) {
        errors.removeSubrange(start...)
    }

    mutating func shiftErrorRanges(from start: Int, by offset: Int) {
        for index in start..<errors.count {
            let range = errors[index].range
            errors[index].range = (range.lowerBound + offset)..<(range.upperBound + offset)
        }
    }

    /// Forgets collected errors (after they have been turned into diagnostics).
    public mutating func takeErrors() -> [SemaError] {
        defer { errors = [] }
        return errors
    }

    public mutating func noteRosterUse() { usesRoster = true }

    mutating func noteInstitutionLookup() { looksUpInstitutions = true }

    /// Notes a `rosters_of` call on `argument`: whether it is the subject's own id (`it.id`, with `it` the subject
    /// and not a lambda's parameter of that name).
    mutating func noteRostersOf(_ argument: Expr) {
        if argument.path == "it.id", case .element(let element)? = variables["it"]?.root, element == subjectElement { return }
        rostersOfOwnIDOnly = false
    }

    /// Starts a new record of the slots expressions read (`readSlots`), to learn what one expression depends on.
    public mutating func forgetReadSlots() { readSlots = [] }

    // MARK: Entry points

    /// Parses and checks an expression; nil when it has errors (collected in `errors`).
    public mutating func compile(_ text: String, expecting expected: RuleType? = nil) -> Typed? {
        currentText = Array(text.utf8)
        switch Parser.parse(text) {
        case .failure(let error):
            errors.append(SemaError("parse.syntax", error.message, help: error.help, range: error.range))
            return nil
        case .success(let expr):
            guard let typed = compile(expr, expected: expected) else { return nil }
            if let expected, expected == .bool {
                return requireType(typed, .bool, at: expr.range, what: "条件")
            }
            return typed
        }
    }

    // MARK: Checking

    mutating func fail(_ id: String, _ message: String, help: String? = nil, at range: Range<Int>) -> Typed? {
        errors.append(SemaError(id, message, help: help, range: range))
        return nil
    }

    /// `typed` computed once, now, when all its operands are constants and computing it succeeds
    /// (`date(2019, 8, 5)`, `-3`); otherwise `typed` unchanged. Only for operations that read
    /// nothing but their operands.
    func folded(_ typed: Typed, _ operands: Typed...) -> Typed {
        guard typed.constant == nil, operands.allSatisfy({ $0.constant != nil }) else { return typed }
        var frame = EvalFrame(slotCount: 0, stepLimit: Int.max, context: .empty)
        guard let value = try? typed.evaluate(&frame) else { return typed }
        return Typed(constant: value, type: typed.type)
    }

    /// The expression must not be optional here.
    mutating func requirePresent(_ typed: Typed, at expr: Expr) -> Typed? {
        guard typed.type.isOptional else { return typed }
        let shown = expr.path ?? quote(expr.range)
        return fail("sema.optionalUse", "'\(shown)' 可能为空（\(typed.type.displayName)），须说明为空时怎么办",
                    help: "给出默认值：\(shown) ?? …；或先判断：has(\(shown)) and …", at: expr.range)
    }

    /// The source text of a range of the expression being compiled.
    func quote(_ range: Range<Int>) -> String {
        guard range.lowerBound >= 0, range.upperBound <= currentText.count else { return "该值" }
        return String(decoding: currentText[range], as: UTF8.self)
    }

    mutating func requireType(_ typed: Typed, _ type: RuleType, at range: Range<Int>, what: String) -> Typed? {
        if typed.type == type { return typed }
        if typed.type.isOptional, typed.type.unwrapped == type {
            return fail("sema.optionalUse", "\(what)可能为空（\(typed.type.displayName)），须说明为空时怎么办",
                        help: "用 ?? 给出默认值，或先用 has(…) 判断", at: range)
        }
        return fail("sema.typeMismatch", "\(what)应为\(type.displayName)，实际是\(typed.type.displayName)", at: range)
    }

    mutating func compile(_ expr: Expr, expected: RuleType?) -> Typed? {
        guard var typed = compileNode(expr, expected: expected) else { return nil }
        // A value proven present by `has(...)` (or `!= null`) on this path is no longer optional here.
        if typed.type.isOptional, let path = expr.path, narrowedPaths.contains(path) {
            typed.type = typed.type.unwrapped
        }
        return typed
    }

    private mutating func compileNode(_ expr: Expr, expected: RuleType?) -> Typed? {
        switch expr.kind {
        case .integer(let value):
            return Typed(constant: .int(value), type: .int)
        case .string(let text):
            if case .enumeration(let enumType)? = expected?.unwrapped {
                guard let index = enumType.index(of: text) else {
                    return unknownEnumValue(text, enumType, at: expr.range)
                }
                return Typed(constant: .enumCase(index), type: .enumeration(enumType))
            }
            return Typed(constant: .string(text), type: .string)
        case .bool(let value):
            return Typed(constant: .bool(value), type: .bool)
        case .null:
            return Typed(constant: .null, type: .null)
        case .identifier(let name):
            return compileIdentifier(name, expr: expr, expected: expected)
        case let .member(base, name, nameRange):
            return compileMember(base, name: name, nameRange: nameRange, expr: expr)
        case let .call(name, nameRange, arguments):
            return compileCall(name, nameRange: nameRange, arguments: arguments, expr: expr, expected: expected)
        case .lambda:
            return fail("parse.lambda", "'x -> …' 只能作为集合函数的参数", at: expr.range)
        case .list(let items):
            return compileList(items, expr: expr, expected: expected)
        case .not(let operand):
            guard let inner = compile(operand, expected: .bool),
                  let checked = requireType(inner, .bool, at: operand.range, what: "not 的操作数") else { return nil }
            let test = checked.test
            // `not` of one field test is that test reversed.
            var leading: LeadingTests?
            if let inner = checked.leadingTests, inner.coversAll, inner.tests.count == 1 { leading = .single(inner.tests[0].negated) }
            return folded(Typed(test: { frame in !(try test(&frame)) }, leading: leading), checked)
        case .negate(let operand):
            guard let inner = compile(operand, expected: .int),
                  let checked = requireType(inner, .int, at: operand.range, what: "负号的操作数") else { return nil }
            let evaluate = checked.evaluate
            return folded(Typed(.int) { frame in
                let (negated, overflow) = 0.subtractingReportingOverflow(try evaluate(&frame).intValue ?? 0)
                guard !overflow else { throw EvalError.integerOverflow }
                return .int(negated)
            }, checked)
        case let .binary(op, left, right):
            return compileBinary(op, left, right, expr: expr)
        case let .conditional(condition, then, otherwise):
            guard let test = compile(condition, expected: .bool),
                  let checkedTest = requireType(test, .bool, at: condition.range, what: "if 的条件") else { return nil }
            let saved = narrowedPaths
            narrowedPaths.formUnion(ExpressionCompiler.provenPresent(condition, when: true))
            let thenTyped = compile(then, expected: expected)
            narrowedPaths = saved
            narrowedPaths.formUnion(ExpressionCompiler.provenPresent(condition, when: false))
            let elseTyped = compile(otherwise, expected: thenTyped?.type ?? expected)
            narrowedPaths = saved
            guard let thenTyped, let elseTyped else { return nil }
            guard let type = RuleType.unify(thenTyped.type, elseTyped.type) else {
                return fail("sema.typeMismatch", "then 分支是\(thenTyped.type.displayName)，else 分支是\(elseTyped.type.displayName)，两者应为同一类型",
                            at: expr.range)
            }
            let (c, a, b) = (checkedTest.test, thenTyped.evaluate, elseTyped.evaluate)
            if type == .bool {
                let (x, y) = (thenTyped.test, elseTyped.test)
                return Typed(type, { frame in try c(&frame) ? try a(&frame) : try b(&frame) },
                             test: { frame in try c(&frame) ? try x(&frame) : try y(&frame) })
            }
            return Typed(type) { frame in try c(&frame) ? try a(&frame) : try b(&frame) }
        }
    }

    private mutating func compileIdentifier(_ name: String, expr: Expr, expected: RuleType?) -> Typed? {
        if let variable = variables[name] {
            if case .slot(let slot) = variable.root {
                if slot < 0 { return nil }
                readSlots.insert(slot)
                allReadSlots.insert(slot)
            }
            if name == "roster" {
                usesRoster = true
                readsRosterList = true
            }
            let type = narrowedPaths.contains(name) ? variable.type.unwrapped : variable.type
            return Typed(type, access: Access(variable.root))
        }
        if case .enumeration(let enumType)? = expected?.unwrapped {
            guard let index = enumType.index(of: name) else { return unknownEnumValue(name, enumType, at: expr.range) }
            return Typed(constant: .enumCase(index), type: .enumeration(enumType))
        }
        // An enum value named without context: accepted when exactly one enumeration has it.
        let matches = SnapshotSchema.enums.compactMap { enumType in enumType.index(of: name).map { (enumType, $0) } }
        if matches.count == 1, let (enumType, index) = matches.first {
            return Typed(constant: .enumCase(index), type: .enumeration(enumType))
        }
        if matches.count > 1 {
            return fail("sema.ambiguousEnum", "'\(name)' 可以是\(matches.map(\.0.label).joined(separator: "、"))中的值，此处无法确定",
                        help: "与一个有类型的值比较，如 p.establishment == \(name)", at: expr.range)
        }
        if name.unicodeScalars.contains(where: { "“”‘’「」".unicodeScalars.contains($0) }) {
            let inner = String(name.unicodeScalars.filter { !"“”‘’「」".unicodeScalars.contains($0) })
            return fail("sema.unknownName", "未知的名称 '\(name)'：中文引号不是字符串的引号",
                        help: "文本用英文引号写：\"\(inner)\"（在 YAML 的双引号里写 \\\"\(inner)\\\"，或整个表达式改用单引号 '…'）", at: expr.range)
        }
        var candidates = Array(variables.keys) + Builtins.names
        candidates += SnapshotSchema.enums.flatMap { $0.cases.map(\.name) }
        let suggestion = Suggestion.closest(to: name, in: candidates)
        return fail("sema.unknownName", "未知的名称 '\(name)'",
                    help: suggestion.map { "是否要写 '\($0)'？" }
                        ?? "可用的名称：\(variables.keys.sorted().joined(separator: ", "))；自己的中间值先在 let: 下定义，如 let: {\(name): count(it.staff)}",
                    at: expr.range)
    }

    private mutating func unknownEnumValue(_ text: String, _ enumType: EnumType, at range: Range<Int>) -> Typed? {
        let suggestion = Suggestion.closest(to: text, in: enumType.spellings)
        let allowed = enumType.cases.map { "\($0.name)（\($0.label)）" }.joined(separator: ", ")
        return fail("sema.unknownEnumValue", "'\(text)' 不是\(enumType.label) (\(enumType.name)) 的值",
                    help: suggestion.map { "是否要写 '\($0)'？" } ?? "可用的值：\(allowed)", at: range)
    }

    private mutating func compileMember(_ base: Expr, name: String, nameRange: Range<Int>, expr: Expr) -> Typed? {
        guard let baseTyped = compile(base, expected: nil) else { return nil }
        guard let present = requirePresent(baseTyped, at: base) else { return nil }
        guard case .record(let record) = present.type else {
            return fail("sema.notARecord", "\(present.type.displayName) 没有字段 '\(name)'", at: nameRange)
        }
        let fieldType: RuleType
        let slot: Int
        if let group = groupTypes[record.name] {
            switch name {
            case "key": (fieldType, slot) = (group.key, 0)
            case "items": (fieldType, slot) = (.list(group.item), 1)
            case "count": (fieldType, slot) = (.int, 2)
            default:
                return fail("sema.unknownField", "分组没有字段 '\(name)'", help: "分组的字段：key, items, count", at: nameRange)
            }
        } else {
            guard let index = record.slot(of: name) else {
                let suggestion = Suggestion.closest(to: name, in: record.fields.map(\.name))
                let labelMatch = record.fields.first { EnumType.normalize($0.label) == EnumType.normalize(name) }?.name
                let help = labelMatch.map { "字段名请写 '\($0)'" } ?? suggestion.map { "是否要写 '\($0)'？" }
                    ?? "\(record.label) (\(record.name)) 的字段：\(record.fields.map(\.name).joined(separator: ", "))"
                return fail("sema.unknownField", "\(record.label) (\(record.name)) 没有字段 '\(name)'", help: help, at: nameRange)
            }
            slot = index
            fieldType = RuleType(field: record.fields[index])
            fieldsRead.insert(FieldRead(record: record.name, slot: index))
        }
        let type = expr.path.map { narrowedPaths.contains($0) } == true ? fieldType.unwrapped : fieldType
        if let access = present.access?.appending(slot) {
            return Typed(type, access: access)
        }
        let evaluate = present.evaluate
        return Typed(type) { frame in
            Access.field(try evaluate(&frame), slot) { $0 }
        }
    }

    private mutating func compileList(_ items: [Expr], expr: Expr, expected: RuleType?) -> Typed? {
        if items.isEmpty { return Typed(constant: .list([]), type: expected?.elementType != nil ? expected! : .emptyList) }
        var elementType = expected?.elementType
        if elementType == .null { elementType = nil }
        var compiled: [Typed] = []
        var failed = false
        for item in items {
            guard let typed = compile(item, expected: elementType) else { failed = true; continue }
            if let current = elementType {
                guard let unified = RuleType.unify(current, typed.type) else {
                    _ = fail("sema.typeMismatch", "列表元素应为\(current.displayName)，实际是\(typed.type.displayName)", at: item.range)
                    failed = true
                    continue
                }
                elementType = unified
            } else {
                elementType = typed.type
            }
            compiled.append(typed)
        }
        guard !failed, let elementType else { return nil }
        if compiled.allSatisfy({ $0.constant != nil }) {
            return Typed(constant: .list(compiled.compactMap(\.constant)), type: .list(elementType))
        }
        let evaluators = compiled.map(\.evaluate)
        return Typed(.list(elementType)) { frame in
            var values: [Value] = []
            values.reserveCapacity(evaluators.count)
            for evaluate in evaluators { values.append(try evaluate(&frame)) }
            return .list(values)
        }
    }

    /// Paths that are certainly present when `condition` evaluates to `when`.
    static func provenPresent(_ condition: Expr, when: Bool) -> Set<String> {
        switch condition.kind {
        case let .call("has", _, arguments) where arguments.count == 1 && when:
            return arguments[0].path.map { [$0] } ?? []
        case .not(let inner):
            return provenPresent(inner, when: !when)
        case let .binary(.and, left, right) where when:
            return provenPresent(left, when: true).union(provenPresent(right, when: true))
        case let .binary(.or, left, right) where !when:
            return provenPresent(left, when: false).union(provenPresent(right, when: false))
        case let .binary(.notEqual, value, other) where when, let .binary(.equal, value, other) where !when:
            if case .null = other.kind { return value.path.map { [$0] } ?? [] }
            if case .null = value.kind { return other.path.map { [$0] } ?? [] }
            return []
        default:
            return []
        }
    }

    // MARK: Lambdas

    /// Compiles `x -> body` with `x` a new lambda parameter of `elementType` (see `EvalFrame.forEach`).
    mutating func compileLambda(_ expr: Expr, elementType: RuleType, expected: RuleType?, function: String) -> (parameter: Int, body: Typed)? {
        guard case let .lambda(parameter, _, body) = expr.kind else {
            _ = fail("sema.expectedLambda", "\(function) 的第二个参数应为 'x -> …' 形式的函数", help: "如 \(function)(it.staff, p -> p.establishment == administrative)",
                     at: expr.range)
            return nil
        }
        let saved = variables[parameter]
        let savedNarrowed = narrowedPaths
        narrowedPaths = narrowedPaths.filter { $0 != parameter && !$0.hasPrefix(parameter + ".") }
        let element = declareElement(parameter, type: elementType)
        let typed = compile(body, expected: expected)
        variables[parameter] = saved
        narrowedPaths = savedNarrowed
        guard let typed else { return nil }
        return (element, typed)
    }

    mutating func registerGroup(key: RuleType, item: RuleType) -> RecordType {
        let record = SyntheticRecords.group(key: key, item: item)
        groupTypes[record.name] = (key, item)
        return record
    }
}

/// A record field named in an expression: the record type's name and the field's slot.
public struct FieldRead: Hashable, Sendable {
    public var record: String
    public var slot: Int

    public init(record: String, slot: Int) {
        self.record = record
        self.slot = slot
    }
}
