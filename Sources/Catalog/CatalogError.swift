import Diagnostics
import Schema

/// A problem with a catalogue file, located in it; `diagnostic` is what the user reads.
///
/// Every message of the catalogue loader is written here, in Chinese with the English term in
/// parentheses where it helps, lowercase and without a trailing full stop.
struct CatalogError: Error, Sendable {
    enum Kind: Sendable {
        case notFound
        case unreadable(String)
        case empty
        case unknownField(String, record: CatalogRecord, suggestion: String?)
        case missingField(CatalogField, record: CatalogRecord)
        case typeMismatch(CatalogField, expected: CatalogFieldType, found: String)
        case recordMismatch(CatalogRecord, found: String)
        case quotedNumber(CatalogField, text: String)
        case emptyText(CatalogField)
        case badDate(CatalogField, text: String, shapeOK: Bool)
        case badUnit(String, suggestion: String?)
        case belowMinimum(CatalogField, value: Int, minimum: Int)
        case integerOverflow(CatalogField, text: String)
        case badKey(String)
        case reservedKey(String)
        case duplicateArticle(Int, unit: Regulation.CitationUnit, first: SourceLocation)
        case itemsExceedParagraphs(count: Int, paragraphs: Int)
        case dateOrder(effective: CivilDate, superseded: CivilDate)
        case missingVersion(key: String, other: SourceLocation)
        case duplicateVersion(key: String, version: String, first: SourceLocation)
        case versionOverlap(key: String, earlier: String, later: String, laterEffective: CivilDate,
                            earlierSuperseded: CivilDate?, earlierAt: SourceLocation)
    }

    var kind: Kind
    var location: SourceLocation?
    var end: SourceLocation?

    init(_ kind: Kind, at location: SourceLocation?, end: SourceLocation? = nil) {
        self.kind = kind
        self.location = location
        self.end = end
    }

    var diagnostic: Diagnostic {
        func make(_ code: String, _ message: String, notes: [DiagnosticNote] = [], help: String? = nil) -> Diagnostic {
            Diagnostic(DiagnosticID("catalog." + code), severity: .error, message: message, at: location, end: end,
                       notes: notes, help: help)
        }
        switch kind {
        case .notFound:
            return make("notFound", "找不到法规目录文件夹", help: "给出的应是规则文件夹（含 catalog/ 和各规则包，通常为 Rules），而不是某一个规则包")
        case let .unreadable(reason):
            return make("unreadable", "无法读取文件：\(reason)")
        case .empty:
            return make("empty", "法规目录文件夹中没有 .yaml 文件", help: "每个法规版本一个 .yaml 文件，格式见 Rules/catalog/README.md")
        case let .unknownField(key, record, suggestion):
            let help = suggestion.map { "是否要写 '\($0)'？" }
                ?? "\(record.label) 的字段有：" + record.fields.map(\.name).joined(separator: ", ")
            return make("unknownField", "未知字段 '\(key)'：\(record.label) 中没有这个字段", help: help)
        case let .missingField(field, record):
            return make("missingField", "缺少必填字段 '\(field.name)'（\(field.label)）：\(record.label) 必须填写",
                        help: "添加 `\(field.name): …`（\(field.type.label)）")
        case let .typeMismatch(field, expected, found):
            let what = expected == field.type ? "" : "的每一项"
            return make("typeMismatch", "\(field.displayName)\(what)应为\(expected.label)，实际是\(found)")
        case let .recordMismatch(record, found):
            return make("typeMismatch", "\(record.label) 应为映射 (mapping)，实际是\(found)",
                        help: record == .regulation ? "文件的顶层是 `key: …`、`title: …` 等字段" : "每个条文写成 `- number: 6` 开头的一组字段")
        case let .quotedNumber(field, text):
            return make("typeMismatch", "\(field.displayName)应为整数，实际是带引号的文本 \"\(text)\"", help: "去掉引号：\(text)")
        case let .emptyText(field):
            return make("typeMismatch", "\(field.displayName)不能是空文本", help: "填写内容，或删除这一行（仅限选填字段）")
        case let .badDate(field, text, shapeOK):
            if shapeOK {
                return make("badDate", "\(field.displayName)的日期 '\(text)' 不存在", help: "检查月份和日期（如 2 月没有 30 日）")
            }
            return make("badDate", "\(field.displayName)应为 YYYY-MM-DD 格式的日期，实际是 '\(text)'",
                        help: "写成如 2007-05-01 的形式；日期不详的选填字段可以不写")
        case let .badUnit(text, suggestion):
            return make("badEnum", "字段 'citation_unit'（引用单位）的值 '\(text)' 无效：应为 article（按条引用）或 part（按部分引用）",
                        help: suggestion.map { "是否要写 '\($0)'？" })
        case let .belowMinimum(field, value, minimum):
            return make("outOfRange", "\(field.displayName)不能小于 \(minimum)，实际是 \(value)")
        case let .integerOverflow(field, text):
            return make("outOfRange", "\(field.displayName)的数值 \(text) 太大")
        case let .badKey(key):
            return make("badKey", "法规代码 '\(key)' 无效：只能由小写英文字母、数字、'-' 和 '_' 组成",
                        help: "规则以此代码引用法规，如 gwy486、tz2007-2")
        case let .reservedKey(key):
            return make("reservedKey", "法规代码 '\(key)' 是保留代码：它指被审计单位自己的文件，不能在法规目录中定义",
                        help: "给这个法规另取一个代码")
        case let .duplicateArticle(number, unit, first):
            let name = "第\(number)\(unit.chineseName)"
            return make("duplicateArticle", "\(name)重复：同一法规中\(unit == .article ? "条号" : "部分编号")必须唯一",
                        notes: [DiagnosticNote("\(name)第一次出现在此", at: first)], help: "删除其中一个，或改正编号")
        case let .itemsExceedParagraphs(count, paragraphs):
            return make("itemsExceedParagraphs", "'items' 列出了 \(count) 款的项数，但本条只有 \(paragraphs) 款 (paragraphs: \(paragraphs))",
                        help: "items 按顺序给出每一款的项数，长度不能超过 paragraphs；检查是否漏写了 paragraphs")
        case let .dateOrder(effective, superseded):
            return make("dateOrder", "失效日期 (superseded) \(superseded) 不晚于施行日期 (effective) \(effective)",
                        help: "superseded 是新版本取代本版本的那一天，应晚于本版本的施行日期")
        case let .missingVersion(key, other):
            return make("missingVersion", "法规代码 '\(key)' 有多个文件，每个文件都必须写明版本 (version)",
                        notes: [DiagnosticNote("代码 '\(key)' 的另一个文件在此", at: other)],
                        help: "添加如 `version: \"2024\"` 的一行")
        case let .duplicateVersion(key, version, first):
            return make("duplicateVersion", "法规 '\(key)' 的版本 '\(version)' 重复",
                        notes: [DiagnosticNote("版本 '\(version)' 第一次出现在此", at: first)],
                        help: "同一法规的每个版本只能有一个文件")
        case let .versionOverlap(key, earlier, later, laterEffective, earlierSuperseded, earlierAt):
            let earlierEnd = earlierSuperseded.map { "至 \($0) 才失效" } ?? "未写失效日期 (superseded)"
            return make("versionOverlap",
                        "法规 '\(key)' 的两个版本施行期间重叠：版本 '\(earlier)' \(earlierEnd)，版本 '\(later)' 自 \(laterEffective) 起已施行",
                        notes: [DiagnosticNote(earlierSuperseded == nil ? "版本 '\(earlier)' 在此" : "版本 '\(earlier)' 的失效日期在此",
                                               at: earlierAt)],
                        help: "在版本 '\(earlier)' 的文件中写 `superseded: \(laterEffective)`，或改正版本 '\(later)' 的 effective")
        }
    }
}

/// What a catalogue field holds, for decoding and for messages.
enum CatalogFieldType: Sendable {
    case text, int, bool, date, unit, intList, articleList

    var label: String {
        switch self {
        case .text: "文本 (string)"
        case .int: "整数 (int)"
        case .bool: "布尔值 true/false (bool)"
        case .date: "日期 YYYY-MM-DD (date)"
        case .unit: "article 或 part"
        case .intList: "整数列表 (如 [0, 5])"
        case .articleList: "条文列表 (sequence)"
        }
    }
}

/// One field of a catalogue entry: its YAML name, its Chinese label and whether it must be written.
struct CatalogField: Sendable {
    var name: String
    var label: String
    var type: CatalogFieldType
    var required: Bool

    var displayName: String { "字段 '\(name)'（\(label)）" }
}

/// The two kinds of mapping in a catalogue file, with their fields.
enum CatalogRecord: Sendable {
    case regulation, article

    var label: String {
        switch self {
        case .regulation: "法规条目 (regulation)"
        case .article: "条文条目 (article)"
        }
    }

    var fields: [CatalogField] {
        switch self {
        case .regulation: CatalogRecord.regulationFields
        case .article: CatalogRecord.articleFields
        }
    }

    func field(named name: String) -> CatalogField? {
        fields.first { $0.name == name }
    }

    static let regulationFields: [CatalogField] = [
        CatalogField(name: "key", label: "法规代码", type: .text, required: true),
        CatalogField(name: "version", label: "版本", type: .text, required: false),
        CatalogField(name: "title", label: "标题", type: .text, required: true),
        CatalogField(name: "issuer", label: "制定机关", type: .text, required: true),
        CatalogField(name: "document_number", label: "文号", type: .text, required: false),
        CatalogField(name: "issued", label: "公布日期", type: .date, required: false),
        CatalogField(name: "effective", label: "施行日期", type: .date, required: true),
        CatalogField(name: "superseded", label: "失效日期", type: .date, required: false),
        CatalogField(name: "citation_unit", label: "引用单位", type: .unit, required: false),
        CatalogField(name: "local", label: "地方文件", type: .bool, required: false),
        CatalogField(name: "note", label: "说明", type: .text, required: false),
        CatalogField(name: "articles", label: "条文", type: .articleList, required: true),
    ]

    static let articleFields: [CatalogField] = [
        CatalogField(name: "number", label: "条号", type: .int, required: true),
        CatalogField(name: "chapter", label: "章", type: .text, required: false),
        CatalogField(name: "summary", label: "概要", type: .text, required: true),
        CatalogField(name: "paragraphs", label: "款数", type: .int, required: false),
        CatalogField(name: "items", label: "各款项数", type: .intList, required: false),
        CatalogField(name: "verified", label: "已核", type: .bool, required: true),
        CatalogField(name: "not_checkable", label: "不可检查的原因", type: .text, required: false),
    ]
}
