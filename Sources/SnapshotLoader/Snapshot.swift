import Schema

/// A loaded, checked snapshot: the typed values of one region on one date.
public struct Snapshot: Sendable {
    /// The top-level record, typed by `SnapshotSchema.snapshot` (region, institutions, …).
    public var root: Record
    /// The files the snapshot was read from; `ValueMark.file` indexes this list.
    public var files: [String]
    /// The path the user gave (a file or a folder).
    public var path: String

    public init(root: Record, files: [String], path: String) {
        self.root = root
        self.files = files
        self.path = path
    }

    public var asOf: CivilDate {
        root[Slots.asOf].dateValue ?? CivilDate(daysSinceEpoch: 0)
    }

    /// The region; a record of nulls when the snapshot has none (its absence is reported as a missing field, and the
    /// checks that read the region's code must still find every slot).
    public var region: Record {
        root[Slots.region].recordValue ?? Record(count: SnapshotSchema.region.fields.count, mark: .none)
    }

    public var institutions: [Value] { root[Slots.institutions].listValue ?? [] }
    public var coordinationBodies: [Value] { root[Slots.coordinationBodies].listValue ?? [] }
    public var exemptions: [Value] { root[Slots.exemptions].listValue ?? [] }

    /// The same snapshot audited as of another date (`audit --as-of`).
    public func with(asOf date: CivilDate) -> Snapshot {
        var copy = self
        copy.root[Slots.asOf] = .date(date)
        return copy
    }

    /// The file path a mark points into.
    public func file(of mark: ValueMark) -> String? {
        mark.isKnown && Int(mark.file) < files.count ? files[Int(mark.file)] : nil
    }
}

/// Slots of the fields the loader's own checks read, resolved once from the schema.
enum Slots {
    static let asOf = SnapshotSchema.snapshot.requiredSlot("as_of")
    static let region = SnapshotSchema.snapshot.requiredSlot("region")
    static let institutions = SnapshotSchema.snapshot.requiredSlot("institutions")
    static let coordinationBodies = SnapshotSchema.snapshot.requiredSlot("coordination_bodies")
    static let exemptions = SnapshotSchema.snapshot.requiredSlot("exemptions")
    static let regionCode = SnapshotSchema.region.requiredSlot("code")
    static let institutionID = SnapshotSchema.institution.requiredSlot("id")
    static let parent = SnapshotSchema.institution.requiredSlot("parent")
    static let established = SnapshotSchema.institution.requiredSlot("established")
    static let abolished = SnapshotSchema.institution.requiredSlot("abolished")
    static let staff = SnapshotSchema.institution.requiredSlot("staff")
    static let events = SnapshotSchema.institution.requiredSlot("events")
    static let personID = SnapshotSchema.person.requiredSlot("id")
    static let workingAt = SnapshotSchema.person.requiredSlot("working_at")
    static let secondedSince = SnapshotSchema.person.requiredSlot("seconded_since")
    static let eventSteps = SnapshotSchema.event.requiredSlot("steps")
    static let bodyID = SnapshotSchema.coordinationBody.requiredSlot("id")
    static let officeHost = SnapshotSchema.coordinationBody.requiredSlot("office_host")
    static let exemptionRule = SnapshotSchema.exemption.requiredSlot("rule")
    static let exemptionProvision = SnapshotSchema.exemption.requiredSlot("provision")
    static let exemptionSubject = SnapshotSchema.exemption.requiredSlot("subject")
}
