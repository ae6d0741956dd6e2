import Schema

extension ExpressionCompiler {
    /// One test of a condition that a count can answer from an index.
    private enum IndexTerm {
        /// `element == value`
        case equal(element: Expr, value: Expr)
        /// `(element ?? fallback) op bound`, with the element on the left.
        case order(BinaryOperator, element: Expr, fallback: Expr?, bound: Expr)
    }

    /// A plan to answer `count(list, parameter -> body)` from an index, when `body` is a conjunction
    /// of equality tests and at most one ordering test between the element's fields and values that
    /// do not depend on the element (see `CountPlan`); nil for any other condition.
    mutating func countPlan(parameter: String, body: Expr, elementType: RuleType) -> CountPlan? {
        guard let terms = ExpressionCompiler.indexTerms(body, parameter: parameter),
              terms.filter({ if case .order = $0 { true } else { false } }).count <= 1 else { return nil }
        // Compile the sides again, in the scope of the lambda; give up quietly on any error.
        let errorCount = errors.count
        let saved = variables[parameter]
        let savedNarrowed = narrowedPaths
        narrowedPaths = narrowedPaths.filter { $0 != parameter && !$0.hasPrefix(parameter + ".") }
        _ = declareElement(parameter, type: elementType)
        var keys: [Access] = []
        var complete = true
        var values: [Evaluator] = []
        var order: OrderTest?
        for term in terms {
            switch term {
            case let .equal(element, value):
                guard let key = compile(element, expected: nil), let other = compile(value, expected: key.type),
                      let access = key.access else { complete = false; continue }
                keys.append(access)
                values.append(other.evaluate)
            case let .order(op, element, fallback, bound):
                guard let key = compile(element, expected: nil), let access = key.access else { complete = false; continue }
                let compiledFallback = fallback.flatMap { compile($0, expected: key.type.unwrapped) }
                guard let limit = compile(bound, expected: key.type.unwrapped), (fallback == nil) == (compiledFallback == nil) else {
                    complete = false
                    continue
                }
                let isEnum: Bool
                if case .enumeration = key.type.unwrapped { isEnum = true } else { isEnum = false }
                order = OrderTest(key: access, fallback: compiledFallback?.evaluate, bound: limit.evaluate,
                                  comparison: Comparison(op), isEnum: isEnum)
            }
        }
        variables[parameter] = saved
        narrowedPaths = savedNarrowed
        guard complete, errors.count == errorCount else {
            discardErrors(from: errorCount)
            return nil
        }
        countSites += 1
        return CountPlan(site: countSites - 1, token: CountSite(), keys: keys, values: values, order: order)
    }

    /// The tests of a conjunction, each between the element and a value independent of it; nil
    /// when some part of `body` is not such a test.
    private static func indexTerms(_ body: Expr, parameter: String) -> [IndexTerm]? {
        switch body.kind {
        case let .binary(.and, left, right):
            guard let first = indexTerms(left, parameter: parameter), let second = indexTerms(right, parameter: parameter) else { return nil }
            return first + second
        case let .binary(.equal, left, right):
            if isElementPath(left, parameter), isIndependent(right, of: parameter) { return [.equal(element: left, value: right)] }
            if isElementPath(right, parameter), isIndependent(left, of: parameter) { return [.equal(element: right, value: left)] }
            return nil
        case let .binary(op, left, right) where [.less, .lessEqual, .greater, .greaterEqual].contains(op):
            if let (element, fallback) = orderKey(left, parameter), isIndependent(right, of: parameter) {
                return [.order(op, element: element, fallback: fallback, bound: right)]
            }
            if let (element, fallback) = orderKey(right, parameter), isIndependent(left, of: parameter) {
                return [.order(mirrored(op), element: element, fallback: fallback, bound: left)]
            }
            return nil
        default:
            return nil
        }
    }

    /// `x.path` or `x.path ?? fallback`, with a fallback independent of `x`.
    private static func orderKey(_ expr: Expr, _ parameter: String) -> (Expr, Expr?)? {
        if isElementPath(expr, parameter) { return (expr, nil) }
        if case let .binary(.coalesce, element, fallback) = expr.kind, isElementPath(element, parameter),
           isIndependent(fallback, of: parameter) {
            return (element, fallback)
        }
        return nil
    }

    /// `a op b` is `b mirrored(op) a`.
    private static func mirrored(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: op
        }
    }

    /// The parameter or a field path of it.
    private static func isElementPath(_ expr: Expr, _ parameter: String) -> Bool {
        switch expr.kind {
        case .identifier(let name): name == parameter
        case let .member(base, _, _): isElementPath(base, parameter)
        default: false
        }
    }

    /// A value that does not mention the parameter and can neither fail nor take steps: literals,
    /// names, field paths, `??` of those, and dates written with literals.
    private static func isIndependent(_ expr: Expr, of parameter: String) -> Bool {
        switch expr.kind {
        case .integer, .string, .bool, .null: true
        case .identifier(let name): name != parameter
        case let .member(base, _, _): isIndependent(base, of: parameter)
        case let .binary(.coalesce, left, right): isIndependent(left, of: parameter) && isIndependent(right, of: parameter)
        case .negate(let inner): if case .integer = inner.kind { true } else { false }
        case let .call("date", _, arguments):
            arguments.allSatisfy { argument in
                switch argument.kind {
                case .integer, .string: true
                default: false
                }
            }
        default: false
        }
    }
}
