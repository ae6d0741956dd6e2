import Schema
@testable import SnapshotLoader

/// Notes the ids of the institutions of each part it is given.
struct IDVisitor: InstitutionVisitor {
    struct Part: Sendable, Equatable {
        var part: Int32
        var ids: [String]
    }

    var parts: [Part] = []

    mutating func visit(_ institutions: [Value], file: Int32) {
        parts.append(Part(part: file, ids: institutions.compactMap { $0.recordValue?[Slots.institutionID].stringValue }))
    }

    func finish() -> [Part] { parts }
}

func keepingNothing(_ header: Snapshot) -> (projection: RecordProjection, makeVisitor: @Sendable () -> IDVisitor)? {
    (RecordProjection(root: SnapshotSchema.institution, keeping: [:]), { IDVisitor() })
}
