import Schema

/// Why an evaluation stopped.
public enum EvalError: Error, Sendable, Equatable {
    /// The evaluation took more steps than allowed (a rule that would run too long).
    case stepLimitExceeded(Int)
    case divisionByZero
    /// A value the checker proved present was missing (a bug, reported rather than crashing).
    case unexpectedNull

    public var message: String {
        switch self {
        case .stepLimitExceeded(let limit): "计算超过步数上限 \(limit)，已停止（规则可能对大名册做了嵌套遍历）"
        case .divisionByZero: "除以零"
        case .unexpectedNull: "内部错误：出现了未处理的空值"
        }
    }
}

/// Snapshot-wide data that expressions may look up: institutions by id, the roster index.
/// Built once per audit and shared, read-only, by every evaluation.
public final class EvalContext: Sendable {
    public let institutionsByID: [String: Record]
    /// Given person → roster entries; empty when the context was built from the roster in order.
    private let givenRosterByPerson: [String: [Value]]
    private let orderedRoster: OrderedRoster?

    /// Person id → roster entries (`RosterEntry` records) in which the person appears.
    public var rosterByPerson: [String: [Value]] {
        guard let orderedRoster else { return givenRosterByPerson }
        return orderedRoster.groupOf.mapValues { orderedRoster.groups[$0] }
    }

    public init(institutionsByID: [String: Record], rosterByPerson: [String: [Value]]) {
        self.institutionsByID = institutionsByID
        givenRosterByPerson = rosterByPerson
        orderedRoster = nil
    }

    /// A context whose roster index remembers the order of `roster` (`RosterEntry` records, person
    /// and institution). When persons are evaluated in that order (institutions in order, each one's
    /// staff in order), `rosters_of(it.id)` finds each one's entries next to the last one's instead of
    /// hashing the id.
    public init(institutionsByID: [String: Record], roster: [Value]) {
        self.institutionsByID = institutionsByID
        givenRosterByPerson = [:]
        orderedRoster = OrderedRoster(roster)
    }

    public static let empty = EvalContext(institutionsByID: [:], rosterByPerson: [:])

    /// The roster entries of `person`. `cursor` is the frame's place in the roster order: where
    /// the previous person was found (see `OrderedRoster`).
    func rosterEntries(of person: String, cursor: inout Int) -> [Value] {
        guard let orderedRoster else { return givenRosterByPerson[person] ?? [] }
        return orderedRoster.entries(of: person, cursor: &cursor)
    }
}

/// The roster grouped by person, with the person and group of each entry in roster order.
///
/// A lookup first looks at the entry after the previous one found; only when that is another
/// person does it hash the id (and continue from that person's first entry). The answer is the
/// same either way: the entries of the group whose person has that id.
final class OrderedRoster: Sendable {
    /// Person id → its group.
    let groupOf: [String: Int]
    /// Per group, the entries of one person in roster order.
    let groups: [[Value]]
    /// Per entry in roster order: its person's id and group.
    private let persons: [String]
    private let groupAt: [Int]
    /// Per group, the position of its first entry.
    private let firstPosition: [Int]

    private static let person = SyntheticRecords.rosterEntry.requiredSlot("person")
    private static let personID = SnapshotSchema.person.requiredSlot("id")

    init(_ roster: [Value]) {
        var groupOf: [String: Int] = [:]
        var groups: [[Value]] = []
        var persons: [String] = []
        var groupAt: [Int] = []
        var firstPosition: [Int] = []
        // Most persons are on one roster: room for one group per entry, so that nothing grows by copying.
        groupOf.reserveCapacity(roster.count)
        groups.reserveCapacity(roster.count)
        persons.reserveCapacity(roster.count)
        groupAt.reserveCapacity(roster.count)
        firstPosition.reserveCapacity(roster.count)
        for entry in roster {
            // Entries without a person id are in no group (as in an index by id).
            guard let id = entry.recordValue?[OrderedRoster.person].recordValue?[OrderedRoster.personID].stringValue else { continue }
            // One hashing of the id: a new person gets the next group through the default.
            var isNew = false
            let group = OrderedRoster.assign(&groupOf[id, default: -1], next: groups.count, isNew: &isNew)
            if isNew {
                groups.append([entry])
                firstPosition.append(persons.count)
            } else {
                groups[group].append(entry)
            }
            persons.append(id)
            groupAt.append(group)
        }
        self.groupOf = groupOf
        self.groups = groups
        self.persons = persons
        self.groupAt = groupAt
        self.firstPosition = firstPosition
    }

    private static func assign(_ group: inout Int, next: Int, isNew: inout Bool) -> Int {
        if group < 0 {
            group = next
            isNew = true
        }
        return group
    }

    func entries(of person: String, cursor: inout Int) -> [Value] {
        if cursor >= 0, cursor < persons.count, persons[cursor] == person {
            let group = groupAt[cursor]
            cursor += 1
            return groups[group]
        }
        guard let group = groupOf[person] else { return [] }
        cursor = firstPosition[group] + 1
        return groups[group]
    }
}

/// The mutable state of one evaluation: variable slots and the step budget.
public struct EvalFrame {
    public var slots: [Value]
    public var steps = 0
    public let stepLimit: Int
    public let context: EvalContext
    /// Per lambda: the element it is being applied to, inside the list being iterated (see `forEach`).
    var elements: [UnsafePointer<Value>?] = []
    /// Per indexed `count` call site: the list it last saw and that list's index (see `CountPlan`).
    var countCache: [CountCacheEntry?] = []
    /// The last `rosters_of` lookup: a rule often asks twice for the same person.
    private var lastRosters: (person: String, entries: [Value])?
    /// Where the next person is expected in the context's roster order (see `OrderedRoster`).
    private var rosterCursor = 0

    public init(slotCount: Int, stepLimit: Int, context: EvalContext) {
        slots = [Value](repeating: .null, count: slotCount)
        self.stepLimit = stepLimit
        self.context = context
    }

    @inline(__always)
    mutating func charge(_ steps: Int) throws {
        self.steps &+= steps
        if self.steps > stepLimit { throw EvalError.stepLimitExceeded(stepLimit) }
    }

    /// The roster entries of a person (see `EvalContext.rosterByPerson`).
    mutating func rosters(of person: String) -> [Value] {
        if let last = lastRosters, last.person == person { return last.entries }
        let entries = context.rosterEntries(of: person, cursor: &rosterCursor)
        lastRosters = (person, entries)
        return entries
    }

    /// Calls `body` for each element of `items` in order (and its offset), with lambda parameter
    /// `element` standing for it, until `body` returns false. The parameter points into `items`,
    /// which this call keeps alive, instead of holding a copy: binding a record costs no reference
    /// counting. Outside the call the parameter reads as missing.
    @inline(__always)
    mutating func forEach(_ items: [Value], as element: Int, _ body: (inout EvalFrame, _ offset: Int) throws -> Bool) rethrows {
        if element >= elements.count {
            elements.append(contentsOf: repeatElement(nil, count: element + 1 - elements.count))
        }
        defer { elements[element] = nil }
        try items.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for offset in 0..<buffer.count {
                elements[element] = base + offset
                guard try body(&self, offset) else { return }
            }
        }
    }
}

/// A compiled expression: evaluates against a frame.
public typealias Evaluator = @Sendable (inout EvalFrame) throws -> Value
