/// A token of a rule expression: its kind and its byte range in the expression text.
struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        case integer(Int)
        case string(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, `if`, then, `else`, `true`, `false`, null
    }

    enum Symbol: String, Sendable, CaseIterable {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]", comma = ",", dot = "."
        case arrow = "->", coalesce = "??", equal = "==", notEqual = "!=", lessEqual = "<=", greaterEqual = ">="
        case less = "<", greater = ">", plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    }

    var kind: Kind
    /// UTF-8 byte offsets in the expression text.
    var range: Range<Int>
}
