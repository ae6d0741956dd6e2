/// A syntax error in an expression, at a byte range of its text.
public struct ParseError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case unexpectedCharacter(String)
        case wrongOperator(String, String)
        case unterminatedString
        case numberTooLarge
        case expected(String, found: String)
        case lambdaOutsideCall
        case emptyExpression
        case tooDeep(limit: Int)
        /// A chain of operators or fields longer than the nesting allows.
        case tooLong(limit: Int)
    }

    public var kind: Kind
    public var range: Range<Int>

    init(_ kind: Kind, range: Range<Int>) {
        self.kind = kind
        self.range = range
    }

    public var message: String {
        switch kind {
        case .unexpectedCharacter(let text): "表达式中不能出现 '\(text)'"
        case let .wrongOperator(spelling, replacement): "规则语言不用 '\(spelling)'，请写 '\(replacement)'"
        case .unterminatedString: "字符串缺少结束引号"
        case .numberTooLarge: "数字太大"
        case let .expected(what, found): "此处应为\(what)，实际是 \(found)"
        case .lambdaOutsideCall: "'x -> …' 只能作为集合函数的参数（如 count(list, x -> …)）"
        case .emptyExpression: "表达式为空"
        case .tooDeep(let limit): "表达式嵌套太深（超过 \(limit) 层）"
        case .tooLong(let limit): "表达式太长：一串运算或字段超过 \(limit) 项"
        }
    }

    public var help: String? {
        switch kind {
        case .wrongOperator: "比较用 ==，布尔运算用 and、or、not"
        case .expected(_, let found) where found == "表达式结尾": "检查括号是否成对"
        case .unexpectedCharacter(let text) where text.unicodeScalars.first.map({ (0x3000...0x303F).contains($0.value) || (0xFF00...0xFF65).contains($0.value) }) == true:
            "含全角标点的中文标签请加引号，如 \"正科（乡）级\"；表达式中的括号、逗号用半角"
        case .tooDeep: "把里层的部分写成命名值（let），再在这里引用它的名字"
        case .tooLong: "把这一串拆开：前面几项写成命名值（let），再在这里引用它们的名字"
        default: nil
        }
    }
}
