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
                return Typed(.int) { frame in .int(try source(&frame).listValue?.count ?? 0) }
            }
            guard let (slot, body) = compileLambda(arguments[1], elementType: element, expected: .bool, function: name),
                  let predicate = requireType(body, .bool, at: arguments[1].range, what: "count 的条件") else { return nil }
            let test = predicate.evaluate
            return Typed(.int) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var total = 0
                for item in items {
                    frame.slots[slot] = item
                    if try test(&frame).boolValue == true { total += 1 }
                }
                return .int(total)
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
                    return .int(items.reduce(0) { $0 &+ ($1.intValue ?? 0) })
                }
            }
            guard let (slot, body) = compileLambda(arguments[1], elementType: element, expected: .int, function: name),
                  let value = requireType(body, .int, at: arguments[1].range, what: "sum 的函数") else { return nil }
            let get = value.evaluate
            return Typed(.int) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var total = 0
                for item in items {
                    frame.slots[slot] = item
                    total &+= try get(&frame).intValue ?? 0
                }
                return .int(total)
            }

        case "min", "max":
            guard arity(name, arguments, 1...2, usage: "\(name)(list) 或 \(name)(list, x -> 值)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name) else { return nil }
            let source = list.evaluate
            let wantMax = name == "max"
            var valueType = element
            var slot = -1
            var get: Evaluator?
            if arguments.count == 2 {
                guard let (lambdaSlot, body) = compileLambda(arguments[1], elementType: element, expected: nil, function: name),
                      let present = requirePresent(body, at: arguments[1]) else { return nil }
                slot = lambdaSlot
                get = present.evaluate
                valueType = present.type
            }
            guard valueType.isOrdered else {
                return fail("sema.notOrdered", "\(name) 需要可比较大小的值（整数、日期、规格、层级），实际是\(valueType.displayName)", at: expr.range)
            }
            let isEnum: Bool
            if case .enumeration = valueType { isEnum = true } else { isEnum = false }
            let getter = get
            let lambdaSlot = slot
            return Typed(.optional(valueType)) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var best: Value = .null
                for item in items {
                    let value: Value
                    if let getter {
                        frame.slots[lambdaSlot] = item
                        value = try getter(&frame)
                    } else {
                        value = item
                    }
                    if best.isNull {
                        best = value
                    } else {
                        let order = ExpressionCompiler.order(value, best, higherRankIsGreater: isEnum)
                        if wantMax ? order > 0 : order < 0 { best = value }
                    }
                }
                return best
            }

        case "all", "any", "filter":
            guard arity(name, arguments, 2...2, usage: "\(name)(list, x -> 条件)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name),
                  let (slot, body) = compileLambda(arguments[1], elementType: element, expected: .bool, function: name),
                  let predicate = requireType(body, .bool, at: arguments[1].range, what: "\(name) 的条件") else { return nil }
            let source = list.evaluate
            let test = predicate.evaluate
            switch name {
            case "all":
                return Typed(.bool) { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    for item in items {
                        frame.slots[slot] = item
                        if try test(&frame).boolValue != true { return .bool(false) }
                    }
                    return .bool(true)
                }
            case "any":
                return Typed(.bool) { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    for item in items {
                        frame.slots[slot] = item
                        if try test(&frame).boolValue == true { return .bool(true) }
                    }
                    return .bool(false)
                }
            default:
                return Typed(list.type.elementType == .null ? .emptyList : .list(element)) { frame in
                    let items = try source(&frame).listValue ?? []
                    try frame.charge(items.count)
                    var kept: [Value] = []
                    for item in items {
                        frame.slots[slot] = item
                        if try test(&frame).boolValue == true { kept.append(item) }
                    }
                    return .list(kept)
                }
            }

        case "map":
            guard arity(name, arguments, 2...2, usage: "map(list, x -> 值)", at: expr.range),
                  let (list, element) = listArgument(arguments[0], function: name),
                  let (slot, body) = compileLambda(arguments[1], elementType: element, expected: nil, function: name) else { return nil }
            let source = list.evaluate
            let transform = body.evaluate
            return Typed(.list(body.type)) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var mapped: [Value] = []
                mapped.reserveCapacity(items.count)
                for item in items {
                    frame.slots[slot] = item
                    mapped.append(try transform(&frame))
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
                  let (slot, body) = compileLambda(arguments[1], elementType: element, expected: nil, function: name) else { return nil }
            let record = registerGroup(key: body.type, item: element)
            let source = list.evaluate
            let keyOf = body.evaluate
            return Typed(.list(.record(record))) { frame in
                let items = try source(&frame).listValue ?? []
                try frame.charge(items.count)
                var groups: [Value: [Value]] = [:]
                var order: [Value] = []
                for item in items {
                    frame.slots[slot] = item
                    let key = try keyOf(&frame)
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(item)
                }
                return .list(order.map { key in
                    let members = groups[key] ?? []
                    return .record(Record(values: [key, .list(members), .int(members.count)], marks: [.none, .none, .none], mark: .none))
                })
            }

        case "is_empty":
            guard arity(name, arguments, 1...1, usage: "is_empty(list)", at: expr.range),
                  let (list, _) = listArgument(arguments[0], function: name) else { return nil }
            let source = list.evaluate
            return Typed(.bool) { frame in .bool((try source(&frame).listValue ?? []).isEmpty) }

        case "institution":
            guard arity(name, arguments, 1...1, usage: "institution(机构代码)", at: expr.range),
                  let id = argument(arguments[0], .string, function: name, position: "") else { return nil }
            let get = id.evaluate
            return Typed(.optional(.record(SnapshotSchema.institution))) { frame in
                guard let key = try get(&frame).stringValue, let found = frame.context.institutionsByID[key] else { return .null }
                return .record(found)
            }

        case "rosters_of":
            guard arity(name, arguments, 1...1, usage: "rosters_of(人员编号)", at: expr.range),
                  let id = argument(arguments[0], .string, function: name, position: "") else { return nil }
            noteRosterUse()
            let get = id.evaluate
            return Typed(.list(.record(SyntheticRecords.rosterEntry))) { frame in
                guard let key = try get(&frame).stringValue else { return .list([]) }
                return .list(frame.context.rosterByPerson[key] ?? [])
            }

        case "has":
            guard arity(name, arguments, 1...1, usage: "has(可能为空的值)", at: expr.range),
                  let value = compile(arguments[0], expected: nil) else { return nil }
            guard value.type.isOptional || arguments[0].path.map({ narrowedPaths.contains($0) }) == true else {
                return fail("sema.notOptional", "'\(arguments[0].path ?? "该值")' 不可能为空，不需要 has(…)", at: arguments[0].range)
            }
            let get = value.evaluate
            return Typed(.bool) { frame in .bool(!(try get(&frame).isNull)) }

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
            return Typed(.date) { frame in
                let year = try y(&frame).intValue ?? 0
                let month = try m(&frame).intValue ?? 0
                let day = try d(&frame).intValue ?? 0
                // An impossible day (31 February) becomes the last day of that month.
                let clampedMonth = min(max(month, 1), 12)
                let clampedDay = min(max(day, 1), CivilDate.daysIn(month: clampedMonth, year: year))
                return CivilDate(year: year, month: clampedMonth, day: clampedDay).map { .date($0) } ?? .null
            }

        case "year", "month", "day":
            guard arity(name, arguments, 1...1, usage: "\(name)(日期)", at: expr.range),
                  let date = argument(arguments[0], .date, function: name, position: "") else { return nil }
            let get = date.evaluate
            let part = name
            return Typed(.int) { frame in
                guard let value = try get(&frame).dateValue else { return .null }
                let components = value.components
                return .int(part == "year" ? components.year : part == "month" ? components.month : components.day)
            }

        case "days_between", "months_between":
            guard arity(name, arguments, 2...2, usage: "\(name)(开始日期, 结束日期)", at: expr.range),
                  let from = argument(arguments[0], .date, function: name, position: "第一个"),
                  let to = argument(arguments[1], .date, function: name, position: "第二个") else { return nil }
            let (a, b) = (from.evaluate, to.evaluate)
            let months = name == "months_between"
            return Typed(.int) { frame in
                guard let start = try a(&frame).dateValue, let end = try b(&frame).dateValue else { return .null }
                return .int(months ? start.months(to: end) : start.days(to: end))
            }

        case "contains", "starts_with", "ends_with", "same_text":
            guard arity(name, arguments, 2...2, usage: "\(name)(文本, 文本)", at: expr.range),
                  let text = argument(arguments[0], .string, function: name, position: "第一个"),
                  let other = argument(arguments[1], .string, function: name, position: "第二个") else { return nil }
            let (a, b) = (text.evaluate, other.evaluate)
            let function = name
            return Typed(.bool) { frame in
                let x = try a(&frame).stringValue ?? ""
                let y = try b(&frame).stringValue ?? ""
                switch function {
                case "contains": return .bool(y.isEmpty || x.contains(y))
                case "starts_with": return .bool(x.hasPrefix(y))
                case "ends_with": return .bool(x.hasSuffix(y))
                default: return .bool(TextNormalization.sameText(x, y))
                }
            }

        case "length":
            guard arity(name, arguments, 1...1, usage: "length(文本)", at: expr.range),
                  let text = argument(arguments[0], .string, function: name, position: "") else { return nil }
            let get = text.evaluate
            return Typed(.int) { frame in .int(try get(&frame).stringValue?.count ?? 0) }

        case "label":
            guard arity(name, arguments, 1...1, usage: "label(枚举值)", at: expr.range),
                  let value = compile(arguments[0], expected: nil), let present = requirePresent(value, at: arguments[0]) else { return nil }
            guard case .enumeration(let enumType) = present.type else {
                return fail("sema.typeMismatch", "label 的参数应为枚举值，实际是\(present.type.displayName)", at: arguments[0].range)
            }
            let get = present.evaluate
            return Typed(.string) { frame in
                guard let index = try get(&frame).enumIndex, index < enumType.cases.count else { return .null }
                return .string(enumType.cases[index].label)
            }

        default:
            let suggestion = Suggestion.closest(to: name, in: Builtins.names)
            return fail("sema.unknownFunction", "未知的函数 '\(name)'",
                        help: suggestion.map { "是否要写 '\($0)'？" } ?? "可用的函数：\(Builtins.names.joined(separator: ", "))", at: nameRange)
        }
    }
}

/// Text comparison that ignores the usual differences in how 文号 and names are typed.
public enum TextNormalization {
    /// Equal after mapping full-width and half-width brackets to one form and removing white space.
    public static func sameText(_ a: String, _ b: String) -> Bool {
        normalize(a) == normalize(b)
    }

    public static func normalize(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "〔", "［", "【", "[": result.append("[")
            case "〕", "］", "】", "]": result.append("]")
            case "（", "(": result.append("(")
            case "）", ")": result.append(")")
            case " ", "\u{3000}", "\t", "\n": continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
