import Schema

/// Why an evaluation stopped.
public enum EvalError: Error, Sendable, Equatable {
    /// The evaluation took more steps than allowed (a rule that would run too long).
    case stepLimitExceeded(Int)
    case divisionByZero
    /// An integer result beyond what a 64-bit integer holds (snapshot numbers are bounded, so only a rule that
    /// multiplies or sums huge values gets here).
    case integerOverflow
    /// `date(y, m, d)` with a year outside 1–9999, a month outside 1–12, or a day below 1.
    case invalidDate(year: Int, month: Int, day: Int)
    /// A value the checker proved present was missing (a bug, reported rather than crashing).
    case unexpectedNull

    public var message: String {
        switch self {
        case .stepLimitExceeded(let limit): "计算超过步数上限 \(limit)，已停止（规则可能对大名册做了嵌套遍历）"
        case .divisionByZero: "除以零"
        case .integerOverflow: "整数运算溢出（结果超出 64 位整数的范围）"
        case let .invalidDate(year, month, day): "date(\(year), \(month), \(day)) 不是有效的日期（年 1–9999，月 1–12，日至少为 1）"
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
        return orderedRoster.byPerson
    }

    public init(institutionsByID: [String: Record], rosterByPerson: [String: [Value]]) {
        self.institutionsByID = institutionsByID
        givenRosterByPerson = rosterByPerson
        orderedRoster = nil
    }

    /// A context whose roster index follows the order of the institutions' staff lists (institutions in
    /// order, each one's staff in order), the order in which person rules visit them: `rosters_of(it.id)`
    /// then finds each person next to the last one instead of hashing the id. The index keeps where each
    /// roster row is, not the rows: `RosterEntry` records are made when `rosters_of` asks for them.
    public convenience init(institutionsByID: [String: Record], institutions: [Value]) {
        self.init(institutionsByID: institutionsByID, roster: OrderedRoster(institutions: institutions))
    }

    /// A context with a roster index built beforehand (see `OrderedRoster`), such as on another thread while
    /// rules that need no index are evaluated.
    public init(institutionsByID: [String: Record], roster: OrderedRoster) {
        self.institutionsByID = institutionsByID
        givenRosterByPerson = [:]
        orderedRoster = roster
    }

    /// The roster of `institutions` as `RosterEntry` records (person, institution), in the order of the
    /// institutions and of each one's staff list: the value of `roster` in rules.
    public static func rosterEntries(of institutions: [Value]) -> [Value] {
        var entries: [Value] = []
        for institution in institutions {
            guard case .record(let record) = institution, case .list(let staff) = record[OrderedRoster.staff] else { continue }
            for person in staff { entries.append(rosterEntry(person: person, institution: institution)) }
        }
        return entries
    }

    /// One roster row: a person and the institution whose staff list names them, marked where the person is.
    static func rosterEntry(person: Value, institution: Value) -> Value {
        var entry = Record(count: 2, mark: person.recordValue?.mark ?? .none)
        entry[0] = person
        entry[1] = institution
        return .record(entry)
    }

    public static let empty = EvalContext(institutionsByID: [:], rosterByPerson: [:])

    /// The roster entries of `person`. `cursor` is the frame's place in the roster order: where
    /// the previous person was found (see `OrderedRoster`).
    func rosterEntries(of person: String, cursor: inout Int) -> [Value] {
        guard let orderedRoster else { return givenRosterByPerson[person] ?? [] }
        return orderedRoster.entries(of: person, cursor: &cursor)
    }

    /// How many roster entries `person` has, without making them (see `rosterEntries(of:cursor:)`).
    func rosterCount(of person: String, cursor: inout Int) -> Int {
        guard let orderedRoster else { return givenRosterByPerson[person]?.count ?? 0 }
        return orderedRoster.count(of: person, cursor: &cursor)
    }
}

/// Where each person's rows are on the institutions' staff lists, in roster order (institutions in order,
/// each one's staff in order), grouped by person id. The rows themselves are made when asked for.
///
/// A lookup first looks at the row after the previous one found; only when that is another person does it
/// hash the id (and continue from that person's first row). The answer is the same either way: the rows
/// of the person with that id, in roster order.
public final class OrderedRoster: Sendable {
    private let institutions: [Value]
    /// Person id → its group.
    private let groups: IDGroups
    /// Per row in roster order: its person's id and group, where it is (the institution's position, the
    /// person's position on its staff list), and the next row of the same person (-1 after the last).
    private let persons: [String]
    private let groupAt: [Int32]
    private let places: [(institution: Int32, person: Int32)]
    private let nextRow: [Int32]
    /// Per group, its first row and its number of rows.
    private let firstRow: [Int32]
    private let groupSize: [Int32]

    static let staff = SnapshotSchema.institution.requiredSlot("staff")
    private static let personID = SnapshotSchema.person.requiredSlot("id")

    /// The rows are read in place (a record copied out of its list costs a retain and a release), and each id is hashed
    /// once, with `IDHash` into a table of its own (`IDGroups`) rather than `Hasher` into a dictionary: the index is
    /// built once per file of a streamed audit, and a dictionary made it cost about as much as a whole rule.
    public init(institutions: [Value]) {
        self.institutions = institutions
        let (staffSlot, idSlot) = (OrderedRoster.staff, OrderedRoster.personID)
        // Room for every row (most persons are on one roster: about as many groups), so that nothing grows by copying.
        let rows = institutions.reduce(0) { total, institution in
            guard case .record(let record) = institution, case .list(let staff) = record[staffSlot] else { return total }
            return total + staff.count
        }
        var groups = IDGroups(capacity: rows)
        var persons: [String] = []
        var groupAt: [Int32] = []
        var places: [(institution: Int32, person: Int32)] = []
        var nextRow: [Int32] = []
        var firstRow: [Int32] = []
        var groupSize: [Int32] = []
        var lastRow: [Int32] = []
        persons.reserveCapacity(rows)
        groupAt.reserveCapacity(rows)
        places.reserveCapacity(rows)
        nextRow.reserveCapacity(rows)
        firstRow.reserveCapacity(rows)
        groupSize.reserveCapacity(rows)
        lastRow.reserveCapacity(rows)
        institutions.withUnsafeBufferPointer { institutions in
            for position in institutions.indices {
                guard case .record(let record) = institutions[position], case .list(let staff) = record[staffSlot] else { continue }
                staff.withUnsafeBufferPointer { staff in
                    for place in staff.indices {
                        // Rows without a person id are in no group (as in an index by id).
                        guard case .record(let personRecord) = staff[place], case .string(let id) = personRecord[idSlot] else { continue }
                        let row = Int32(persons.count)
                        let group = groups.group(of: id, hash: IDHash.of(id), next: Int32(firstRow.count)) { persons[Int(firstRow[Int($0)])] }
                        if group == Int32(firstRow.count) {
                            firstRow.append(row)
                            groupSize.append(1)
                            lastRow.append(row)
                        } else {
                            nextRow[Int(lastRow[Int(group)])] = row
                            groupSize[Int(group)] += 1
                            lastRow[Int(group)] = row
                        }
                        persons.append(id)
                        groupAt.append(group)
                        places.append((Int32(position), Int32(place)))
                        nextRow.append(-1)
                    }
                }
            }
        }
        self.groups = groups
        self.persons = persons
        self.groupAt = groupAt
        self.places = places
        self.nextRow = nextRow
        self.firstRow = firstRow
        self.groupSize = groupSize
    }

    func entries(of person: String, cursor: inout Int) -> [Value] {
        group(of: person, cursor: &cursor).map(rows(of:)) ?? []
    }

    func count(of person: String, cursor: inout Int) -> Int {
        group(of: person, cursor: &cursor).map { Int(groupSize[$0]) } ?? 0
    }

    /// The group of `person`: the one of the row at `cursor` when that row is the person's, found by hashing otherwise.
    /// `cursor` is left on the row after the one the person was found at.
    private func group(of person: String, cursor: inout Int) -> Int? {
        if cursor >= 0, cursor < persons.count, persons[cursor] == person {
            let group = Int(groupAt[cursor])
            cursor += 1
            return group
        }
        guard let group = groups.find(person, hash: IDHash.of(person), idOf: { persons[Int(firstRow[Int($0)])] }) else { return nil }
        cursor = Int(firstRow[Int(group)]) + 1
        return Int(group)
    }

    /// Person id → roster entries, every group made (for comparison in tests).
    var byPerson: [String: [Value]] {
        var index: [String: [Value]] = [:]
        for group in firstRow.indices { index[persons[Int(firstRow[group])]] = rows(of: group) }
        return index
    }

    private func rows(of group: Int) -> [Value] {
        var entries: [Value] = []
        var row = Int(firstRow[group])
        while row >= 0 {
            let place = places[row]
            let institution = institutions[Int(place.institution)]
            if case .record(let record) = institution, case .list(let staff) = record[OrderedRoster.staff] {
                entries.append(EvalContext.rosterEntry(person: staff[Int(place.person)], institution: institution))
            }
            row = Int(nextRow[row])
        }
        return entries
    }
}

/// Person id → group number, as an open-addressing table of groups keyed by the ids' `IDHash`. It keeps no ids: the
/// caller says which id a group stands for (`idOf`), and two ids are the same person only when their texts are equal,
/// so ids whose hashes are equal (or fall on the same place) are still told apart.
struct IDGroups: Sendable {
    /// Per place: the group there (-1: empty) and the high half of its id's hash (the low bits choose the place).
    /// Never more than half full: 8 bytes a place, two to four places a person (the dictionary it replaces took 24 bytes
    /// a place, up to three quarters full, and held a copy of each id).
    private var slots: [(group: Int32, tag: UInt32)]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: (-1, 0), count: size)
        mask = size - 1
    }

    /// The group of `id`: the one already there, or `next`, recorded for it, when the id is new.
    mutating func group(of id: String, hash: UInt64, next: Int32, idOf: (Int32) -> String) -> Int32 {
        var place = Int(truncatingIfNeeded: hash) & mask
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        while true {
            let slot = slots[place]
            if slot.group < 0 {
                slots[place] = (next, tag)
                return next
            }
            if slot.tag == tag, idOf(slot.group) == id { return slot.group }
            place = (place + 1) & mask
        }
    }

    /// The group of `id`, nil when it has none.
    func find(_ id: String, hash: UInt64, idOf: (Int32) -> String) -> Int32? {
        var place = Int(truncatingIfNeeded: hash) & mask
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        while true {
            let slot = slots[place]
            if slot.group < 0 { return nil }
            if slot.tag == tag, idOf(slot.group) == id { return slot.group }
            place = (place + 1) & mask
        }
    }
}

/// The mutable state of one evaluation: variable slots and the step budget.
public struct EvalFrame {
    public var slots: [Value]
    public var steps = 0
    public let stepLimit: Int
    public private(set) var context: EvalContext
    /// Per lambda: the element it is being applied to, inside the list being iterated (see `forEach`).
    @usableFromInline var elements = ElementTable(capacity: 8)
    /// Per indexed `count` call site: the list it last saw and that list's index (see `CountPlan`).
    var countCache: [CountCacheEntry?] = []
    /// The last `rosters_of` lookup: a rule often asks twice for the same person.
    private var lastRosters: (person: String, entries: [Value])?
    /// Where the next person is expected in the context's roster order (see `OrderedRoster`).
    private var rosterCursor = 0
    /// Whether an `institution(…)` look-up has found no institution with the id asked for. When the context holds only
    /// some of the snapshot's institutions (a streamed audit evaluates a file at a time), such an answer may be wrong.
    public var lookupMissed = false

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

    /// Lets go of the lists the frame keeps to answer the next evaluation faster (the list each indexed `count` saw last,
    /// the last `rosters_of` answer). A streamed audit calls this once a batch of institutions is evaluated: those lists
    /// are the batch's rosters, and holding them kept the batch's records alive until the next batch replaced them, so
    /// that they were freed in the middle of evaluating it.
    public mutating func forgetLists() {
        for entry in countCache { entry?.forgetList() }
        lastRosters = nil
    }

    /// Answers look-ups from `context` from now on (a streamed audit's next file): what the frame remembers of the
    /// previous one (the lists of the indexed counts, the last `rosters_of`, its place in the roster order, a look-up
    /// that missed) is let go.
    public mutating func answer(with context: EvalContext) {
        self.context = context
        forgetLists()
        rosterCursor = 0
        lookupMissed = false
    }

    /// Points variable `element` (declared with `ExpressionCompiler.declareBound`) at `value`, or makes it
    /// read as missing (nil). The caller keeps the value alive, unmoved, for as long as expressions read it.
    @inlinable
    public mutating func bind(_ element: Int, to value: UnsafePointer<Value>?) {
        guard element >= 0 else { return }
        makeRoom(for: element)
        elements.pointers[element] = value
    }

    /// A table with a place for `element` (a larger one when it has none yet).
    @inlinable
    mutating func makeRoom(for element: Int) {
        if element >= elements.capacity { elements = elements.grown(to: element + 1) }
    }

    /// The value variable `element` is bound to (see `bind(_:to:)`), nil when unbound.
    public func boundValue(_ element: Int) -> Value? {
        elements[element]?.pointee
    }

    /// How many roster entries `person` has (`count(rosters_of(person))`), without making them.
    mutating func rosterCount(of person: String) -> Int {
        if let last = lastRosters, last.person == person { return last.entries.count }
        return context.rosterCount(of: person, cursor: &rosterCursor)
    }

    /// Calls `body` for each element of `items` in order (and its offset), with lambda parameter
    /// `element` standing for it, until `body` returns false. The parameter points into `items`,
    /// which this call keeps alive, instead of holding a copy: binding a record costs no reference
    /// counting. Outside the call the parameter reads as missing.
    @inline(__always)
    mutating func forEach(_ items: [Value], as element: Int, _ body: (inout EvalFrame, _ offset: Int) throws -> Bool) rethrows {
        makeRoom(for: element)
        // The table is read again at each step: `body` may have replaced it with a larger one.
        defer { elements.pointers[element] = nil }
        try items.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for offset in 0..<buffer.count {
                elements.pointers[element] = base + offset
                guard try body(&self, offset) else { return }
            }
        }
    }
}

/// Where each bound variable and lambda parameter of a frame points (see `EvalFrame.bind(_:to:)` and
/// `EvalFrame.forEach`). A reference with memory of its own, so that pointing a variable elsewhere costs
/// no copy-on-write check; a copied frame shares it. A place never pointed at reads as nil.
@usableFromInline
final class ElementTable {
    /// Fixed for the table's life (a frame that needs more places gets a larger table): constant properties
    /// of a class are read without the run-time exclusivity checks that variable ones cost.
    @usableFromInline let pointers: UnsafeMutablePointer<UnsafePointer<Value>?>
    @usableFromInline let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointers = .allocate(capacity: capacity)
        pointers.initialize(repeating: nil, count: capacity)
    }

    deinit {
        pointers.deallocate()
    }

    /// Where place `element` points; nil for a place never pointed at.
    @usableFromInline
    subscript(element: Int) -> UnsafePointer<Value>? {
        @inlinable get { element >= 0 && element < capacity ? pointers[element] : nil }
    }

    /// A table with room for `count` places, pointing where this one does.
    @usableFromInline
    func grown(to count: Int) -> ElementTable {
        let larger = ElementTable(capacity: max(count, capacity * 2))
        larger.pointers.update(from: pointers, count: capacity)
        return larger
    }
}

/// A compiled expression: evaluates against a frame.
public typealias Evaluator = @Sendable (inout EvalFrame) throws -> Value
