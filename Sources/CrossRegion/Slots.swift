import Schema

/// The fields a roster index is made of and made into, resolved once from the schema.
enum Slots {
    static let regionCode = SnapshotSchema.region.requiredSlot("code")
    static let regionName = SnapshotSchema.region.requiredSlot("name")
    static let institutionID = SnapshotSchema.institution.requiredSlot("id")
    static let institutionName = SnapshotSchema.institution.requiredSlot("name")
    static let staff = SnapshotSchema.institution.requiredSlot("staff")
    static let personID = SnapshotSchema.person.requiredSlot("id")
    static let establishment = SnapshotSchema.person.requiredSlot("establishment")
}
