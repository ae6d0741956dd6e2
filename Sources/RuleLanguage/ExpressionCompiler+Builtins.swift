import Diagnostics
import Schema

/// The functions of the rule language.
enum Builtins {
    static let names = [
        "count", "sum", "min", "max", "all", "any", "filter", "map", "distinct", "duplicates", "group_by", "is_empty",
        "institution", "rosters_of", "has", "date", "year", "month", "day", "days_between", "months_between",
        "contains", "starts_with", "ends_with", "same_text", "length", "label",
    ]
}

extension ExpressionCompiler {
    private mutating func arity(_ name: String, _ arguments: [Expr], _ counts: ClosedRange<Int>, usage: String, at range: Range<Int>) -> Bool {
        guard counts.contains(arguments.count) else {
            _ = fail("sema.arity", "\(name) 需要 \(counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound)–\(counts.upperBound)") 个参数，实际是 \(arguments.count) 个",
                     help: "用法：\(usage)", at: range)
            return false
        }
        return true
    }

    /// Compiles a list argument and returns it with its element type.
    private mutating func listArgument(_ expr: Expr, function: String) -> (Typed, RuleType)? {
        guard let typed = compile(expr, expected: nil), let present = requirePresent(typed, at: expr) else { return nil }
        guard let element = present.type.elementType else {
            _ = fail("sema.typeMismatch", "\(function) 的第一个参数应为列表，实际是\(present.type.displayName)", at: expr.range)
            return nil
        }
        return (present, element)
    }

    private mutating func argument(_ expr: Expr, _ type: RuleType, function: String, position: String) -> Typed? {
        guard let typed = compile(expr, expected: type) else { return nil }
        return requireType(typed, type, at: expr.range, what: "\(function) 的\(position)参数")
    }

    mutating func compileCall(_ name: String, nameRange: Range<Int>, arguments: [Expr], expr: Expr, expected: RuleType?) -> Typed? {
        switch name {
        case "count":
            guard arity(name, arguments, 1...2, usage: "count(list) 或 count(list, x -> 条件)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name) else { return nil }
            let source = list.evaluate
            if arguments.count == 1 {
                if let length = list.length {
                    return Typed(.int) { frame in .int(try length(&frame)) }
                }
                return folded(Typed(.int, list.operand.map { .int(ExpressionCompiler.count(of: $0)) }), list)
            }
            guard let (parameter, body) = compileLambda(arguments[1], elementType: element, expected: .bool, function: name),
                  let predicate = requireType(body, .bool, at: arguments[1].range, what: "count 的条件") else { return nil }
            let test = predicate.test
            let count: @Sendable ([Value], inout EvalFrame) throws -> Int
            if let scan = ElementScan.of(predicate, parameter: parameter) {
                let counter = ElementScan.counter(scan)
                count = { items, _ in items.withUnsafeBufferPointer(counter) }
            } else {
                count = { items, frame in
                    var total = 0
                    try frame.forEach(items, as: parameter) { frame, _ in
                        if try test(&frame) { total += 1 }
                        return true
                    }
                    return total
                }
            }
            // A condition of the right shape is answered from an index of the list (see `CountPlan`).
            if case let .lambda(parameterName, _, condition) = arguments[1].kind,
               let plan = countPlan(parameter: parameterName, body: condition, elementType: element) {
                return Typed(.int) { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    return .int(try frame.indexedCount(items, plan) ?? count(items, &frame))
                }
            }
            return Typed(.int) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                return .int(try count(items, &frame))
            }

        case "sum":
            guard arity(name, arguments, 1...2, usage: "sum(list) 或 sum(list, x -> 整数)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name) else { return nil }
            let source = list.evaluate
            if arguments.count == 1 {
                guard element == .int || element == .null else {
                    return fail("sema.typeMismatch", "sum 只能对整数列表求和，实际是\(list.type.displayName)", help: "写成 sum(list, x -> x.某个整数字段)", at: arguments[0].range)
                }
                return Typed(.int) { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    var total = 0
                    for item in items {
                        let (sum, overflow) = total.addingReportingOverflow(item.intValue ?? 0)
                        guard !overflow else { throw EvalError.integerOverflow }
                        total = sum
                    }
                    return .int(total)
                }
            }
            guard let (parameter, body) = compileLambda(arguments[1], elementType: element, expected: .int, function: name),
                  let value = requireType(body, .int, at: arguments[1].range, what: "sum 的函数") else { return nil }
            let get = value.evaluate
            return Typed(.int) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var total = 0
                try frame.forEach(items, as: parameter) { frame, _ in
                    let (sum, overflow) = total.addingReportingOverflow(try get(&frame).intValue ?? 0)
                    guard !overflow else { throw EvalError.integerOverflow }
                    total = sum
                    return true
                }
                return .int(total)
            }

        case "min", "max":
            guard arity(name, arguments, 1...2, usage: "\(name)(list) 或 \(name)(list, x -> 值)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name) else { return nil }
            let source = list.evaluate
            let wantMax = name == "max"
            var valueType = element
            var lambda: (parameter: Int, get: Evaluator)?
            if arguments.count == 2 {
                guard let (parameter, body) = compileLambda(arguments[1], elementType: element, expected: nil, function: name),
                      let present = requirePresent(body, at: arguments[1]) else { return nil }
                lambda = (parameter, present.evaluate)
                valueType = present.type
            }
            guard valueType.isOrdered else {
                return fail("sema.notOrdered", "\(name) 需要可比较大小的值（整数、日期、规格、层级），实际是\(valueType.displayName)", at: expr.range)
            }
            let isEnum: Bool
            if case .enumeration = valueType { isEnum = true } else { isEnum = false }
            let getter = lambda
            return Typed(.optional(valueType)) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var best: Value = .null
                func consider(_ value: Value) {
                    if best.isNull {
                        best = value
                    } else {
                        let order = ExpressionCompiler.order(value, best, higherRankIsGreater: isEnum)
                        if wantMax ? order > 0 : order < 0 { best = value }
                    }
                }
                if let getter {
                    try frame.forEach(items, as: getter.parameter) { frame, _ in
                        consider(try getter.get(&frame))
                        return true
                    }
                } else {
                    items.forEach(consider)
                }
                return best
            }

        case "all", "any", "filter":
            guard arity(name, arguments, 2...2, usage: "\(name)(list, x -> 条件)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name),
                  let (parameter, body) = compileLambda(arguments[1], elementType: element, expected: .bool, function: name),
                  let predicate = requireType(body, .bool, at: arguments[1].range, what: "\(name) 的条件") else { return nil }
            let source = list.evaluate
            let test = predicate.test
            let finder = ElementScan.of(predicate, parameter: parameter).map(ElementScan.finder)
            switch name {
            case "all", "any":
                // any is true at the first element that passes; all is false at the first that fails.
                let isAny = name == "any"
                if let finder {
                    return Typed(test: { frame in
                        let items = try source(&frame).listValue ?? []
                        try frame.charge(items.count)
                        let found = items.withUnsafeBufferPointer { finder($0, isAny) } != nil
                        return found ? isAny : !isAny
                    })
                }
                return Typed(test: { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    var stopped = false
                    try frame.forEach(items, as: parameter) { frame, _ in
                        stopped = try test(&frame) == isAny
                        return !stopped
                    }
                    return stopped ? isAny : !isAny
                })
            default:
                if let finder {
                    return Typed(list.type.elementType == .null ? .emptyList : .list(element)) { frame in
                        let items = try source(&frame).listValue ?? []
                        try frame.charge(items.count)
                        // While every element passes, the result is the list itself: no new array.
                        return items.withUnsafeBufferPointer { elements in
                            guard let first = finder(elements, false) else { return .list(items) }
                            var kept = Array(elements[..<first])
                            var start = first + 1
                            while start < elements.count {
                                let rest = UnsafeBufferPointer(rebasing: elements[start...])
                                guard let next = finder(rest, false) else {
                                    kept.append(contentsOf: rest)
                                    break
                                }
                                kept.append(contentsOf: rest[..<next])
                                start += next + 1
                            }
                            return .list(kept)
                        }
                    }
                }
                return Typed(list.type.elementType == .null ? .emptyList : .list(element)) { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    // While every element passes, the result is the list itself: no new array.
                    var kept: [Value]?
                    try frame.forEach(items, as: parameter) { frame, offset in
                        if try test(&frame) {
                            kept?.append(items[offset])
                        } else if kept == nil {
                            kept = Array(items[..<offset])
                        }
                        return true
                    }
                    return .list(kept ?? items)
                }
            }

        case "map":
            guard arity(name, arguments, 2...2, usage: "map(list, x -> 值)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name),
                  let (parameter, body) = compileLambda(arguments[1], elementType: element, expected: nil, function: name) else { return nil }
            let source = list.evaluate
            let transform = body.evaluate
            return Typed(.list(body.type)) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var mapped: [Value] = []
                mapped.reserveCapacity(items.count)
                try frame.forEach(items, as: parameter) { frame, _ in
                    mapped.append(try transform(&frame))
                    return true
                }
                return .list(mapped)
            }

        case "distinct", "duplicates":
            guard arity(name, arguments, 1...1, usage: "\(name)(list)", at: expr.range),
                  let (list, _) = listArgument(arguments[0], function: name) else { return nil }
            let source = list.evaluate
            let onlyRepeated = name == "duplicates"
            return Typed(list.type) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var seen: [Value: Int] = [:]
                var order: [Value] = []
                for item in items {
                    let count = seen[item, default: 0]
                    if count == 0 { order.append(item) }
                    seen[item] = count + 1
                }
                return .list(onlyRepeated ? order.filter { (seen[$0] ?? 0) > 1 } : order)
            }

        case "group_by":
            guard arity(name, arguments, 2...2, usage: "group_by(list, x -> 键)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name),
                  let (parameter, body) = compileLambda(arguments[1], elementType: element, expected: nil, function: name) else { return nil }
            let record = registerGroup(key: body.type, item: element)
            let source = list.evaluate
            let keyOf = body.evaluate
            return Typed(.list(.record(record))) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var groups: [Value: [Value]] = [:]
                var order: [Value] = []
                try frame.forEach(items, as: parameter) { frame, offset in
                    let key = try keyOf(&frame)
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(items[offset])
                    return true
                }
                return .list(order.map { key in
                    let members = groups[key] ?? []
                    return .record(Record(values: [key, .list(members), .int(members.count)], marks: [.none, .none, .none], mark: .none))
                })
            }

        case "is_empty":
            guard arity(name, arguments, 1...1, usage: "is_empty(list)", at: expr.range),
                  let (list, _) = listArgument(arguments[0], function: name) else { return nil }
            return folded(Typed(test: list.operand.predicate(IsEmptyList())), list)

        case "institution":
            guard arity(name, arguments, 1...1, usage: "institution(机构代码)", at: expr.range),
                  let id = argument(arguments[0], .string, function: name, position: "") else { return nil }
            noteInstitutionLookup()
            let get = id.evaluate
            return Typed(.optional(.record(SnapshotSchema.institution))) { frame in
                guard let key = try get(&frame).stringValue else { return .null }
                guard let found = frame.context.institutionsByID[key] else {
                    frame.lookupMissed = true
                    return .null
                }
                return .record(found)
            }

        case "rosters_of":
            guard arity(name, arguments, 1...1, usage: "rosters_of(人员编号)", at: expr.range),
                  let id = argument(arguments[0], .string, function: name, position: "") else { return nil }
            noteRosterUse()
            noteRostersOf(arguments[0])
            let get = id.evaluate
            // `count(rosters_of(…))` asks the index how many rows there are, without making them.
            return Typed(.list(.record(SyntheticRecords.rosterEntry)), { frame in
                guard let key = try get(&frame).stringValue else { return .list([]) }
                return .list(frame.rosters(of: key))
            }, length: { frame in
                guard let key = try get(&frame).stringValue else { return 0 }
                return frame.rosterCount(of: key)
            })

        case "has":
            guard arity(name, arguments, 1...1, usage: "has(可能为空的值)", at: expr.range),
                  let value = compile(arguments[0], expected: nil) else { return nil }
            guard value.type.isOptional || arguments[0].path.map({ narrowedPaths.contains($0) }) == true else {
                return fail("sema.notOptional", "'\(arguments[0].path ?? "该值")' 不可能为空，不需要 has(…)", at: arguments[0].range)
            }
            let operand = value.operand
            return folded(Typed(test: operand.predicate(IsPresent()), leading: operand.fieldTest(.present, negate: false, when: true)), value)

        case "date":
            if arguments.count == 1, case .string(let text) = arguments[0].kind {
                guard let date = CivilDate(parsing: text) else {
                    return fail("sema.badDate", "'\(text)' 不是有效的日期", help: CivilDate.hasDateShape(text) ? "这一天不存在，检查月份和日期" : "写成 YYYY-MM-DD，如 date(\"2019-08-05\")", at: arguments[0].range)
                }
                return Typed(constant: .date(date), type: .date)
            }
            guard arity(name, arguments, 3...3, usage: "date(\"YYYY-MM-DD\") 或 date(年, 月, 日)", at: expr.range) else { return nil }
            let parts = arguments.enumerated().compactMap { index, argument in
                self.argument(argument, .int, function: name, position: ["第一个", "第二个", "第三个"][index])
            }
            guard parts.count == 3 else { return nil }
            let (y, m, d) = (parts[0].evaluate, parts[1].evaluate, parts[2].evaluate)
            let make: @Sendable (Int, Int, Int) throws -> Value = { year, month, day in
                // A day past the end of the month (31 February) is the month's last day: `date(y, m, 31)` is the end
                // of any month. Anything else out of range is an error, never another date or a missing one.
                guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
                      let date = CivilDate(year: year, month: month, day: min(day, CivilDate.daysIn(month: month, year: year))) else {
                    throw EvalError.invalidDate(year: year, month: month, day: day)
                }
                return .date(date)
            }
            if let year = parts[0].constant?.intValue, let month = parts[1].constant?.intValue, let day = parts[2].constant?.intValue,
               (try? make(year, month, day)) == nil {
                return fail("sema.badDate", "date(\(year), \(month), \(day)) 不是有效的日期", help: "年 1–9999，月 1–12，日至少为 1", at: expr.range)
            }
            return folded(Typed(.date) { frame in
                try make(try y(&frame).intValue ?? 0, try m(&frame).intValue ?? 0, try d(&frame).intValue ?? 0)
            }, parts[0], parts[1], parts[2])

        case "year", "month", "day":
            guard arity(name, arguments, 1...1, usage: "\(name)(日期)", at: expr.range),
                  let date = argument(arguments[0], .date, function: name, position: "") else { return nil }
            let get = date.evaluate
            let part = name
            return folded(Typed(.int) { frame in
                guard let value = try get(&frame).dateValue else { return .null }
                let components = value.components
                return .int(part == "year" ? components.year : part == "month" ? components.month : components.day)
            }, date)

        case "days_between", "months_between":
            guard arity(name, arguments, 2...2, usage: "\(name)(开始日期, 结束日期)", at: expr.range),
                  let from = argument(arguments[0], .date, function: name, position: "第一个"),
                  let to = argument(arguments[1], .date, function: name, position: "第二个") else { return nil }
            let (a, b) = (from.evaluate, to.evaluate)
            let months = name == "months_between"
            return folded(Typed(.int) { frame in
                guard let start = try a(&frame).dateValue, let end = try b(&frame).dateValue else { return .null }
                return .int(months ? start.months(to: end) : start.days(to: end))
            }, from, to)

        case "contains", "starts_with", "ends_with", "same_text":
            guard arity(name, arguments, 2...2, usage: "\(name)(文本, 文本)", at: expr.range),
                  let text = argument(arguments[0], .string, function: name, position: "第一个"),
                  let other = argument(arguments[1], .string, function: name, position: "第二个") else { return nil }
            let (a, b) = (text.evaluate, other.evaluate)
            let function = name
            return folded(Typed(test: { frame in
                let x = try a(&frame).stringValue ?? ""
                let y = try b(&frame).stringValue ?? ""
                switch function {
                case "contains": return y.isEmpty || x.contains(y)
                case "starts_with": return x.hasPrefix(y)
                case "ends_with": return x.hasSuffix(y)
                default: return TextNormalization.sameText(x, y)
                }
            }), text, other)

        case "length":
            guard arity(name, arguments, 1...1, usage: "length(文本)", at: expr.range),
                  let text = argument(arguments[0], .string, function: name, position: "") else { return nil }
            let get = text.evaluate
            return folded(Typed(.int) { frame in .int(try get(&frame).stringValue?.count ?? 0) }, text)

        case "label":
            guard arity(name, arguments, 1...1, usage: "label(枚举值)", at: expr.range),
                  let value = compile(arguments[0], expected: nil), let present = requirePresent(value, at: arguments[0]) else { return nil }
            guard case .enumeration(let enumType) = present.type else {
                return fail("sema.typeMismatch", "label 的参数应为枚举值，实际是\(present.type.displayName)", at: arguments[0].range)
            }
            return folded(Typed(.string, present.operand.map { value in
                guard case .enumCase(let index) = value, index < enumType.cases.count else { return .null }
                return .string(enumType.cases[index].label)
            }), present)

        default:
            let suggestion = Suggestion.closest(to: name, in: Builtins.names)
            return fail("sema.unknownFunction", "未知的函数 '\(name)'",
                        help: suggestion.map { "是否要写 '\($0)'？" } ?? "可用的函数：\(Builtins.names.joined(separator: ", "))", at: nameRange)
        }
    }
}

/// `is_empty(value)`: a list without elements (or not a list).
struct IsEmptyList: ValueTest {
    @inline(__always)
    func holds(_ value: Value) -> Bool { ExpressionCompiler.count(of: value) == 0 }
}

extension ExpressionCompiler {
    /// The number of elements of a list value (0 for anything else).
    @inline(__always)
    static func count(of value: Value) -> Int {
        if case .list(let items) = value { return items.count }
        return 0
    }
}
