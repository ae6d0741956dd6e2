/// Splits an expression into tokens, reading UTF-8 bytes. Identifiers may be
/// English (`administrative`) or Chinese (`政府工作部门`).
struct Lexer {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func tokenize() -> Result<[Token], ParseError> {
        var tokens: [Token] = []
        while true {
            switch next() {
            case .success(let token):
                tokens.append(token)
                if token.kind == .end { return .success(tokens) }
            case .failure(let error):
                return .failure(error)
            }
        }
    }

    private mutating func next() -> Result<Token, ParseError> {
        skipSpace()
        let start = index
        guard index < bytes.count else { return .success(Token(kind: .end, range: start..<start)) }
        let byte = bytes[index]
        if isDigit(byte) {
            var value = 0
            while index < bytes.count, isDigit(bytes[index]) {
                let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
                if overflow1 || overflow2 {
                    return .failure(ParseError(.numberTooLarge, range: start..<index + 1))
                }
                value = sum
                index += 1
            }
            if index < bytes.count, isIdentifierByte(bytes[index]) {
                return .failure(ParseError(.unexpectedCharacter(String(decoding: bytes[start..<index + 1], as: UTF8.self)), range: start..<index + 1))
            }
            return .success(Token(kind: .integer(value), range: start..<index))
        }
        if isIdentifierByte(byte) {
            while index < bytes.count, isIdentifierByte(bytes[index]) || isDigit(bytes[index]) {
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if let keyword = Token.Keyword(rawValue: text) {
                return .success(Token(kind: .keyword(keyword), range: start..<index))
            }
            return .success(Token(kind: .identifier(text), range: start..<index))
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return lexString(quote: byte)
        }
        for (symbol, symbolBytes) in Lexer.symbolsLongestFirst {
            if index + symbolBytes.count <= bytes.count, bytes[index..<index + symbolBytes.count].elementsEqual(symbolBytes) {
                index += symbolBytes.count
                return .success(Token(kind: .symbol(symbol), range: start..<index))
            }
        }
        // Common spellings from other languages, with the word to use instead.
        let rest = String(decoding: bytes[index..<min(bytes.count, index + 2)], as: UTF8.self)
        let hints = ["&&": "and", "||": "or", "=": "==", "!": "not"]
        for (spelling, replacement) in hints where rest.hasPrefix(spelling) {
            return .failure(ParseError(.wrongOperator(spelling, replacement), range: start..<start + spelling.utf8.count))
        }
        let length = Lexer.scalarLength(bytes, at: index)
        return .failure(ParseError(.unexpectedCharacter(String(decoding: bytes[index..<index + length], as: UTF8.self)),
                                   range: index..<index + length))
    }

    private mutating func lexString(quote: UInt8) -> Result<Token, ParseError> {
        let start = index
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return .success(Token(kind: .string(String(decoding: value, as: UTF8.self)), range: start..<index))
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let escaped = bytes[index + 1]
                switch escaped {
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                default: value.append(escaped)
                }
                index += 2
                continue
            }
            value.append(byte)
            index += 1
        }
        return .failure(ParseError(.unterminatedString, range: start..<bytes.count))
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
            case 0xE3 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80:
                index += 3 // U+3000 ideographic space
            default:
                return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Letters, `_`, and any non-ASCII scalar that is not full-width punctuation.
    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        if byte >= 0x80 {
            // Reject full-width punctuation (U+3000–U+303F, U+FF00–U+FF0F, U+FF1A–U+FF20 …) as identifier starts.
            let scalar = Lexer.scalar(bytes, at: index)
            if let scalar {
                switch scalar.value {
                case 0x3000...0x303F, 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return false
                default: return true
                }
            }
            return true
        }
        return (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func scalarLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(length, bytes.count - index)
    }

    /// The scalar whose UTF-8 encoding begins at `index`, decoded in place; nil for a malformed one.
    static func scalar(_ bytes: [UInt8], at index: Int) -> Unicode.Scalar? {
        var decoder = UTF8()
        var iterator = bytes[index..<index + scalarLength(bytes, at: index)].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return scalar
    }

    /// Each symbol with its bytes, the longest first (so that `<=` is not read as `<`).
    private static let symbolsLongestFirst = Token.Symbol.allCases.sorted { $0.rawValue.utf8.count > $1.rawValue.utf8.count }
        .map { ($0, Array($0.rawValue.utf8)) }
}
