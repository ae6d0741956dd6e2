import Diagnostics

/// One catalogued article (条) of a regulation, or one part (部分) of a circular cited by part.
///
/// The catalogue records the article's number, its chapter, a summary in the project's own words,
/// and the shape a citation may take: how many paragraphs (款) it has and how many items (项) each
/// paragraph has. `verified` says whether the number and content were confirmed against the
/// official text; reports mark citations of unverified articles 待核.
public struct Article: Hashable, Sendable {
    /// The article number: 第六条 is 6; for a part, 第三部分 is 3.
    public var number: Int
    /// The chapter heading (第二章 机构设置), when recorded.
    public var chapter: String?
    /// What the article requires, in the project's own words.
    public var summary: String
    /// How many paragraphs (款) the article has (at least 1).
    public var paragraphs: Int
    /// How many items (项) each paragraph has, in order; missing trailing paragraphs have none.
    public var items: [Int]
    /// True only when both the number and the content are confirmed against the official text.
    public var verified: Bool
    /// Why snapshot data cannot show compliance with this article, when it cannot.
    public var notCheckable: String?
    /// Where the article's entry starts in its catalogue file.
    public var location: SourceLocation

    public init(number: Int, chapter: String? = nil, summary: String, paragraphs: Int = 1, items: [Int] = [],
                verified: Bool, notCheckable: String? = nil, location: SourceLocation) {
        self.number = number
        self.chapter = chapter
        self.summary = summary
        self.paragraphs = paragraphs
        self.items = items
        self.verified = verified
        self.notCheckable = notCheckable
        self.location = location
    }

    /// The number of items (项) in a 1-based paragraph: 0 when it has none or does not exist.
    public func itemCount(inParagraph paragraph: Int) -> Int {
        guard paragraph >= 1, paragraph <= paragraphs, paragraph <= items.count else { return 0 }
        return items[paragraph - 1]
    }
}
