/// A citation written as a Chinese reader writes it:
/// `《中国共产党机构编制工作条例》第二十八条第一款第（二）项`.
///
/// The title is put in 《》 (unless it already is), the article or part number follows as a
/// Chinese numeral (第六条, 第三部分), then the paragraph (第二款) and the item in full-width
/// brackets (第（四）项). Any of the numbers may be left out; the text then stops earlier.
public struct CitationText: Hashable, Sendable, CustomStringConvertible {
    public var title: String
    public var unit: Regulation.CitationUnit
    public var number: Int?
    public var paragraph: Int?
    public var item: Int?

    public init(title: String, unit: Regulation.CitationUnit = .article, number: Int? = nil,
                paragraph: Int? = nil, item: Int? = nil) {
        self.title = title
        self.unit = unit
        self.number = number
        self.paragraph = paragraph
        self.item = item
    }

    /// The text of `citation` in `regulation` (its title and citation unit).
    public init(_ citation: CitationRef, in regulation: Regulation) {
        self.init(title: regulation.title, unit: regulation.citationUnit,
                  number: citation.number(in: regulation.citationUnit),
                  paragraph: citation.paragraph, item: citation.item)
    }

    /// The citation text.
    public var description: String {
        var text = title.hasPrefix("《") && title.hasSuffix("》") ? title : "《\(title)》"
        text += location
        return text
    }

    /// The part after the title: `第六条第二款`, `第三部分`, or empty.
    public var location: String {
        var text = ""
        if let number { text += "第\(ChineseNumeral.format(number))\(unit.chineseName)" }
        if let paragraph { text += "第\(ChineseNumeral.format(paragraph))款" }
        if let item { text += "第（\(ChineseNumeral.format(item))）项" }
        return text
    }
}
