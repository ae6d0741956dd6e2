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
            let (a, b) = (l.evaluate, r.evaluate)
            if op == .and {
                return Typed(.bool) { frame in try a(&frame).boolValue == true ? try b(&frame) : .bool(false) }
            }
            return Typed(.bool) { frame in try a(&frame).boolValue == true ? .bool(true) : try b(&frame) }

        case .equal, .notEqual:
            guard let (l, r) = compilePair(left, right) else { return nil }
            guard RuleType.unify(l.type, r.type) != nil else {
                return fail("sema.typeMismatch", "不能比较\(l.type.displayName)和\(r.type.displayName)", at: expr.range)
            }
            let (a, b) = (l.evaluate, r.evaluate)
            let negate = op == .notEqual
            if let constant = r.constant {
                return Typed(.bool) { frame in .bool((try a(&frame) == constant) != negate) }
            }
            return Typed(.bool) { frame in .bool((try a(&frame) == (try b(&frame))) != negate) }

        case .less, .lessEqual, .greater, .greaterEqual:
            guard let (l, r) = compilePair(left, right),
                  let lp = requirePresent(l, at: left), let rp = requirePresent(r, at: right) else { return nil }
            guard lp.type == rp.type else {
                return fail("sema.typeMismatch", "不能比较\(lp.type.displayName)和\(rp.type.displayName)",
                            help: lp.type.isOrdered && rp.type == .int ? "规格、层级不能和数字比较；写成如 it.rank >= section" : nil,
                            at: expr.range)
            }
            guard lp.type.isOrdered else {
                return fail("sema.notOrdered", "\(lp.type.displayName) 的值没有大小顺序，只能用 == 或 != 比较", at: expr.range)
            }
            let (a, b) = (lp.evaluate, rp.evaluate)
            let isEnum: Bool
            if case .enumeration = lp.type { isEnum = true } else { isEnum = false }
            return Typed(.bool) { frame in
                let order = ExpressionCompiler.order(try a(&frame), try b(&frame), higherRankIsGreater: isEnum)
                switch op {
                case .less: return .bool(order < 0)
                case .lessEqual: return .bool(order <= 0)
                case .greater: return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            }

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
            let a = lp.evaluate
            let negate = op == .notIn
            if case .list(let items)? = rp.constant {
                let set = Set(items)
                return Typed(.bool) { frame in .bool(set.contains(try a(&frame)) != negate) }
            }
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
            let (a, b) = (l.evaluate, r.evaluate)
            return Typed(type) { frame in
                let value = try a(&frame)
                return value.isNull ? try b(&frame) : value
            }

        case .plus, .minus, .times, .divide, .remainder:
            let l = compile(left, expected: .int).flatMap { requireType($0, .int, at: left.range, what: "'\(op.rawValue)' 的左边") }
            let r = compile(right, expected: .int).flatMap { requireType($0, .int, at: right.range, what: "'\(op.rawValue)' 的右边") }
            guard let l, let r else { return nil }
            let (a, b) = (l.evaluate, r.evaluate)
            return Typed(.int) { frame in
                let x = try a(&frame).intValue ?? 0
                let y = try b(&frame).intValue ?? 0
                switch op {
                case .plus: return .int(x &+ y)
                case .minus: return .int(x &- y)
                case .times: return .int(x &* y)
                case .divide:
                    guard y != 0 else { throw EvalError.divisionByZero }
                    return .int(x / y)
                default:
                    guard y != 0 else { throw EvalError.divisionByZero }
                    return .int(x % y)
                }
            }
        }
    }

    /// -1, 0 or 1. Ranks and levels list their cases highest first, so a smaller index is greater.
    static func order(_ a: Value, _ b: Value, higherRankIsGreater: Bool) -> Int {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : x == y ? 0 : 1
        case let (.date(x), .date(y)): return x < y ? -1 : x == y ? 0 : 1
        case let (.enumCase(x), .enumCase(y)): return x == y ? 0 : (x > y) == higherRankIsGreater ? -1 : 1
        case let (.string(x), .string(y)): return x < y ? -1 : x == y ? 0 : 1
        default: return 0
        }
    }
}
