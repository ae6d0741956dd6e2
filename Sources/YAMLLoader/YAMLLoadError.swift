import Diagnostics

/// A problem found while reading YAML, located in its file.
public struct YAMLLoadError: Error, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// libyaml could not parse the text (message translated, original kept).
        case syntax(problem: String, context: String?)
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
    public var diagnostic: Diagnostic {
        switch kind {
        case let .syntax(problem, context):
            let detail = context.map { "\($0)时" } ?? ""
            return Diagnostic("yaml.syntax", message: "YAML 语法错误：\(detail)\(YAMLLoadError.translate(problem)) (\(context.map { $0 + ": " } ?? "")\(problem))",
                              at: location, help: "检查该处的缩进、冒号后的空格和引号是否成对")
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
