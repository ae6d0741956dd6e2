import Diagnostics
import Schema

/// Checks that span records: unique ids, references that resolve, dates in a consistent order.
struct CrossChecks {
    /// What the checks need of the rosters and events when the snapshot's institutions no longer hold them (a
    /// streamed audit keeps only a projection of each): gathered file by file as the institutions were read.
    struct RosterFacts: Sendable {
        /// The persons, among those that exemptions name, found on a roster.
        var exemptedPersons: Set<String> = []
        /// The institution ids named by `working_at`.
        var workingAt: [String] = []
        /// Whether a person's secondment began after the snapshot's date, or an event's stages go back in time.
        var hasErrors = false

        /// Adds what was gathered from other institutions.
        mutating func merge(_ other: RosterFacts) {
            exemptedPersons.formUnion(other.exemptedPersons)
            workingAt.append(contentsOf: other.workingAt)
            hasErrors = hasErrors || other.hasErrors
        }
    }

    let snapshot: Snapshot
    /// Given when the institutions' rosters and events are not in `snapshot`.
    let rosterFacts: RosterFacts?
    private(set) var errors: [SnapshotError] = []

    init(snapshot: Snapshot, rosterFacts: RosterFacts? = nil) {
        self.snapshot = snapshot
        self.rosterFacts = rosterFacts
    }

    private func location(_ mark: ValueMark) -> SourceLocation? {
        guard let file = snapshot.file(of: mark) else { return nil }
        return SourceLocation(path: file, line: Int(mark.line), column: Int(mark.column))
    }

    mutating func run() {
        var institutionIDs: [String: ValueMark] = [:]
        institutionIDs.reserveCapacity(snapshot.institutions.count)
        for value in snapshot.institutions {
            guard let institution = value.recordValue, let id = institution[Slots.institutionID].stringValue else { continue }
            let mark = institution.mark(at: Slots.institutionID)
            if let first = institutionIDs[id], let firstLocation = location(first) {
                errors.append(SnapshotError(.duplicateID(id, kind: "机构", first: firstLocation), at: location(mark)))
            } else {
                institutionIDs[id] = mark
            }
        }
        var bodyIDs: [String: ValueMark] = [:]
        for value in snapshot.coordinationBodies {
            guard let body = value.recordValue, let id = body[Slots.bodyID].stringValue else { continue }
            let mark = body.mark(at: Slots.bodyID)
            if let first = bodyIDs[id] ?? institutionIDs[id], let firstLocation = location(first) {
                errors.append(SnapshotError(.duplicateID(id, kind: "议事协调机构", first: firstLocation), at: location(mark)))
            } else {
                bodyIDs[id] = mark
            }
        }
        // The persons that exemptions name: looked for on the roster (which can have millions of rows) only for the
        // subjects that are no institution, body or region, and by comparing with those few rather than hashing every id.
        let regionCode = snapshot.region[Slots.regionCode].stringValue
        let personSubjects = Array(Set(snapshot.exemptions.compactMap { $0.recordValue?[Slots.exemptionSubject].stringValue }
            .filter { institutionIDs[$0] == nil && bodyIDs[$0] == nil && $0 != regionCode }))
        var personIDs = rosterFacts?.exemptedPersons ?? []
        if !personSubjects.isEmpty, rosterFacts == nil {
            let subjectSet = Set(personSubjects)
            for value in snapshot.institutions {
                for person in value.recordValue?[Slots.staff].listValue ?? [] {
                    guard let id = person.recordValue?[Slots.personID].stringValue else { continue }
                    if personSubjects.count <= 8 ? personSubjects.contains(id) : subjectSet.contains(id) { personIDs.insert(id) }
                }
            }
        }

        // Sorted only when a suggestion is needed.
        var sortedInstitutions: [String]?
        func knownInstitutions() -> [String] {
            if let sortedInstitutions { return sortedInstitutions }
            let sorted = Array(institutionIDs.keys).sorted()
            sortedInstitutions = sorted
            return sorted
        }
        // The record type is only read for a message: taken when one is made (a `RecordType` copied for each of the
        // hundreds of thousands of persons cost more than the rest of their checks).
        func resolve(_ record: Record, _ slot: Int, in type: @autoclosure () -> RecordType) {
            guard let id = record[slot].stringValue, institutionIDs[id] == nil else { return }
            errors.append(SnapshotError(.unresolvedReference(type().fields[slot], id: id, expected: "机构",
                                                             suggestion: Suggestion.closest(to: id, in: knownInstitutions())),
                                        at: location(record.mark(at: slot))))
        }

        let asOf = snapshot.asOf
        for value in snapshot.institutions {
            guard let institution = value.recordValue else { continue }
            resolve(institution, Slots.parent, in: SnapshotSchema.institution)
            if let established = institution[Slots.established].dateValue,
               let abolished = institution[Slots.abolished].dateValue, abolished < established {
                errors.append(SnapshotError(.abolishedBeforeEstablished, at: location(institution.mark(at: Slots.abolished))))
            }
            for person in institution[Slots.staff].listValue ?? [] {
                guard let person = person.recordValue else { continue }
                resolve(person, Slots.workingAt, in: SnapshotSchema.person)
                if let since = person[Slots.secondedSince].dateValue, since > asOf {
                    errors.append(SnapshotError(.secondedAfterAsOf(since.description, asOf: asOf.description),
                                                at: location(person.mark(at: Slots.secondedSince))))
                }
            }
            for event in institution[Slots.events].listValue ?? [] {
                guard let steps = event.recordValue?[Slots.eventSteps].recordValue else { continue }
                checkStages(steps)
            }
        }
        for value in snapshot.coordinationBodies {
            guard let body = value.recordValue else { continue }
            resolve(body, Slots.officeHost, in: SnapshotSchema.coordinationBody)
        }
        if let rosterFacts {
            // Only whether there is an error is known here; the caller reads the snapshot again in full to say where.
            if rosterFacts.hasErrors || rosterFacts.workingAt.contains(where: { institutionIDs[$0] == nil }) {
                errors.append(SnapshotError(.unreadable("名册或事项有误"), at: nil))
            }
        }

        func subjects() -> [String] {
            var persons: [String] = []
            for value in snapshot.institutions {
                for person in value.recordValue?[Slots.staff].listValue ?? [] {
                    if let id = person.recordValue?[Slots.personID].stringValue { persons.append(id) }
                }
            }
            return knownInstitutions() + Array(bodyIDs.keys).sorted() + Array(Set(persons)).sorted() + (regionCode.map { [$0] } ?? [])
        }
        for value in snapshot.exemptions {
            guard let exemption = value.recordValue else { continue }
            if exemption[Slots.exemptionRule].isNull, exemption[Slots.exemptionProvision].isNull {
                errors.append(SnapshotError(.exemptionTarget, at: location(exemption.mark)))
            }
            guard let subject = exemption[Slots.exemptionSubject].stringValue else { continue }
            if institutionIDs[subject] == nil, bodyIDs[subject] == nil, !personIDs.contains(subject), subject != regionCode {
                errors.append(SnapshotError(.unresolvedReference(SnapshotSchema.exemption.fields[Slots.exemptionSubject], id: subject,
                                                                 expected: "对象（机构、人员、议事协调机构或区划代码）",
                                                                 suggestion: Suggestion.closest(to: subject, in: subjects())),
                                            at: location(exemption.mark(at: Slots.exemptionSubject))))
            }
        }
    }

    /// Where the four stages, where given, go back in time: each stage dated before the one given before it.
    static func stagesOutOfOrder(_ steps: Record) -> [(previous: Int, slot: Int)] {
        var found: [(previous: Int, slot: Int)] = []
        var previous: (slot: Int, date: CivilDate)?
        for slot in 0..<steps.count {
            guard let date = steps[slot].dateValue else { continue }
            if let previous, date < previous.date { found.append((previous.slot, slot)) }
            previous = (slot, date)
        }
        return found
    }

    /// The four stages, where given, must not go back in time.
    private mutating func checkStages(_ steps: Record) {
        // The stages' names are read only for a message (not copied for every event).
        for (previous, slot) in CrossChecks.stagesOutOfOrder(steps) {
            let fields = SnapshotSchema.steps.fields
            errors.append(SnapshotError(.stagesOutOfOrder(fields[previous].name, fields[slot].name), at: location(steps.mark(at: slot))))
        }
    }
}
