import Schema
import SnapshotLoader

/// One row of a roster index: a person on one institution's roster, in one region.
public struct RosterIndexRow: Sendable, Equatable {
    public var person: String
    public var region: String
    public var institution: String
    public var institutionName: String
    /// The name of the person's establishment type (`administrative`, `none` …), as in the snapshot.
    public var establishment: String

    public init(person: String, region: String, institution: String, institutionName: String, establishment: String) {
        self.person = person
        self.region = region
        self.institution = institution
        self.institutionName = institutionName
        self.establishment = establishment
    }
}

/// The person-id index of a snapshot (`bianzhi roster-index`): every roster row as one line of tab-separated
/// fields, sorted by person id, so that the indexes of many regions can be merged without holding them
/// (`CrossRegionCheck`).
///
/// The file is UTF-8 text: a first line `#bianzhi-roster-index v1`, then `as_of=DATE` and `region=CODE` separated
/// by tabs; a second line naming the columns; then one line per row. Person ids are ordered by their UTF-8 bytes
/// (as `LC_ALL=C sort` orders them), then by region, institution and place on the roster. A backslash, a tab, a
/// carriage return or a line feed inside a field is written `\\`, `\t`, `\r` or `\n`.
public enum RosterIndex {
    public static let signature = "#bianzhi-roster-index v1"
    public static let columns = ["person", "region", "institution", "institution_name", "establishment"]

    /// Every roster row of `snapshot` that has a person id, in index order.
    public static func rows(of snapshot: Snapshot) -> [RosterIndexRow] {
        let region = snapshot.region[Slots.regionCode].stringValue ?? ""
        var rows: [RosterIndexRow] = []
        for value in snapshot.institutions {
            guard let institution = value.recordValue else { continue }
            let id = institution[Slots.institutionID].stringValue ?? ""
            let name = institution[Slots.institutionName].stringValue ?? ""
            for person in institution[Slots.staff].listValue ?? [] {
                guard let record = person.recordValue, let personID = record[Slots.personID].stringValue else { continue }
                let kind = record[Slots.establishment].enumIndex.map { SnapshotSchema.establishment.cases[$0].name } ?? ""
                rows.append(RosterIndexRow(person: personID, region: region, institution: id, institutionName: name, establishment: kind))
            }
        }
        // Sorted by the keys, then by place (a stable order whatever the sorting algorithm).
        let order = rows.indices.sorted { a, b in
            let (x, y) = (rows[a], rows[b])
            if x.person != y.person { return precedes(x.person, y.person) }
            if x.region != y.region { return precedes(x.region, y.region) }
            if x.institution != y.institution { return precedes(x.institution, y.institution) }
            return a < b
        }
        return order.map { rows[$0] }
    }

    /// The index file of `snapshot`.
    public static func file(of snapshot: Snapshot) -> [UInt8] {
        let region = snapshot.region[Slots.regionCode].stringValue ?? ""
        var output: [UInt8] = []
        output.append(contentsOf: "\(signature)\tas_of=\(snapshot.asOf.description)\tregion=\(escape(region))\n".utf8)
        output.append(contentsOf: (columns.joined(separator: "\t") + "\n").utf8)
        for row in rows(of: snapshot) {
            let fields = [row.person, row.region, row.institution, row.institutionName, row.establishment]
            output.append(contentsOf: (fields.map(escape).joined(separator: "\t") + "\n").utf8)
        }
        return output
    }

    /// Whether `a` comes before `b` in index order: by their UTF-8 bytes.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// A field as written in the file.
    static func escape(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        var escaped = ""
        for character in field.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A field as read from the file; nil when a backslash is followed by something else than `\`, `t`, `n` or `r`.
    static func unescape(_ field: Substring) -> String? {
        guard field.contains("\\") else { return String(field) }
        var text = ""
        var escaping = false
        for character in field.unicodeScalars {
            if escaping {
                switch character {
                case "\\": text += "\\"
                case "t": text += "\t"
                case "n": text += "\n"
                case "r": text += "\r"
                default: return nil
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                text.unicodeScalars.append(character)
            }
        }
        return escaping ? nil : text
    }
}
