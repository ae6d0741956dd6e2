import Diagnostics
import Schema

/// One version of a regulation in the catalogue, as its `Rules/catalog/*.yaml` file describes it.
///
/// A regulation is identified by its catalogue `key` (`gwy486`, `tiaoli`); when a regulation was
/// revised, each version is a separate file sharing the key and naming its `version`, and the
/// versions' periods of effect (`effective` up to, not including, `superseded`) do not overlap.
/// `articles` lists only the articles (or, for circulars cited by part, the parts) the catalogue
/// records, sorted by number; summaries are in the project's own words.
public struct Regulation: Hashable, Sendable {
    /// How a regulation is cited: by article (第X条) or, for some circulars, by part (第X部分).
    public enum CitationUnit: String, Hashable, Sendable, CaseIterable {
        /// 第X条.
        case article
        /// 第X部分.
        case part

        /// The Chinese measure word: 条 or 部分.
        public var chineseName: String {
            switch self {
            case .article: "条"
            case .part: "部分"
            }
        }
    }

    /// The fixed catalogue key, shared by all versions (`gwy486`).
    public var key: String
    /// The version's label (`"2024"`); required when several files share the key.
    public var version: String?
    /// The full title, without 《》.
    public var title: String
    /// The issuing body (国务院).
    public var issuer: String
    /// The document number (国务院令第486号), when it has one.
    public var documentNumber: String?
    /// The date of issue, when known.
    public var issued: CivilDate?
    /// The first day this version applies.
    public var effective: CivilDate
    /// The day a newer version replaced this one (this version applies before that day).
    public var superseded: CivilDate?
    /// Whether articles or parts are cited.
    public var citationUnit: CitationUnit
    /// True for a local document (a province's or a district's own).
    public var isLocal: Bool
    /// Sources and open questions, free text.
    public var note: String?
    /// The catalogued articles (or parts), sorted by number.
    public var articles: [Article]
    /// The catalogue file this version was read from.
    public var path: String

    /// Makes a regulation; `articles` are sorted by number.
    public init(key: String, version: String? = nil, title: String, issuer: String, documentNumber: String? = nil,
                issued: CivilDate? = nil, effective: CivilDate, superseded: CivilDate? = nil,
                citationUnit: CitationUnit = .article, isLocal: Bool = false, note: String? = nil,
                articles: [Article], path: String) {
        self.key = key
        self.version = version
        self.title = title
        self.issuer = issuer
        self.documentNumber = documentNumber
        self.issued = issued
        self.effective = effective
        self.superseded = superseded
        self.citationUnit = citationUnit
        self.isLocal = isLocal
        self.note = note
        self.articles = articles.sorted { $0.number < $1.number }
        self.path = path
    }

    /// The catalogued article (or part) with this number, if any.
    public func article(_ number: Int) -> Article? {
        var low = 0
        var high = articles.count
        while low < high {
            let mid = (low + high) / 2
            if articles[mid].number < number { low = mid + 1 } else { high = mid }
        }
        return low < articles.count && articles[low].number == number ? articles[low] : nil
    }

    /// True when this version applies on `date`: `effective <= date < superseded`.
    public func isInForce(on date: CivilDate) -> Bool {
        effective <= date && (superseded.map { date < $0 } ?? true)
    }

    /// `gwyzzf@2024`, or just the key for an unversioned regulation (for messages).
    public var displayName: String {
        version.map { "\(key)@\($0)" } ?? key
    }
}
