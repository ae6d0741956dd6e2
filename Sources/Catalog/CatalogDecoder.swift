import Diagnostics
import Schema
import YAMLLoader

/// A regulation as decoded from one file, with the places that cross-file checks point at.
struct DecodedRegulation: Sendable {
    var regulation: Regulation
    var keyLocation: SourceLocation
    var versionLocation: SourceLocation?
    var effectiveLocation: SourceLocation
    var supersededLocation: SourceLocation?
}

/// Decodes one catalogue file's YAML tree strictly: unknown, missing and mistyped fields, bad
/// dates and numbers, duplicate articles and impossible item counts are all reported, located,
/// and decoding goes on so that one run shows every problem.
struct CatalogDecoder {
    let path: String
    private(set) var errors: [CatalogError] = []

    init(path: String) {
        self.path = path
    }

    func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(path: path, line: Int(mark.line), column: Int(mark.column))
    }

    private mutating func fail(_ kind: CatalogError.Kind, _ node: YAMLNode) {
        errors.append(CatalogError(kind, at: location(node.start), end: location(node.end)))
    }

    /// The regulation in `root`, or nil when a required field is missing or unusable.
    mutating func decodeRegulation(_ root: YAMLNode) -> DecodedRegulation? {
        guard let fields = fields(of: root, as: .regulation) else { return nil }
        let key = fields["key"].flatMap { text($0, "key") }
        if let key, let node = fields["key"] {
            if CatalogDecoder.reservedKeys.contains(key) {
                fail(.reservedKey(key), node)
            } else if !CatalogDecoder.isValidKey(key) {
                fail(.badKey(key), node)
            }
        }
        let version = fields["version"].flatMap { text($0, "version") }
        let title = fields["title"].flatMap { text($0, "title") }
        let issuer = fields["issuer"].flatMap { text($0, "issuer") }
        let documentNumber = fields["document_number"].flatMap { text($0, "document_number") }
        let issued = fields["issued"].flatMap { date($0, "issued") }
        let effective = fields["effective"].flatMap { date($0, "effective") }
        let superseded = fields["superseded"].flatMap { date($0, "superseded") }
        if let effective, let superseded, superseded <= effective, let node = fields["superseded"] {
            fail(.dateOrder(effective: effective, superseded: superseded), node)
        }
        let unit = fields["citation_unit"].flatMap { citationUnit($0) } ?? .article
        let isLocal = fields["local"].flatMap { bool($0, "local") } ?? false
        let note = fields["note"].flatMap { text($0, "note") }
        let articles = fields["articles"].map { decodeArticles($0, unit: unit) } ?? []

        guard let key, let title, let issuer, let effective,
              let keyNode = fields["key"], let effectiveNode = fields["effective"] else { return nil }
        let regulation = Regulation(key: key, version: version, title: title, issuer: issuer,
                                    documentNumber: documentNumber, issued: issued, effective: effective,
                                    superseded: superseded, citationUnit: unit, isLocal: isLocal, note: note,
                                    articles: articles, path: path)
        return DecodedRegulation(regulation: regulation, keyLocation: location(keyNode.start),
                                 versionLocation: fields["version"].map { location($0.start) },
                                 effectiveLocation: location(effectiveNode.start),
                                 supersededLocation: fields["superseded"].map { location($0.start) })
    }

    private mutating func decodeArticles(_ node: YAMLNode, unit: Regulation.CitationUnit) -> [Article] {
        guard case .sequence(let entries) = node.kind else {
            mismatch(node, "articles")
            return []
        }
        var articles: [Article] = []
        var firstSeen: [Int: SourceLocation] = [:]
        for entry in entries {
            guard let article = decodeArticle(entry) else { continue }
            if let first = firstSeen[article.number] {
                // Point at the repeated number itself; the entry decoded, so `number` is there.
                let numberNode = entry.pair(named: "number")?.value ?? entry
                fail(.duplicateArticle(article.number, unit: unit, first: first), numberNode)
                continue
            }
            let numberNode = entry.pair(named: "number")?.value ?? entry
            firstSeen[article.number] = location(numberNode.start)
            articles.append(article)
        }
        return articles
    }

    private mutating func decodeArticle(_ node: YAMLNode) -> Article? {
        guard let fields = fields(of: node, as: .article) else { return nil }
        let number = fields["number"].flatMap { int($0, "number", minimum: 1) }
        let chapter = fields["chapter"].flatMap { text($0, "chapter") }
        let summary = fields["summary"].flatMap { text($0, "summary") }
        let paragraphs = fields["paragraphs"].flatMap { int($0, "paragraphs", minimum: 1) } ?? 1
        var items = fields["items"].flatMap { intList($0, "items", minimum: 0) } ?? []
        if items.count > paragraphs, let itemsNode = fields["items"] {
            fail(.itemsExceedParagraphs(count: items.count, paragraphs: paragraphs), itemsNode)
            items = Array(items.prefix(paragraphs))
        }
        let verified = fields["verified"].flatMap { bool($0, "verified") }
        let notCheckable = fields["not_checkable"].flatMap { text($0, "not_checkable") }
        guard let number, let summary, let verified else { return nil }
        return Article(number: number, chapter: chapter, summary: summary, paragraphs: paragraphs, items: items,
                       verified: verified, notCheckable: notCheckable, location: location(node.start))
    }

    // MARK: - Mappings and scalars

    /// The non-null values of a mapping by field name; unknown and missing fields are reported.
    private mutating func fields(of node: YAMLNode, as record: CatalogRecord) -> [String: YAMLNode]? {
        guard case .mapping(let pairs) = node.kind else {
            fail(.recordMismatch(record, found: CatalogDecoder.describe(node)), node)
            return nil
        }
        var values: [String: YAMLNode] = [:]
        var written: Set<String> = []
        for pair in pairs {
            guard let name = pair.key.scalar?.value else { continue }
            guard let field = record.field(named: name) else {
                let suggestion = Suggestion.closest(to: name, in: record.fields.map(\.name))
                fail(.unknownField(name, record: record, suggestion: suggestion), pair.key)
                continue
            }
            written.insert(name)
            if pair.value.scalar?.isNull == true {
                if field.required { fail(.missingField(field, record: record), pair.value) }
                continue
            }
            values[name] = pair.value
        }
        for field in record.fields where field.required && !written.contains(field.name) {
            errors.append(CatalogError(.missingField(field, record: record), at: location(node.start)))
        }
        return values
    }

    private func field(_ name: String) -> CatalogField {
        guard let field = CatalogRecord.regulation.field(named: name) ?? CatalogRecord.article.field(named: name) else {
            preconditionFailure("catalogue field '\(name)' is not declared in CatalogRecord")
        }
        return field
    }

    private mutating func mismatch(_ node: YAMLNode, _ name: String, expected: CatalogFieldType? = nil) {
        let field = field(name)
        fail(.typeMismatch(field, expected: expected ?? field.type, found: CatalogDecoder.describe(node)), node)
    }

    private mutating func text(_ node: YAMLNode, _ name: String) -> String? {
        guard let scalar = node.scalar else {
            mismatch(node, name)
            return nil
        }
        if scalar.value.allSatisfy(\.isWhitespace) {
            fail(.emptyText(field(name)), node)
            return nil
        }
        return scalar.value
    }

    private mutating func int(_ node: YAMLNode, _ name: String, minimum: Int) -> Int? {
        guard let scalar = node.scalar, !scalar.isNull else {
            mismatch(node, name, expected: .int)
            return nil
        }
        let text = scalar.value
        if scalar.isExplicitString {
            if Int(text) != nil {
                fail(.quotedNumber(field(name), text: text), node)
            } else {
                mismatch(node, name, expected: .int)
            }
            return nil
        }
        guard CatalogDecoder.isDecimalInteger(text) else {
            mismatch(node, name, expected: .int)
            return nil
        }
        guard let value = Int(text) else {
            fail(.integerOverflow(field(name), text: text), node)
            return nil
        }
        guard value >= minimum else {
            fail(.belowMinimum(field(name), value: value, minimum: minimum), node)
            return nil
        }
        return value
    }

    private mutating func intList(_ node: YAMLNode, _ name: String, minimum: Int) -> [Int]? {
        guard case .sequence(let elements) = node.kind else {
            mismatch(node, name)
            return nil
        }
        var values: [Int] = []
        var ok = true
        for element in elements {
            if let value = int(element, name, minimum: minimum) { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    private mutating func bool(_ node: YAMLNode, _ name: String) -> Bool? {
        if let scalar = node.scalar, !scalar.isExplicitString {
            switch scalar.value {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        mismatch(node, name)
        return nil
    }

    private mutating func date(_ node: YAMLNode, _ name: String) -> CivilDate? {
        guard let scalar = node.scalar else {
            mismatch(node, name)
            return nil
        }
        if let date = CivilDate(parsing: scalar.value) { return date }
        fail(.badDate(field(name), text: scalar.value, shapeOK: CivilDate.hasDateShape(scalar.value)), node)
        return nil
    }

    private mutating func citationUnit(_ node: YAMLNode) -> Regulation.CitationUnit? {
        guard let scalar = node.scalar else {
            mismatch(node, "citation_unit")
            return nil
        }
        if let unit = Regulation.CitationUnit(rawValue: scalar.value) { return unit }
        let suggestion = Suggestion.closest(to: scalar.value, in: Regulation.CitationUnit.allCases.map(\.rawValue))
        fail(.badUnit(scalar.value, suggestion: suggestion), node)
        return nil
    }

    // MARK: - Helpers

    /// Keys that name the audited institution's own documents, never a catalogue entry.
    static let reservedKeys: Set<String> = ["sanding", "region_limits"]

    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    static func isDecimalInteger(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let scalar): scalar.isNull ? "空值 (null)" : "'\(scalar.value)'"
        case .sequence: "列表 (sequence)"
        case .mapping: "映射 (mapping)"
        }
    }
}

extension YAMLNode {
    /// The pair whose key is `name`, when this node is a mapping that has it.
    func pair(named name: String) -> YAMLPair? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key.scalar?.value == name }
    }
}
