/// A parsed expression: what it is, and the byte range of its text (for located errors).
struct Expr: Sendable {
    indirect enum Kind: Sendable {
        case integer(Int)
        case string(String)
        case bool(Bool)
        case null
        case identifier(String)
        case member(Expr, name: String, nameRange: Range<Int>)
        case call(name: String, nameRange: Range<Int>, arguments: [Expr])
        case lambda(parameter: String, parameterRange: Range<Int>, body: Expr)
        case list([Expr])
        case not(Expr)
        case negate(Expr)
        case binary(BinaryOperator, Expr, Expr)
        case conditional(Expr, then: Expr, else: Expr)
    }

    var kind: Kind
    var range: Range<Int>

    /// A canonical text of a path expression (`p.post_rank`, `institution(p.working_at)`),
    /// used to remember which optional values a `has(...)` test has proven present.
    var path: String? {
        switch kind {
        case .identifier(let name): return name
        case let .member(base, name, _): return base.path.map { "\($0).\(name)" }
        case .string(let text): return "\"" + text + "\""
        case .integer(let value): return String(value)
        case let .call(name, _, arguments):
            let inner = arguments.compactMap(\.path)
            return inner.count == arguments.count ? "\(name)(\(inner.joined(separator: ",")))" : nil
        default: return nil
        }
    }
}

enum BinaryOperator: String, Sendable {
    case or, and, equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in`, notIn = "not in", coalesce = "??", plus = "+", minus = "-", times = "*", divide = "/", remainder = "%"
}
