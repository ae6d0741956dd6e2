import Diagnostics
import Schema

/// The outcome of checking a rule's citation against the catalogue: the cited article, or
/// what is wrong with the citation.
///
/// Each problem carries what a message needs (the regulation, the numbers the catalogue does
/// have) and has a Chinese `message` and `help`; `diagnostic(at:end:)` turns it into a located
/// diagnostic (`citation.<code>`) for the rule loader. A citation of an article that is not yet
/// verified is `ok`, and `diagnostic(at:end:)` gives a warning for it (reports mark it 待核).
public enum CitationCheck: Hashable, Sendable {
    /// The citation names a catalogued article (paragraph and item in range).
    case ok(Article, Regulation)
    /// No regulation has this key; `suggestion` is the closest key.
    case unknownSource(String, suggestion: String?)
    /// The regulation has no version with this label.
    case unknownVersion(String, versions: [Regulation])
    /// No version of the regulation is in force on the date.
    case notInForce(on: CivilDate, versions: [Regulation])
    /// Neither `article` nor `part` is given (as the regulation's citation unit requires).
    case missingNumber(Regulation)
    /// The citation uses the other unit: `part` for a regulation cited by article, or the reverse.
    case wrongUnit(Regulation, found: Regulation.CitationUnit)
    /// The catalogue does not list this article (or part); `available` lists those it does.
    case unknownArticle(Int, available: [Int], in: Regulation)
    /// The article has `max` paragraphs; the citation names `paragraph`.
    case paragraphOutOfRange(Int, max: Int, article: Article, in: Regulation)
    /// The paragraph (the given one, or paragraph 1) has `max` items; the citation names `item`.
    case itemOutOfRange(Int, paragraph: Int?, max: Int, article: Article, in: Regulation)

    /// True for `.ok`.
    public var isOK: Bool {
        if case .ok = self { return true }
        return false
    }

    /// The cited article, when the citation is valid.
    public var article: Article? {
        if case .ok(let article, _) = self { return article }
        return nil
    }

    /// The regulation version the citation was checked against, when one was found.
    public var regulation: Regulation? {
        switch self {
        case .ok(_, let regulation), .missingNumber(let regulation), .wrongUnit(let regulation, _),
             .unknownArticle(_, _, let regulation), .paragraphOutOfRange(_, _, _, let regulation),
             .itemOutOfRange(_, _, _, _, let regulation):
            regulation
        case .unknownSource, .unknownVersion, .notInForce:
            nil
        }
    }

    /// The problem's code (`unknownArticle`), used in the diagnostic id; nil for `.ok`.
    public var code: String? {
        switch self {
        case .ok: nil
        case .unknownSource: "unknownSource"
        case .unknownVersion: "unknownVersion"
        case .notInForce: "notInForce"
        case .missingNumber: "missingNumber"
        case .wrongUnit: "wrongUnit"
        case .unknownArticle: "unknownArticle"
        case .paragraphOutOfRange: "paragraphOutOfRange"
        case .itemOutOfRange: "itemOutOfRange"
        }
    }

    /// What is wrong, in Chinese; nil for `.ok`.
    public var message: String? {
        switch self {
        case .ok:
            return nil
        case let .unknownSource(source, _):
            return "法规目录中没有代码为 '\(source)' 的法规"
        case let .unknownVersion(version, versions):
            let name = versions.first.map { "《\($0.title)》(\($0.key))" } ?? "该法规"
            return "\(name)没有版本 '\(version)'"
        case let .notInForce(date, versions):
            guard let first = versions.first, let last = versions.last else { return "该法规在 \(date) 不在施行期内" }
            if date < first.effective {
                return "《\(first.title)》在 \(date) 尚未施行（自 \(first.effective) 起施行）"
            }
            if let end = last.superseded, end <= date {
                return "《\(last.title)》在 \(date) 已失效（\(end) 起不再适用）"
            }
            return "《\(first.title)》在 \(date) 没有施行中的版本"
        case let .missingNumber(regulation):
            let field = regulation.citationUnit == .article ? "条号 (article)" : "部分编号 (part)"
            return "引用《\(regulation.title)》必须写明\(field)"
        case let .wrongUnit(regulation, found):
            let expected = regulation.citationUnit
            return "《\(regulation.title)》按\(expected.chineseName)引用（第X\(expected.chineseName)），"
                + "应写 '\(expected.rawValue)' 而不是 '\(found.rawValue)'"
        case let .unknownArticle(number, _, regulation):
            let cited = CitationText(title: regulation.title, unit: regulation.citationUnit, number: number)
            return "法规目录未收录\(cited) (\(regulation.citationUnit.rawValue): \(number))"
        case let .paragraphOutOfRange(paragraph, max, article, regulation):
            let cited = CitationText(title: regulation.title, unit: regulation.citationUnit, number: article.number)
            return "\(cited)只有 \(max) 款，没有第\(ChineseNumeral.format(paragraph))款 (paragraph: \(paragraph))"
        case let .itemOutOfRange(item, paragraph, max, article, regulation):
            let cited = CitationText(title: regulation.title, unit: regulation.citationUnit, number: article.number,
                                     paragraph: paragraph)
            let asked = "第（\(ChineseNumeral.format(item))）项 (item: \(item))"
            if max == 0 {
                return "\(cited)\(paragraph == nil && article.paragraphs > 1 ? "第一款" : "")不分项，没有\(asked)"
            }
            return "\(cited)\(paragraph == nil && article.paragraphs > 1 ? "第一款" : "")只有 \(max) 项，没有\(asked)"
        }
    }

    /// How to fix it, in Chinese, when there is something to say.
    public var help: String? {
        switch self {
        case .ok(let article, _):
            return article.verified ? nil : "可以引用，但报告会把这一引用标为待核；低可信度的条文不宜引用"
        case let .unknownSource(_, suggestion):
            return suggestion.map { "是否要写 '\($0)'？" } ?? "法规代码见 Rules/catalog 中各文件的 key"
        case let .unknownVersion(_, versions):
            let labels = versions.compactMap(\.version)
            return labels.isEmpty ? "该法规只有一个版本，去掉 version" : "可用的版本：" + labels.joined(separator: "、")
        case let .notInForce(_, versions):
            let periods = versions.map { regulation in
                "\(regulation.version.map { "'\($0)' " } ?? "")\(regulation.effective) 至 \(regulation.superseded.map(\.description) ?? "今")"
            }
            return "施行期间：" + periods.joined(separator: "；")
        case .missingNumber(let regulation):
            return "如 `{source: \(regulation.key), \(regulation.citationUnit.rawValue): 1}`"
        case .wrongUnit(let regulation, _):
            return "把 '\(regulation.citationUnit == .article ? "part" : "article")' 改为 '\(regulation.citationUnit.rawValue)'"
        case let .unknownArticle(_, available, regulation):
            guard !available.isEmpty else { return "目录尚未收录该法规的任何\(regulation.citationUnit.chineseName)" }
            return "目录收录的\(regulation.citationUnit == .article ? "条文" : "部分")：" + CitationCheck.describe(available, unit: regulation.citationUnit)
        case .paragraphOutOfRange:
            return "若目录的款数有误，先据官方文本改正 Rules/catalog 中该条的 paragraphs"
        case let .itemOutOfRange(item, paragraph, _, article, _):
            if paragraph == nil,
               let other = (1...max(1, article.paragraphs)).first(where: { article.itemCount(inParagraph: $0) >= item }) {
                return "第\(ChineseNumeral.format(other))款有 \(article.itemCount(inParagraph: other)) 项；是否要写 `paragraph: \(other)`？"
            }
            return "若目录的项数有误，先据官方文本改正 Rules/catalog 中该条的 items"
        }
    }

    /// The located diagnostic for this outcome: an error `citation.<code>` for a problem, a warning
    /// `citation.unverified` for an unverified article, nil for a verified one.
    public func diagnostic(at location: SourceLocation?, end: SourceLocation? = nil) -> Diagnostic? {
        if case .ok(let article, let regulation) = self {
            guard !article.verified else { return nil }
            let cited = CitationText(title: regulation.title, unit: regulation.citationUnit, number: article.number)
            return Diagnostic("citation.unverified", severity: .warning,
                              message: "\(cited)的条号或内容尚未与官方文本核对（待核）",
                              at: location, end: end, help: help)
        }
        guard let code, let message else { return nil }
        return Diagnostic(DiagnosticID("citation." + code), severity: .error, message: message,
                          at: location, end: end, help: help)
    }

    /// `第1至30条` for a run without gaps, else `第2、20、27条` (at most 12 numbers shown).
    static func describe(_ numbers: [Int], unit: Regulation.CitationUnit) -> String {
        guard let first = numbers.first, let last = numbers.last else { return "" }
        if numbers.count > 1, last - first + 1 == numbers.count {
            return "第\(first)至\(last)\(unit.chineseName)"
        }
        let shown = numbers.prefix(12).map(String.init).joined(separator: "、")
        return "第\(shown)\(numbers.count > 12 ? "等" : "")\(unit.chineseName)"
    }
}
