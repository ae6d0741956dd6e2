import Diagnostics

/// A problem found while reading YAML, located in its file.
public struct YAMLLoadError: Error, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// libyaml could not parse the text (message translated, original kept).
        /// libyaml's problem and the construct it was reading (`context`), which began at `contextMark`.
        case syntax(problem: String, context: String?, contextMark: YAMLMark?)
        /// A tab where YAML requires spaces.
        case tabIndentation
        /// Bytes that are not UTF-8.
        case invalidUTF8(byte: UInt8?)
        /// A control or otherwise forbidden character.
        case forbiddenCharacter(problem: String)
        case emptyFile
        case multipleDocuments
        case duplicateKey(String, firstAt: YAMLMark)
        case nonScalarKey
        case undefinedAlias(String)
        case aliasExpansionLimit(Int)
        case nestingTooDeep(Int)
        case fileTooLarge(size: Int, limit: Int)
    }

    public var kind: Kind
    public var path: String
    public var mark: YAMLMark

    public init(_ kind: Kind, path: String, mark: YAMLMark) {
        self.kind = kind
        self.path = path
        self.mark = mark
    }

    public var location: SourceLocation {
        SourceLocation(path: path, line: Int(mark.line), column: Int(mark.column))
    }

    /// The diagnostic a user reads.
    /// The diagnostic, with `help` for an empty file saying what this kind of file holds (a snapshot's by default).
    public func diagnostic(emptyFileHelp help: String) -> Diagnostic {
        var diagnostic = self.diagnostic
        if case .emptyFile = kind { diagnostic.help = help }
        return diagnostic
    }

    public var diagnostic: Diagnostic {
        switch kind {
        case let .syntax(problem, context, contextMark):
            let construct = context.map(YAMLLoadError.translateContext)
            let detail = construct.map { "\($0)时" } ?? ""
            // Where the construct being read began: an unclosed quote is found where the parser gave up, often many lines
            // below the quote itself.
            var notes: [DiagnosticNote] = []
            if let construct, let contextMark, contextMark.line != Int32(location.line) || contextMark.column != Int32(location.column) {
                notes.append(DiagnosticNote("\(construct)从这里开始",
                                            at: SourceLocation(path: path, line: Int(contextMark.line), column: Int(contextMark.column))))
            }
            let help = context?.contains("quoted scalar") == true
                ? "检查\(contextMark.map { "第 \($0.line) 行第 \($0.column) 列" } ?? "")开始的引号是否闭合；双引号字符串中的双引号写成 \\\"，单引号字符串中的单引号写成 ''"
                : "检查该处的缩进、冒号后的空格和引号是否成对"
            return Diagnostic("yaml.syntax", message: "YAML 语法错误：\(detail)\(YAMLLoadError.translate(problem)) (\(context.map { $0 + ": " } ?? "")\(problem))",
                              at: location, notes: notes, help: help)
        case .tabIndentation:
            return Diagnostic("yaml.tab", message: "缩进中使用了制表符 (tab)，YAML 只允许用空格缩进",
                              at: location, help: "把该行开头的制表符换成空格")
        case let .invalidUTF8(byte):
            let shown = byte.map { " 0x" + String($0, radix: 16, uppercase: true) } ?? ""
            return Diagnostic("yaml.invalidUTF8", message: "文件不是有效的 UTF-8 编码：无效字节\(shown)",
                              at: location, help: "以 UTF-8 编码重新保存文件（GBK/GB18030 导出的文件需要先转换）")
        case let .forbiddenCharacter(problem):
            return Diagnostic("yaml.forbiddenCharacter", message: "文件含有不允许的控制字符 (\(problem))",
                              at: location, help: "删除该字符，或检查文件是否为文本文件")
        case .emptyFile:
            return Diagnostic("yaml.empty", message: "文件为空，没有任何内容", at: location,
                              help: "快照文件至少需要 `snapshot: v1`、`as_of` 和 `region`")
        case .multipleDocuments:
            return Diagnostic("yaml.multipleDocuments", message: "一个文件只能包含一个 YAML 文档，此处开始了第二个文档 ('---')",
                              at: location, help: "把其余文档拆成单独的文件")
        case let .duplicateKey(key, firstAt):
            return Diagnostic("yaml.duplicateKey", message: "重复的键 '\(key)'", at: location,
                              notes: [DiagnosticNote("'\(key)' 第一次出现在此", at: SourceLocation(path: path, line: Int(firstAt.line), column: Int(firstAt.column)))],
                              help: "删除其中一个，或合并两处的内容")
        case .nonScalarKey:
            return Diagnostic("yaml.complexKey", message: "映射的键必须是简单的标量（字段名），不能是列表或映射", at: location)
        case let .undefinedAlias(name):
            return Diagnostic("yaml.undefinedAlias", message: "别名 '*\(name)' 引用了未定义的锚点", at: location,
                              help: "先用 '&\(name)' 定义锚点，再引用它")
        case let .aliasExpansionLimit(limit):
            return Diagnostic("yaml.aliasBudget", message: "别名展开后的节点数超过上限 \(limit)（疑似 \"billion laughs\" 攻击）",
                              at: location, help: "不要用别名层层嵌套地复制大块内容")
        case let .nestingTooDeep(limit):
            return Diagnostic("yaml.tooDeep", message: "嵌套层数超过上限 \(limit)", at: location,
                              help: "快照的结构不超过十层；检查是否有未闭合的括号")
        case let .fileTooLarge(size, limit):
            return Diagnostic("yaml.tooLarge", message: "文件大小 \(size) 字节，超过上限 \(limit) 字节", at: location,
                              help: "把快照拆成文件夹形式：region.yaml 加 institutions/ 下的多个文件")
        }
    }

    /// Chinese names of the constructs libyaml reports reading when it found a problem ("while parsing a block mapping").
    static func translateContext(_ context: String) -> String {
        let table: [(String, String)] = [
            ("while parsing a block mapping", "读取缩进的映射（键: 值）"),
            ("while parsing a block collection", "读取缩进的列表或映射"),
            ("while parsing a flow mapping", "读取花括号 {…} 映射"),
            ("while parsing a flow sequence", "读取方括号 […] 列表"),
            ("while parsing a flow node", "读取括号中的值"),
            ("while parsing a block node", "读取值"),
            ("while parsing a node", "读取值"),
            ("while scanning a quoted scalar", "读取引号中的字符串"),
            ("while scanning a plain scalar", "读取不带引号的值"),
            ("while scanning a block scalar", "读取 | 或 > 开始的多行文本"),
            ("while scanning a simple key", "读取键"),
            ("while scanning an anchor", "读取锚点 &"),
            ("while scanning an alias", "读取别名 *"),
            ("while scanning a tag", "读取标签 !"),
            ("while scanning a directive", "读取指令 %"),
            ("while scanning for the next token", "读取下一个记号"),
            ("while parsing a document", "读取文档"),
        ]
        for (english, chinese) in table where context.hasPrefix(english) {
            return chinese
        }
        return "读取"
    }

    /// Chinese renderings of libyaml's most common problems.
    static func translate(_ problem: String) -> String {
        let table: [(String, String)] = [
            ("mapping values are not allowed in this context", "此处不允许出现映射值（冒号位置不对，或值中含有未加引号的 ': '）"),
            ("did not find expected key", "没有找到预期的键（缩进不一致？）"),
            ("did not find expected '-' indicator", "没有找到预期的 '-'（列表项缩进不一致？）"),
            ("did not find expected <document start>", "文档结束后还有多余内容"),
            ("did not find expected ',' or ']'", "流式列表缺少 ',' 或 ']'"),
            ("did not find expected ',' or '}'", "流式映射缺少 ',' 或 '}'"),
            ("found unexpected end of stream", "文件意外结束（引号或括号未闭合？）"),
            ("found character that cannot start any token", "出现了不能开始任何记号的字符"),
            ("could not find expected ':'", "没有找到预期的 ':'"),
            ("found undefined tag handle", "使用了未定义的标签"),
            ("block sequence entries are not allowed in this context", "此处不允许出现列表项 '-'"),
            ("found unknown escape character", "双引号字符串中有未知的转义字符"),
            ("found a tab character that violates indentation", "缩进中有制表符"),
            ("found unexpected ':'", "出现了意外的 ':'"),
            ("did not find expected node content", "没有找到预期的内容"),
            ("found incompatible YAML document", "YAML 版本不兼容"),
        ]
        for (english, chinese) in table where problem.hasPrefix(english) {
            return chinese
        }
        return "无法解析"
    }
}
