import Schema

extension ExpressionCompiler {
    /// A bare name that is not a variable, or a string: its type comes from the other operand.
    private func takesTypeFromContext(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .identifier(let name): !isDeclared(name)
        case .string: true
        default: false
        }
    }

    /// Compiles two operands, giving the context-typed one the other's type.
    private mutating func compilePair(_ left: Expr, _ right: Expr) -> (Typed, Typed)? {
        if takesTypeFromContext(left), !takesTypeFromContext(right) {
            let r = compile(right, expected: nil)
            let l = compile(left, expected: r?.type)
            guard let l, let r else { return nil }
            return (l, r)
        }
        let l = compile(left, expected: nil)
        let r = compile(right, expected: l?.type)
        guard let l, let r else { return nil }
        return (l, r)
    }

    mutating func compileBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, expr: Expr) -> Typed? {
        switch op {
        case .and, .or:
            let l = compile(left, expected: .bool).flatMap { requireType($0, .bool, at: left.range, what: "\(op.rawValue) 的左边") }
            let saved = narrowedPaths
            narrowedPaths.formUnion(ExpressionCompiler.provenPresent(left, when: op == .and))
            let r = compile(right, expected: .bool).flatMap { requireType($0, .bool, at: right.range, what: "\(op.rawValue) 的右边") }
            narrowedPaths = saved
            guard let l, let r else { return nil }
            // The value is the right side's own value when it decides (which `evaluate` keeps); `test`
            // only needs to know whether it is true.
            let (a, b) = (l.test, r.evaluate)
            let c = r.test
            if op == .and {
                return folded(Typed(.bool, { frame in try a(&frame) ? try b(&frame) : .bool(false) },
                                    test: { frame in try a(&frame) ? try c(&frame) : false },
                                    leading: LeadingTests.conjunction(l.leadingTests, r.leadingTests)), l, r)
            }
            return folded(Typed(.bool, { frame in try a(&frame) ? .bool(true) : try b(&frame) },
                                test: { frame in try a(&frame) ? true : try c(&frame) }), l, r)

        case .equal, .notEqual:
            guard let (l, r) = compilePair(left, right) else { return nil }
            guard RuleType.unify(l.type, r.type) != nil else {
                return fail("sema.typeMismatch", "不能比较\(l.type.displayName) 和 \(r.type.displayName)", at: expr.range)
            }
            return folded(ExpressionCompiler.equality(l.operand, r.operand, negate: op == .notEqual), l, r)

        case .less, .lessEqual, .greater, .greaterEqual:
            guard let (l, r) = compilePair(left, right),
                  let lp = requirePresent(l, at: left), let rp = requirePresent(r, at: right) else { return nil }
            guard lp.type == rp.type else {
                return fail("sema.typeMismatch", "不能比较\(lp.type.displayName) 和 \(rp.type.displayName)",
                            help: ExpressionCompiler.comparisonHelp(lp.type, rp.type), at: expr.range)
            }
            guard lp.type.isOrdered else {
                return fail("sema.notOrdered", "\(lp.type.displayName) 的值没有大小顺序，只能用 == 或 != 比较", at: expr.range)
            }
            let isEnum: Bool
            if case .enumeration = lp.type { isEnum = true } else { isEnum = false }
            // Integers, dates and enum values are compared as numbers read in place, without copying either value.
            if lp.type.unwrapped != .string {
                return folded(Typed(test: ExpressionCompiler.orderedNumbers(lp.operand, rp.operand, Comparison(op), isEnum: isEnum)), lp, rp)
            }
            let ordered = OrderedTest(comparison: Comparison(op), isEnum: isEnum)
            return folded(Typed(test: predicate(lp.operand, rp.operand, ordered)), lp, rp)

        case .in, .notIn:
            let l: Typed?
            let r: Typed?
            if takesTypeFromContext(left) {
                r = compile(right, expected: nil)
                l = compile(left, expected: r?.type.elementType)
            } else {
                l = compile(left, expected: nil)
                r = compile(right, expected: l.map { .list($0.type.unwrapped) })
            }
            guard let l, let r, let lp = requirePresent(l, at: left), let rp = requirePresent(r, at: right) else { return nil }
            guard let element = rp.type.elementType else {
                return fail("sema.typeMismatch", "'\(op.rawValue)' 的右边应为列表，实际是\(rp.type.displayName)", at: right.range)
            }
            guard element == .null || RuleType.unify(element, lp.type) != nil else {
                return fail("sema.typeMismatch", "不能在\(rp.type.displayName)中查找\(lp.type.displayName)", at: expr.range)
            }
            let negate = op == .notIn
            if case .list(let items)? = rp.constant {
                return folded(ExpressionCompiler.membership(lp.operand, in: items, negate: negate), lp)
            }
            let a = lp.evaluate
            let b = rp.evaluate
            return Typed(.bool) { frame in
                let value = try a(&frame)
                let list = try b(&frame).listValue ?? []
                try frame.charge(list.count)
                return .bool(list.contains(value) != negate)
            }

        case .coalesce:
            guard let l = compile(left, expected: nil) else { return nil }
            guard let r = compile(right, expected: l.type.unwrapped) else { return nil }
            let type: RuleType
            if l.type == .null {
                type = r.type
            } else if let unified = RuleType.unify(l.type.unwrapped, r.type) {
                type = r.type.isOptional ? unified : unified.unwrapped
            } else {
                return fail("sema.typeMismatch", "?? 两边的类型不同：\(l.type.displayName) 和 \(r.type.displayName)", at: expr.range)
            }
            if let constant = l.constant {
                return constant.isNull ? Typed(r, type: type) : Typed(l, type: type)
            }
            let b = r.evaluate
            if let access = l.access {
                return Typed(type) { frame in
                    let value = access.value(in: frame)
                    return value.isNull ? try b(&frame) : value
                }
            }
            let a = l.evaluate
            return Typed(type) { frame in
                let value = try a(&frame)
                return value.isNull ? try b(&frame) : value
            }

        case .plus, .minus, .times, .divide, .remainder:
            let l = compile(left, expected: .int).flatMap { requireType($0, .int, at: left.range, what: "'\(op.rawValue)' 的左边") }
            let r = compile(right, expected: .int).flatMap { requireType($0, .int, at: right.range, what: "'\(op.rawValue)' 的右边") }
            guard let l, let r else { return nil }
            let (a, b) = (l.operand, r.operand)
            return folded(Typed(.int, mapOperands(a, b) { left, right in
                let x = left.intValue ?? 0
                let y = right.intValue ?? 0
                let (result, overflow): (Int, Bool)
                switch op {
                case .plus: (result, overflow) = x.addingReportingOverflow(y)
                case .minus: (result, overflow) = x.subtractingReportingOverflow(y)
                case .times: (result, overflow) = x.multipliedReportingOverflow(by: y)
                case .divide:
                    guard y != 0 else { throw EvalError.divisionByZero }
                    (result, overflow) = x.dividedReportingOverflow(by: y)
                default:
                    guard y != 0 else { throw EvalError.divisionByZero }
                    (result, overflow) = x.remainderReportingOverflow(dividingBy: y)
                }
                guard !overflow else { throw EvalError.integerOverflow }
                return .int(result)
            }), l, r)
        }
    }

    /// What to write instead of comparing two values of different types.
    static func comparisonHelp(_ left: RuleType, _ right: RuleType) -> String? {
        let types = [left, right]
        if types.contains(.date), types.contains(.int) {
            return "日期与日期比较，如 as_of > date(2024, 3, 31)；比较天数或月数用 days_between(a, b)、months_between(a, b)，年份用 year(d)"
        }
        if types.contains(.int), let other = types.first(where: { $0 != .int }), case .enumeration = other {
            return "规格、层级不能和数字比较；写成如 it.rank >= section"
        }
        if types.contains(.string), types.contains(.int) {
            return "文本不能和数字比较；数个数用 count(…)，文本的长度用 length(s)"
        }
        return nil
    }

    /// An integer, a date or an enum value as a number that orders them as `order` does (ranks and levels list their
    /// highest case first: a smaller index is greater); nil for anything else (a missing value).
    @inline(__always)
    static func number(_ value: Value, isEnum: Bool) -> Int? {
        switch value {
        case .int(let number): number
        case .date(let date): Int(date.daysSinceEpoch)
        case .enumCase(let index): isEnum ? -index : index
        default: nil
        }
    }

    /// `left op right` for two integers, dates or enum values (of one type, as the checker made sure): the answer of
    /// `OrderedTest` without copying either value out of where it is. A missing value is neither smaller nor greater.
    static func orderedNumbers(_ left: Operand, _ right: Operand, _ comparison: Comparison, isEnum: Bool) -> Predicate {
        let test = NumberOrder(comparison: comparison, isEnum: isEnum)
        switch (left, right) {
        case let (.access(a), .access(b)):
            return { frame in
                let x = a.read(in: frame) { test.number($0) }
                return test.holds(x, b.read(in: frame) { test.number($0) })
            }
        case let (.access(a), .constant(c)):
            let y = test.number(c)
            return { frame in test.holds(a.read(in: frame) { test.number($0) }, y) }
        case let (.constant(c), .access(b)):
            let x = test.number(c)
            return { frame in test.holds(x, b.read(in: frame) { test.number($0) }) }
        case let (.computed(a), .access(b)):
            return { frame in
                let x = test.number(try a(&frame))
                return test.holds(x, b.read(in: frame) { test.number($0) })
            }
        case let (.access(a), .computed(b)):
            return { frame in
                let y = test.number(try b(&frame))
                return test.holds(a.read(in: frame) { test.number($0) }, y)
            }
        case let (.computed(a), .constant(c)):
            let y = test.number(c)
            return { frame in test.holds(test.number(try a(&frame)), y) }
        case let (.constant(c), .computed(b)):
            let x = test.number(c)
            return { frame in test.holds(x, test.number(try b(&frame))) }
        case let (.computed(a), .computed(b)):
            return { frame in
                let x = test.number(try a(&frame))
                return test.holds(x, test.number(try b(&frame)))
            }
        case let (.constant(c), .constant(d)):
            let result = test.holds(test.number(c), test.number(d))
            return { _ in result }
        }
    }

    /// `a == b` (or `a != b`). An enum value compared with a named case, the most common test
    /// in the rules, compares case indices.
    static func equality(_ left: Operand, _ right: Operand, negate: Bool) -> Typed {
        if case .constant(let constant) = right {
            if case .enumCase(let index) = constant {
                let leading = left.fieldTest(.enumIn(1 << UInt64(index)), negate: negate, when: (0..<64).contains(index))
                return Typed(test: left.predicate(IsEnumCase(index: index, negate: negate)), leading: leading)
            }
            // `x != null` is `has(x)`.
            let leading = left.fieldTest(.present, negate: !negate, when: constant.isNull)
            return Typed(test: left.predicate(IsEqual(value: constant, negate: negate)), leading: leading)
        }
        return Typed(test: predicate(left, right, AreEqual(negate: negate)))
    }

    /// `a in [constants]`: enum cases as a bit set, other values as a hash set.
    static func membership(_ operand: Operand, in items: [Value], negate: Bool) -> Typed {
        var mask: UInt64 = 0
        let smallEnums = items.allSatisfy { item in
            guard case .enumCase(let index) = item, (0..<64).contains(index) else { return false }
            mask |= 1 << UInt64(index)
            return true
        }
        if smallEnums {
            return Typed(test: operand.predicate(IsEnumCaseIn(cases: mask, negate: negate)),
                         leading: operand.fieldTest(.enumIn(mask), negate: negate, when: true))
        }
        return Typed(test: operand.predicate(IsIn(values: Set(items), negate: negate)))
    }

    /// -1, 0 or 1. Ranks and levels list their cases highest first, so a smaller index is greater.
    /// Values of different kinds (and other kinds of values) are neither smaller nor greater: 0.
    /// (One value after the other rather than a tuple of both, which would copy them.)
    @inline(__always)
    static func order(_ a: Value, _ b: Value, higherRankIsGreater: Bool) -> Int {
        switch a {
        case .int(let x):
            if case .int(let y) = b { return x < y ? -1 : x == y ? 0 : 1 }
        case .date(let x):
            if case .date(let y) = b { return x < y ? -1 : x == y ? 0 : 1 }
        case .enumCase(let x):
            if case .enumCase(let y) = b { return x == y ? 0 : (x > y) == higherRankIsGreater ? -1 : 1 }
        case .string(let x):
            if case .string(let y) = b { return x < y ? -1 : x == y ? 0 : 1 }
        default:
            break
        }
        return 0
    }

    /// `a == b`, with numbers, dates, booleans and enum values compared directly (the general
    /// equality copies both values first).
    @inline(__always)
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch a {
        case .enumCase(let x):
            if case .enumCase(let y) = b { return x == y }
            return false
        case .int(let x):
            if case .int(let y) = b { return x == y }
            return false
        case .date(let x):
            if case .date(let y) = b { return x == y }
            return false
        case .bool(let x):
            if case .bool(let y) = b { return x == y }
            return false
        case .null:
            return b.isNull
        default:
            return a == b
        }
    }
}

extension Operand {
    /// The field test `kind` of this operand, when it is a field path (and `condition` holds): see `FieldTest`.
    func fieldTest(_ kind: FieldTest.Kind, negate: Bool, when condition: Bool) -> LeadingTests? {
        guard condition, case .access(let access) = self else { return nil }
        return .single(FieldTest(access: access, kind: kind, negate: negate))
    }
}

/// An ordering test of two integers, dates or enum values as numbers (see `ExpressionCompiler.orderedNumbers`).
struct NumberOrder: Sendable {
    let comparison: Comparison
    let isEnum: Bool

    @inline(__always)
    func number(_ value: Value) -> Int? { ExpressionCompiler.number(value, isEnum: isEnum) }

    /// As `order` then `comparison`: a missing value is neither smaller nor greater.
    @inline(__always)
    func holds(_ x: Int?, _ y: Int?) -> Bool {
        guard let x, let y else { return comparison.holds(0) }
        return comparison.holds(x < y ? -1 : x == y ? 0 : 1)
    }
}

/// `value == index` for an enum value.
struct IsEnumCase: ValueTest {
    let index: Int
    let negate: Bool

    @inline(__always)
    func holds(_ value: Value) -> Bool {
        if case .enumCase(let other) = value { return (other == index) != negate }
        return negate
    }
}

/// `value == constant`.
struct IsEqual: ValueTest {
    let value: Value
    let negate: Bool

    @inline(__always)
    func holds(_ other: Value) -> Bool { ExpressionCompiler.equal(other, value) != negate }
}

/// `left == right`.
struct AreEqual: PairTest {
    let negate: Bool

    @inline(__always)
    func holds(_ left: Value, _ right: Value) -> Bool { ExpressionCompiler.equal(left, right) != negate }
}

/// `value in [enum cases]`, the cases as bits (all indices below 64).
struct IsEnumCaseIn: ValueTest {
    let cases: UInt64
    let negate: Bool

    @inline(__always)
    func holds(_ value: Value) -> Bool {
        guard case .enumCase(let index) = value, (0..<64).contains(index) else { return negate }
        return (cases & (1 << UInt64(index)) != 0) != negate
    }
}

/// `value in [constants]`.
struct IsIn: ValueTest {
    let values: Set<Value>
    let negate: Bool

    @inline(__always)
    func holds(_ value: Value) -> Bool { values.contains(value) != negate }
}

/// `left < right` and the other orderings.
struct OrderedTest: PairTest {
    let comparison: Comparison
    let isEnum: Bool

    @inline(__always)
    func holds(_ left: Value, _ right: Value) -> Bool {
        comparison.holds(ExpressionCompiler.order(left, right, higherRankIsGreater: isEnum))
    }
}

/// `has(value)`.
struct IsPresent: ValueTest {
    @inline(__always)
    func holds(_ value: Value) -> Bool { !value.isNull }
}

/// Which results of `order` an ordering operator accepts.
struct Comparison: Sendable {
    private let acceptsLess: Bool
    private let acceptsEqual: Bool
    private let acceptsGreater: Bool

    init(_ op: BinaryOperator) {
        acceptsLess = op == .less || op == .lessEqual
        acceptsEqual = op == .lessEqual || op == .greaterEqual
        acceptsGreater = op == .greater || op == .greaterEqual
    }

    @inline(__always)
    func holds(_ order: Int) -> Bool {
        order < 0 ? acceptsLess : order == 0 ? acceptsEqual : acceptsGreater
    }
}
