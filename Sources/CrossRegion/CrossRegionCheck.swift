import Diagnostics
import Schema
import SnapshotLoader

/// The check across regions that no region's own audit can make: a person on the rosters of two or more regions.
///
/// Each region's roster index (sorted by person id) is read once, all at the same time, in order (a k-way merge):
/// only the rows of the persons found in two or more regions are kept. Those rows make a small snapshot, one
/// institution per region and institution (`REGION/INSTITUTION`), which the rules that look across institutions
/// (`rosters_of`) then audit as they audit one region: the rules stay the only place where the law is written.
public struct CrossRegionCheck: Sendable {
    /// The region code of the snapshot made from the merged rows.
    public static let regionCode = "cross-region"

    /// The rows of every person on the rosters of two or more regions, and the latest date the indexes name.
    public struct Merged: Sendable {
        public var rows: [RosterIndexRow]
        public var asOf: CivilDate
        /// How many rows the indexes hold in all.
        public var rowsRead: Int
        public var paths: [String]
    }

    /// Merges the indexes at `paths` (at least two).
    public static func merge(_ paths: [String]) throws(CrossRegionError) -> Merged {
        guard paths.count >= 2 else {
            throw CrossRegionError(.notEnoughFiles, at: SourceLocation(path: paths.first ?? "-", line: 1, column: 1))
        }
        var readers: [RosterIndexReader] = []
        var current: [RosterIndexRow?] = []
        for path in paths {
            let reader = try RosterIndexReader(path: path)
            readers.append(reader)
            current.append(try reader.next())
        }
        var rowsRead = current.count(where: { $0 != nil })
        var kept: [RosterIndexRow] = []
        while let person = current.compactMap({ $0?.person }).min(by: RosterIndex.precedes) {
            // Every row of this person, file by file.
            var rows: [RosterIndexRow] = []
            for index in readers.indices {
                while let row = current[index], row.person == person {
                    rows.append(row)
                    current[index] = try readers[index].next()
                    if current[index] != nil { rowsRead += 1 }
                }
            }
            if Set(rows.map(\.region)).count > 1 { kept.append(contentsOf: rows) }
        }
        let asOf = readers.map(\.asOf).max() ?? CivilDate(daysSinceEpoch: 0)
        return Merged(rows: kept, asOf: asOf, rowsRead: rowsRead, paths: paths)
    }

    /// A snapshot of the merged rows: in region `cross-region`, as of the latest date of the indexes, one
    /// institution per region and institution with the id `REGION/INSTITUTION` and its name followed by the region
    /// in brackets, its staff the persons of those rows (id and establishment type; their other fields as the
    /// snapshot format leaves them when absent). Institutions are ordered by id, persons by id.
    public static func snapshot(of merged: Merged) -> Snapshot {
        struct Place: Hashable {
            var region: String
            var institution: String
        }
        var names: [Place: String] = [:]
        var staff: [Place: [Value]] = [:]
        for row in merged.rows {
            let place = Place(region: row.region, institution: row.institution)
            names[place] = row.institutionName
            var person = defaults(of: SnapshotSchema.person)
            person[Slots.personID] = .string(row.person)
            person[Slots.establishment] = SnapshotSchema.establishment.index(of: row.establishment).map(Value.enumCase) ?? .null
            staff[place, default: []].append(.record(person))
        }
        let places = staff.keys.sorted { a, b in
            a.region != b.region ? RosterIndex.precedes(a.region, b.region) : RosterIndex.precedes(a.institution, b.institution)
        }
        let institutions = places.map { place -> Value in
            var institution = defaults(of: SnapshotSchema.institution)
            institution[Slots.institutionID] = .string("\(place.region)/\(place.institution)")
            institution[Slots.institutionName] = .string("\(names[place] ?? place.institution)（\(place.region)）")
            institution[Slots.staff] = .list(staff[place] ?? [])
            return .record(institution)
        }
        var region = defaults(of: SnapshotSchema.region)
        region[Slots.regionCode] = .string(CrossRegionCheck.regionCode)
        region[Slots.regionName] = .string("跨地区核查")
        var root = defaults(of: SnapshotSchema.snapshot)
        root[SnapshotSchema.snapshot.requiredSlot("snapshot")] = .string("v1")
        root[SnapshotSchema.snapshot.requiredSlot("as_of")] = .date(merged.asOf)
        root[SnapshotSchema.snapshot.requiredSlot("region")] = .record(region)
        root[SnapshotSchema.snapshot.requiredSlot("institutions")] = .list(institutions)
        return Snapshot(root: root, files: merged.paths, path: merged.paths.joined(separator: " "))
    }

    /// A record of `type` with the defaults the snapshot format gives absent fields, and null elsewhere.
    private static func defaults(of type: RecordType) -> Record {
        var record = Record(count: type.fields.count, mark: .none)
        for (slot, field) in type.fields.enumerated() {
            if case .defaulted(let value) = field.presence { record[slot] = value }
        }
        return record
    }
}
