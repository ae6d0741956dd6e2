/// A citation as a rule writes it: a catalogue key and an article (or part), with an optional
/// paragraph (款), item (项) and version.
///
/// `{source: gwy486, article: 6, paragraph: 2}` cites 《地方各级人民政府机构设置和编制管理条例》
/// 第六条第二款. Regulations cited by part (`citation_unit: part`) take `part` instead of
/// `article`. Without `version`, the version is chosen by date (see `RegulationCatalog.check`).
public struct CitationRef: Hashable, Sendable {
    /// The catalogue key (`gwy486`).
    public var source: String
    /// The article number (第X条).
    public var article: Int?
    /// The part number (第X部分), for regulations cited by part.
    public var part: Int?
    /// The paragraph (款), 1-based.
    public var paragraph: Int?
    /// The item (项), 1-based, within `paragraph` (or paragraph 1 when none is given).
    public var item: Int?
    /// A specific version of the regulation (`"1982"`).
    public var version: String?

    public init(source: String, article: Int? = nil, part: Int? = nil, paragraph: Int? = nil,
                item: Int? = nil, version: String? = nil) {
        self.source = source
        self.article = article
        self.part = part
        self.paragraph = paragraph
        self.item = item
        self.version = version
    }

    /// The number that counts for `unit`: `article` or `part`.
    public func number(in unit: Regulation.CitationUnit) -> Int? {
        switch unit {
        case .article: article
        case .part: part
        }
    }
}
