/// What is kept of records that are no longer read in full: for each record type, by name, the fields to keep. The
/// other fields become null; a kept record, or list of records, is projected in turn by its own type's fields.
///
/// The field named `id`, `name` or `key` of a projected type is always kept: a record shown in a report or message is
/// shown by it (see `ValueFormatting.identifier`), and two records of a type with an `id` then still compare as before.
public struct RecordProjection: Sendable {
    /// Per record type name, per slot: whether the slot is kept.
    private let kept: [String: [Bool]]

    /// `fields`: record type name → the slots to keep, for the types reachable from `root`.
    public init(root: RecordType, keeping fields: [String: Set<Int>]) {
        var kept: [String: [Bool]] = [:]
        func visit(_ type: RecordType) {
            guard kept[type.name] == nil else { return }
            let slots = fields[type.name] ?? []
            kept[type.name] = type.fields.indices.map { slot in
                slots.contains(slot) || ["id", "name", "key"].contains(type.fields[slot].name)
            }
            for slot in type.fields.indices where slots.contains(slot) {
                if let nested = RecordProjection.recordType(of: type.fields[slot].type) { visit(nested) }
            }
        }
        visit(root)
        self.kept = kept
    }

    /// `record`, of `type`, with only the kept fields (marks are kept as they were).
    public func apply(_ record: Record, as type: RecordType) -> Record {
        guard let keep = kept[type.name], keep.count == record.count else { return record }
        var projected = record
        for slot in keep.indices {
            if !keep[slot] {
                if !projected[slot].isNull { projected[slot] = .null }
                continue
            }
            guard let nested = RecordProjection.recordType(of: type.fields[slot].type) else { continue }
            switch projected[slot] {
            case .record(let inner):
                projected[slot] = .record(apply(inner, as: nested))
            case .list(let items):
                projected[slot] = .list(items.map { item in item.recordValue.map { .record(apply($0, as: nested)) } ?? item })
            default:
                break
            }
        }
        return projected
    }

    /// The record type of a field of that type, or of the elements of a list of them.
    private static func recordType(of type: FieldType) -> RecordType? {
        switch type {
        case .record(let record): record
        case .list(let element): recordType(of: element)
        default: nil
        }
    }
}
