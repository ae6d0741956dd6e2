/// Parses an expression (precedence from low to high: `if`, `or`, `and`, `not`,
/// comparisons and `in`, `??`, `+ -`, `* / %`, unary `-`, member access and calls).
struct Parser {
    private var tokens: [Token]
    private var position = 0
    private var depth = 0
    private static let maxDepth = 200

    static func parse(_ text: String) -> Result<Expr, ParseError> {
        var lexer = Lexer(text)
        switch lexer.tokenize() {
        case .failure(let error):
            return .failure(error)
        case .success(let tokens):
            var parser = Parser(tokens: tokens)
            do {
                if case .end = parser.current.kind {
                    throw ParseError(.emptyExpression, range: 0..<0)
                }
                let expr = try parser.parseExpression()
                guard case .end = parser.current.kind else {
                    throw ParseError(.expected("运算符或表达式结尾", found: parser.describe(parser.current)), range: parser.current.range)
                }
                return .success(expr)
            } catch let error as ParseError {
                return .failure(error)
            } catch {
                return .failure(ParseError(.emptyExpression, range: 0..<0))
            }
        }
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[position] }

    private func peek(_ offset: Int = 1) -> Token {
        tokens[min(position + offset, tokens.count - 1)]
    }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func isSymbol(_ symbol: Token.Symbol) -> Bool { current.kind == .symbol(symbol) }
    private func isKeyword(_ keyword: Token.Keyword) -> Bool { current.kind == .keyword(keyword) }

    private mutating func expect(_ symbol: Token.Symbol) throws -> Token {
        guard isSymbol(symbol) else {
            throw ParseError(.expected("'\(symbol.rawValue)'", found: describe(current)), range: current.range)
        }
        return advance()
    }

    private mutating func expect(_ keyword: Token.Keyword) throws {
        guard isKeyword(keyword) else {
            throw ParseError(.expected("'\(keyword.rawValue)'", found: describe(current)), range: current.range)
        }
        _ = advance()
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let name): "'\(name)'"
        case .integer(let value): "'\(value)'"
        case .string(let value): "\"\(value)\""
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "表达式结尾"
        }
    }

    private mutating func nest() throws {
        depth += 1
        if depth > Parser.maxDepth { throw ParseError(.tooDeep(limit: Parser.maxDepth), range: current.range) }
    }

    /// One more link of a chain (`a + b + …`, `a and b and …`, `a.b.c…`), at the current token: each makes the tree a
    /// level deeper, as a parenthesis does, so chains count towards the same limit (a chain of ten thousand `+` was a
    /// tree ten thousand levels deep, and checking it overflowed the stack). `links` counts what to give back.
    private mutating func lengthen(_ links: inout Int) throws {
        depth += 1
        links += 1
        if depth > Parser.maxDepth { throw ParseError(.tooLong(limit: Parser.maxDepth), range: current.range) }
    }

    mutating func parseExpression() throws -> Expr {
        try nest()
        defer { depth -= 1 }
        if isKeyword(.if) {
            let start = advance().range.lowerBound
            let condition = try parseExpression()
            try expect(.then)
            let then = try parseExpression()
            try expect(.else)
            let otherwise = try parseExpression()
            return Expr(kind: .conditional(condition, then: then, else: otherwise), range: start..<otherwise.range.upperBound)
        }
        return try parseOr()
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        var links = 0
        defer { depth -= links }
        while isKeyword(.or) {
            try lengthen(&links)
            _ = advance()
            let right = try parseAnd()
            left = Expr(kind: .binary(.or, left, right), range: left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        var links = 0
        defer { depth -= links }
        while isKeyword(.and) {
            try lengthen(&links)
            _ = advance()
            let right = try parseNot()
            left = Expr(kind: .binary(.and, left, right), range: left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if isKeyword(.not) {
            try nest()
            defer { depth -= 1 }
            let start = advance().range.lowerBound
            let operand = try parseNot()
            return Expr(kind: .not(operand), range: start..<operand.range.upperBound)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expr {
        let left = try parseCoalesce()
        let op: BinaryOperator?
        switch current.kind {
        case .symbol(.equal): op = .equal
        case .symbol(.notEqual): op = .notEqual
        case .symbol(.less): op = .less
        case .symbol(.lessEqual): op = .lessEqual
        case .symbol(.greater): op = .greater
        case .symbol(.greaterEqual): op = .greaterEqual
        case .keyword(.in): op = .in
        case .keyword(.not) where peek().kind == .keyword(.in): op = .notIn
        default: op = nil
        }
        guard let op else { return left }
        _ = advance()
        if op == .notIn { _ = advance() }
        let right = try parseCoalesce()
        return Expr(kind: .binary(op, left, right), range: left.range.lowerBound..<right.range.upperBound)
    }

    private mutating func parseCoalesce() throws -> Expr {
        let left = try parseAdditive()
        guard isSymbol(.coalesce) else { return left }
        try nest()
        defer { depth -= 1 }
        _ = advance()
        let right = try parseCoalesce()
        return Expr(kind: .binary(.coalesce, left, right), range: left.range.lowerBound..<right.range.upperBound)
    }

    private mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        var links = 0
        defer { depth -= links }
        while isSymbol(.plus) || isSymbol(.minus) {
            try lengthen(&links)
            let op: BinaryOperator = isSymbol(.plus) ? .plus : .minus
            _ = advance()
            let right = try parseMultiplicative()
            left = Expr(kind: .binary(op, left, right), range: left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseMultiplicative() throws -> Expr {
        var left = try parseUnary()
        var links = 0
        defer { depth -= links }
        while isSymbol(.star) || isSymbol(.slash) || isSymbol(.percent) {
            try lengthen(&links)
            let op: BinaryOperator = isSymbol(.star) ? .times : isSymbol(.slash) ? .divide : .remainder
            _ = advance()
            let right = try parseUnary()
            left = Expr(kind: .binary(op, left, right), range: left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseUnary() throws -> Expr {
        if isSymbol(.minus) {
            try nest()
            defer { depth -= 1 }
            let start = advance().range.lowerBound
            let operand = try parseUnary()
            if case .integer(let value) = operand.kind {
                return Expr(kind: .integer(-value), range: start..<operand.range.upperBound)
            }
            return Expr(kind: .negate(operand), range: start..<operand.range.upperBound)
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        var links = 0
        defer { depth -= links }
        while isSymbol(.dot) {
            try lengthen(&links)
            _ = advance()
            guard case .identifier(let name) = current.kind else {
                throw ParseError(.expected("字段名", found: describe(current)), range: current.range)
            }
            let nameToken = advance()
            expr = Expr(kind: .member(expr, name: name, nameRange: nameToken.range), range: expr.range.lowerBound..<nameToken.range.upperBound)
        }
        return expr
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .integer(let value):
            _ = advance()
            return Expr(kind: .integer(value), range: token.range)
        case .string(let value):
            _ = advance()
            return Expr(kind: .string(value), range: token.range)
        case .keyword(.true), .keyword(.false):
            _ = advance()
            return Expr(kind: .bool(token.kind == .keyword(.true)), range: token.range)
        case .keyword(.null):
            _ = advance()
            return Expr(kind: .null, range: token.range)
        case .identifier(let name):
            if peek().kind == .symbol(.arrow) {
                throw ParseError(.lambdaOutsideCall, range: token.range.lowerBound..<peek().range.upperBound)
            }
            _ = advance()
            if isSymbol(.leftParen) {
                return try parseCall(name: name, nameRange: token.range)
            }
            return Expr(kind: .identifier(name), range: token.range)
        case .symbol(.leftParen):
            try nest()
            defer { depth -= 1 }
            _ = advance()
            var inner = try parseExpression()
            let close = try expect(.rightParen)
            inner.range = token.range.lowerBound..<close.range.upperBound
            return inner
        case .symbol(.leftBracket):
            try nest()
            defer { depth -= 1 }
            _ = advance()
            var items: [Expr] = []
            if !isSymbol(.rightBracket) {
                items.append(try parseExpression())
                while isSymbol(.comma) {
                    _ = advance()
                    items.append(try parseExpression())
                }
            }
            let close = try expect(.rightBracket)
            return Expr(kind: .list(items), range: token.range.lowerBound..<close.range.upperBound)
        default:
            throw ParseError(.expected("值、名称或 '('", found: describe(token)), range: token.range)
        }
    }

    private mutating func parseCall(name: String, nameRange: Range<Int>) throws -> Expr {
        try nest()
        defer { depth -= 1 }
        _ = try expect(.leftParen)
        var arguments: [Expr] = []
        if !isSymbol(.rightParen) {
            repeat {
                if !arguments.isEmpty { _ = advance() }
                arguments.append(try parseArgument())
            } while isSymbol(.comma)
        }
        let close = try expect(.rightParen)
        return Expr(kind: .call(name: name, nameRange: nameRange, arguments: arguments), range: nameRange.lowerBound..<close.range.upperBound)
    }

    private mutating func parseArgument() throws -> Expr {
        if case .identifier(let parameter) = current.kind, peek().kind == .symbol(.arrow) {
            let parameterToken = advance()
            _ = advance()
            let body = try parseExpression()
            return Expr(kind: .lambda(parameter: parameter, parameterRange: parameterToken.range, body: body),
                        range: parameterToken.range.lowerBound..<body.range.upperBound)
        }
        return try parseExpression()
    }
}
