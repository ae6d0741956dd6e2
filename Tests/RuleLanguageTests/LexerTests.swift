@testable import RuleLanguage
import Testing

@Suite struct LexerTests {
    private func tokens(_ text: String) -> [Token.Kind]? {
        var lexer = Lexer(text)
        guard case .success(let tokens) = lexer.tokenize() else { return nil }
        return tokens.map(\.kind)
    }

    private func error(_ text: String) -> ParseError? {
        var lexer = Lexer(text)
        guard case .failure(let error) = lexer.tokenize() else { return nil }
        return error
    }

    /// Every symbol, two-byte ones next to the one-byte ones they begin with: each is read as the longest that fits.
    @Test func symbolsAreReadLongestFirst() throws {
        let kinds = try #require(tokens("a<=b>=c==d!=e->f??g<h>i+j-k*l/m%n(o)[p],q.r"))
        let symbols = kinds.compactMap { kind -> Token.Symbol? in
            if case .symbol(let symbol) = kind { return symbol }
            return nil
        }
        #expect(symbols == [.lessEqual, .greaterEqual, .equal, .notEqual, .arrow, .coalesce, .less, .greater, .plus, .minus, .star,
                            .slash, .percent, .leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .dot])
        #expect(kinds.filter { if case .identifier = $0 { true } else { false } }.count == 18)
        #expect(tokens("x <= 3") == [.identifier("x"), .symbol(.lessEqual), .integer(3), .end])
    }

    /// Chinese identifiers are read whole; full-width punctuation ends them and is refused where it stands.
    @Test func chineseIdentifiersEndAtFullWidthPunctuation() throws {
        #expect(tokens("政府工作部门 == x") == [.identifier("政府工作部门"), .symbol(.equal), .identifier("x"), .end])
        let comma = try #require(error("部门，x"))
        #expect(comma.kind == .unexpectedCharacter("，"))
        #expect(comma.range == 6..<9)
        #expect(error("a = b")?.kind == .wrongOperator("=", "=="))
    }
}
