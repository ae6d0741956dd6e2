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

    /// `record`, of `type`, with only the kept fields. A record that loses anything is made anew, sparse and without the
    /// marks of its fields (only its values that are not null are stored, and only the record's own mark is kept); one
    /// that loses nothing is `record` itself.
    public func apply(_ record: Record, as type: RecordType) -> Record {
        guard let keep = kept[type.name], keep.count == record.count else { return record }
        var values: [Value] = []
        values.reserveCapacity(record.count)
        var changed = false
        for slot in keep.indices {
            let value = record[slot]
            guard keep[slot] else {
                if !value.isNull { changed = true }
                values.append(.null)
                continue
            }
            guard let nested = RecordProjection.recordType(of: type.fields[slot].type) else {
                values.append(value)
                continue
            }
            let (projected, lost) = apply(value, as: nested)
            if lost { changed = true }
            values.append(projected)
        }
        return changed ? Record(sparseValues: values, mark: record.mark) : record
    }

    /// A value of a kept field of `type` (a record, or a list of them), projected, and whether it lost anything: if not, it
    /// is the value itself (the same storage).
    private func apply(_ value: Value, as type: RecordType) -> (Value, lost: Bool) {
        switch value {
        case .record(let inner):
            let projected = apply(inner, as: type)
            return projected.isIdentical(to: inner) ? (value, false) : (.record(projected), true)
        case .list(let items):
            var projectedItems: [Value]?
            for (index, item) in items.enumerated() {
                let (projected, lost) = apply(item, as: type)
                if projectedItems == nil, lost {
                    projectedItems = Array(items[..<index])
                    projectedItems?.reserveCapacity(items.count)
                }
                projectedItems?.append(projected)
            }
            return projectedItems.map { (.list($0), true) } ?? (value, false)
        default:
            return (value, false)
        }
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
