import Diagnostics
import Schema

extension RegulationCatalog {
    /// Checks a citation against the catalogue.
    ///
    /// The version checked is the one named by `citation.version`; else, when `date` is given,
    /// the one in force on that date; else the latest. The citation must then use the
    /// regulation's unit (article or part), name a catalogued article, a paragraph within its
    /// count, and an item within the count of that paragraph (paragraph 1 when none is given).
    public func check(_ citation: CitationRef, on date: CivilDate?) -> CitationCheck {
        let versions = regulations(key: citation.source)
        guard !versions.isEmpty else {
            return .unknownSource(citation.source, suggestion: Suggestion.closest(to: citation.source, in: keys))
        }
        let chosen: Regulation
        if let version = citation.version {
            guard let found = versions.first(where: { $0.version == version }) else {
                return .unknownVersion(version, versions: versions)
            }
            chosen = found
        } else if let date {
            guard let found = self.version(of: citation.source, on: date) else {
                return .notInForce(on: date, versions: versions)
            }
            chosen = found
        } else if let last = versions.last {
            chosen = last
        } else {
            return .unknownSource(citation.source, suggestion: nil)
        }
        return check(citation, in: chosen)
    }

    /// Checks the unit, article, paragraph and item of `citation` in one regulation version.
    func check(_ citation: CitationRef, in regulation: Regulation) -> CitationCheck {
        let unit = regulation.citationUnit
        let other: Regulation.CitationUnit = unit == .article ? .part : .article
        if citation.number(in: other) != nil {
            return .wrongUnit(regulation, found: other)
        }
        guard let number = citation.number(in: unit) else {
            return .missingNumber(regulation)
        }
        guard let article = regulation.article(number) else {
            return .unknownArticle(number, available: regulation.articles.map(\.number), in: regulation)
        }
        if let paragraph = citation.paragraph, !(1...article.paragraphs).contains(paragraph) {
            return .paragraphOutOfRange(paragraph, max: article.paragraphs, article: article, in: regulation)
        }
        if let item = citation.item {
            let count = article.itemCount(inParagraph: citation.paragraph ?? 1)
            if !(1...max(1, count)).contains(item) || count == 0 {
                return .itemOutOfRange(item, paragraph: citation.paragraph, max: count, article: article, in: regulation)
            }
        }
        return .ok(article, regulation)
    }
}
