@testable import RuleLanguage
import Schema
import Testing

/// The shortcuts that make evaluation fast (indexed counts, values read in place, lambda elements
/// bound without copies, folded constants, text comparison without new strings) must give exactly
/// the results of the plain evaluation. Each test compares an expression with an equivalent one
/// that the shortcut does not apply to, or with a value computed by hand.

/// A small deterministic generator, so that the random rosters are the same on every run.
private struct Generator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

private func date(_ text: String) -> Value {
    CivilDate(parsing: text).map { .date($0) } ?? .null
}

/// A person: establishment, optional joined date, optional post rank.
private func person(_ id: Int, establishment: String, joined: Value, postRank: String?) -> Value {
    let type = SnapshotSchema.person
    var values = [Value](repeating: .null, count: type.fields.count)
    values[type.requiredSlot("id")] = .string("P\(id)")
    values[type.requiredSlot("establishment")] = .enumCase(SnapshotSchema.establishment.index(of: establishment) ?? 0)
    values[type.requiredSlot("post")] = .enumCase(4)
    values[type.requiredSlot("joined")] = joined
    if let postRank { values[type.requiredSlot("post_rank")] = .enumCase(SnapshotSchema.rank.index(of: postRank) ?? 0) }
    return .record(Record(values: values, marks: [], mark: .none))
}

/// An institution whose roster is random but reproducible: several establishments, joined dates
/// with repeats and gaps, some missing.
private func institution(staff count: Int, seed: UInt64) -> Value {
    var random = Generator(state: seed)
    let kinds = ["administrative", "public_service", "worker", "none"]
    let days = ["2010-01-01", "2015-06-30", "2019-06-01", "2019-06-02", "2021-03-01", "2023-08-15"]
    let ranks = ["section", "vice_section", "division", "vice_division"]
    let staff = (0..<count).map { id in
        person(id, establishment: kinds[random.next(kinds.count)],
               joined: random.next(5) == 0 ? .null : date(days[random.next(days.count)]),
               postRank: random.next(3) == 0 ? nil : ranks[random.next(ranks.count)])
    }
    let type = SnapshotSchema.institution
    var values = [Value](repeating: .null, count: type.fields.count)
    values[type.requiredSlot("id")] = .string("EX")
    values[type.requiredSlot("rank")] = .enumCase(SnapshotSchema.rank.index(of: "section") ?? 0)
    values[type.requiredSlot("staff")] = .list(staff)
    return .record(Record(values: values, marks: [], mark: .none))
}

/// Compiles each expression with `it` (an institution) and `p0` (one of its staff) declared, and
/// evaluates all of them for every person of `subject`, in one frame as the engine does.
private func evaluateForEachPerson(_ texts: [String], on subject: Value) throws -> [[Value]] {
    var compiler = ExpressionCompiler()
    let itSlot = compiler.declare("it", type: .record(SnapshotSchema.institution))
    let personSlot = compiler.declare("p0", type: .record(SnapshotSchema.person))
    let compiled = texts.compactMap { compiler.compile($0) }
    #expect(compiled.count == texts.count, "\(compiler.errors)")
    var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: .empty)
    frame.slots[itSlot] = subject
    var results: [[Value]] = []
    for person in subject.recordValue?[SnapshotSchema.institution.requiredSlot("staff")].listValue ?? [] {
        frame.slots[personSlot] = person
        frame.steps = 0
        results.append(try compiled.map { try $0.evaluate(&frame) })
    }
    return results
}

@Suite struct IndexedCountTests {
    /// Pairs of (indexed form, the same condition in a form that is tested element by element).
    static let pairs: [(String, String)] = [
        ("count(it.staff, p -> p.establishment == p0.establishment and (p.joined ?? (p0.joined ?? date(\"2019-06-01\"))) <= (p0.joined ?? date(\"2019-06-01\")))",
         "count(it.staff, p -> (p.establishment == p0.establishment and (p.joined ?? (p0.joined ?? date(\"2019-06-01\"))) <= (p0.joined ?? date(\"2019-06-01\"))) or false)"),
        ("count(it.staff, p -> p.establishment == p0.establishment and (p.joined ?? date(\"2000-01-01\")) < (p0.joined ?? date(\"2019-06-01\")))",
         "count(it.staff, p -> not (p.establishment != p0.establishment or (p.joined ?? date(\"2000-01-01\")) >= (p0.joined ?? date(\"2019-06-01\"))))"),
        ("count(it.staff, p -> (p0.joined ?? date(\"2019-06-02\")) >= (p.joined ?? date(\"2030-01-01\")))",
         "count(it.staff, p -> if (p0.joined ?? date(\"2019-06-02\")) >= (p.joined ?? date(\"2030-01-01\")) then true else false)"),
        ("count(it.staff, p -> (p.joined ?? date(\"2019-06-01\")) > date(\"2019-06-01\") and p.establishment == administrative)",
         "count(it.staff, p -> ((p.joined ?? date(\"2019-06-01\")) > date(\"2019-06-01\") and p.establishment == administrative) or false)"),
        ("count(it.staff, p -> p.establishment == p0.establishment)",
         "count(filter(it.staff, p -> p.establishment == p0.establishment))"),
        ("count(it.staff, p -> p.establishment == p0.establishment and p.post_rank == p0.post_rank)",
         "count(it.staff, p -> (p.establishment == p0.establishment and p.post_rank == p0.post_rank) or false)"),
        // Ranks: a smaller case index is the higher rank.
        ("count(it.staff, p -> (p.post_rank ?? section) >= (p0.post_rank ?? vice_section))",
         "count(it.staff, p -> ((p.post_rank ?? section) >= (p0.post_rank ?? vice_section)) or false)"),
        // An optional enum field: enum values and missing ones among the keys.
        ("count(it.staff, p -> p.post_rank == p0.post_rank)",
         "count(it.staff, p -> p.post_rank == p0.post_rank or false)"),
        ("count(it.staff, p -> p.id == p0.id)",
         "count(it.staff, p -> p.id == p0.id or false)"),
    ]

    @Test(arguments: [0, 1, 2, 7, 40, 300])
    func indexedCountsEqualCountingOneByOne(staff: Int) throws {
        for seed in [1, 2, 3] as [UInt64] {
            let subject = institution(staff: staff, seed: seed &* 7_919 &+ UInt64(staff))
            let texts = IndexedCountTests.pairs.flatMap { [$0.0, $0.1] }
            for (row, values) in try evaluateForEachPerson(texts, on: subject).enumerated() {
                for (pair, (indexed, plain)) in IndexedCountTests.pairs.enumerated() {
                    #expect(values[2 * pair] == values[2 * pair + 1], "person \(row): \(indexed) vs \(plain)")
                }
            }
        }
    }

    /// A streamed audit makes the frame let go of the lists it keeps after each batch (`forgetLists`): the frame then holds
    /// none of the batch's rosters, a site that was indexed indexes the next institution's roster at its first count (it
    /// still knows it was), and the counts are the same as counting one by one.
    @Test func aFrameThatForgetsItsListsHoldsNoneAndCountsTheSame() throws {
        let (indexed, plain) = IndexedCountTests.pairs[0]
        var compiler = ExpressionCompiler()
        let itSlot = compiler.declare("it", type: .record(SnapshotSchema.institution))
        let personSlot = compiler.declare("p0", type: .record(SnapshotSchema.person))
        let compiled = [indexed, plain].compactMap { compiler.compile($0) }
        #expect(compiled.count == 2, "\(compiler.errors)")
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: .empty)
        for seed in [11, 12, 13] as [UInt64] {
            let subject = institution(staff: 40, seed: seed)
            frame.slots[itSlot] = subject
            for (position, person) in (subject.recordValue?[SnapshotSchema.institution.requiredSlot("staff")].listValue ?? []).enumerated() {
                frame.slots[personSlot] = person
                frame.steps = 0
                let values = try compiled.map { try $0.evaluate(&frame) }
                #expect(values[0] == values[1], "seed \(seed), person \(position)")
                // After the first institution, the first count of each roster already comes from its index.
                if seed > 11, position == 0 { #expect(frame.countCache.compactMap { $0?.index }.count == 1) }
            }
            frame.slots[itSlot] = .null
            frame.slots[personSlot] = .null
            frame.forgetLists()
            let entries = frame.countCache.compactMap { $0 }
            #expect(entries.count == 1)
            #expect(entries.allSatisfy { $0.items.isEmpty && $0.index == nil && $0.lookups > 1 })
        }
    }

    /// Keys that are enum values are grouped by a table of cases until a key that is not one (a missing value) is met; the
    /// groups made so far then go on by comparing or hashing keys. Met after more than eight groups (the most compared
    /// one by one), every key already seen must still be found.
    @Test func groupsOfEnumValuesGoOnWhenAKeyIsNotOne() throws {
        let event = SnapshotSchema.event
        let kinds = SnapshotSchema.eventType.cases.count
        #expect(kinds > 9)
        // Ten events of ten types, one without a type, then the same types again (and a missing one), with dates.
        let types = Array(0..<10) + [-1] + Array((0..<10).reversed()) + [-1, 3, 3]
        let events: [Value] = types.enumerated().map { position, type in
            var values = [Value](repeating: .null, count: event.fields.count)
            values[event.requiredSlot("type")] = type < 0 ? .null : .enumCase(type)
            values[event.requiredSlot("date")] = position % 4 == 0 ? .null : date(position % 3 == 0 ? "2019-01-01" : "2021-06-30")
            return .record(Record(values: values, marks: [], mark: .none))
        }
        var institutionValues = [Value](repeating: .null, count: SnapshotSchema.institution.fields.count)
        institutionValues[SnapshotSchema.institution.requiredSlot("events")] = .list(events)
        var compiler = ExpressionCompiler()
        let itSlot = compiler.declare("it", type: .record(SnapshotSchema.institution))
        let eventSlot = compiler.declare("e0", type: .record(event))
        let pairs = [
            ("count(it.events, e -> e.type == e0.type)", "count(it.events, e -> e.type == e0.type or false)"),
            ("count(it.events, e -> e.type == e0.type and (e.date ?? date(\"2020-01-01\")) <= date(\"2020-01-01\"))",
             "count(it.events, e -> (e.type == e0.type and (e.date ?? date(\"2020-01-01\")) <= date(\"2020-01-01\")) or false)"),
        ]
        let compiled = pairs.flatMap { [compiler.compile($0.0), compiler.compile($0.1)] }.compactMap { $0 }
        #expect(compiled.count == 2 * pairs.count, "\(compiler.errors)")
        #expect(compiler.countSites == pairs.count)
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: .empty)
        frame.slots[itSlot] = .record(Record(values: institutionValues, marks: [], mark: .none))
        var counted = 0
        for (position, event) in events.enumerated() {
            frame.slots[eventSlot] = event
            let values = try compiled.map { try $0.evaluate(&frame) }
            for pair in pairs.indices {
                #expect(values[2 * pair] == values[2 * pair + 1], "event \(position): \(pairs[pair].0)")
                counted += values[2 * pair].intValue ?? 0
            }
        }
        #expect(counted > events.count)
    }

    @Test func theIndexedFormsAreIndexedAndTheOthersNot() {
        for (indexed, plain) in IndexedCountTests.pairs {
            var compiler = ExpressionCompiler()
            compiler.declare("it", type: .record(SnapshotSchema.institution))
            compiler.declare("p0", type: .record(SnapshotSchema.person))
            _ = compiler.compile(indexed)
            #expect(compiler.countSites == 1, "\(indexed)")
            _ = compiler.compile(plain)
            #expect(compiler.countSites == 1, "\(plain)")
            #expect(compiler.errors.isEmpty)
        }
    }

    @Test func oneCallSiteFollowsTheListItIsGiven() throws {
        // The same call site alternating between two rosters, in one frame: each answer is for its own list.
        let (first, second) = (institution(staff: 25, seed: 21), institution(staff: 18, seed: 22))
        var compiler = ExpressionCompiler()
        let itSlot = compiler.declare("it", type: .record(SnapshotSchema.institution))
        let personSlot = compiler.declare("p0", type: .record(SnapshotSchema.person))
        let (indexed, plain) = IndexedCountTests.pairs[0]
        guard let fast = compiler.compile(indexed), let slow = compiler.compile(plain) else {
            Issue.record("\(compiler.errors)")
            return
        }
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: .empty)
        let staff = SnapshotSchema.institution.requiredSlot("staff")
        for round in 0..<6 {
            let subject = round % 2 == 0 ? first : second
            frame.slots[itSlot] = subject
            for person in subject.recordValue?[staff].listValue ?? [] {
                frame.slots[personSlot] = person
                #expect(try fast.evaluate(&frame) == slow.evaluate(&frame))
            }
        }
    }

    @Test func aSiteMovingFromListToListGivesTheSameCounts() throws {
        // As a rule on persons: one frame, institution after institution, each person of each. After
        // a list counted several times, the next list is indexed the first time it is seen; lists
        // of every size, empty ones and lists of one person among them.
        let sizes = [12, 0, 1, 30, 2, 0, 25, 1, 1, 40, 3, 17]
        let subjects = sizes.enumerated().map { institution(staff: $0.element, seed: UInt64($0.offset) &+ 101) }
        var compiler = ExpressionCompiler()
        let itSlot = compiler.declare("it", type: .record(SnapshotSchema.institution))
        let personSlot = compiler.declare("p0", type: .record(SnapshotSchema.person))
        let pairs = IndexedCountTests.pairs.compactMap { pair in compiler.compile(pair.0).flatMap { fast in compiler.compile(pair.1).map { (fast, $0) } } }
        #expect(pairs.count == IndexedCountTests.pairs.count, "\(compiler.errors)")
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: .empty)
        let staff = SnapshotSchema.institution.requiredSlot("staff")
        for subject in subjects + subjects.reversed() {
            frame.slots[itSlot] = subject
            for person in subject.recordValue?[staff].listValue ?? [] {
                frame.slots[personSlot] = person
                for (fast, slow) in pairs {
                    #expect(try fast.evaluate(&frame) == slow.evaluate(&frame))
                }
            }
        }
    }

    @Test func indexedCountsAreChargedLikeCountingOneByOne() {
        // 200 × 200 steps: over the limit, indexed or not.
        let subject = institution(staff: 200, seed: 5)
        var compiler = ExpressionCompiler()
        let slot = compiler.declare("it", type: .record(SnapshotSchema.institution))
        guard let typed = compiler.compile("count(it.staff, p -> count(it.staff, q -> q.establishment == p.establishment) > 1)") else {
            Issue.record("\(compiler.errors)")
            return
        }
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 10_000, context: .empty)
        frame.slots[slot] = subject
        #expect(throws: EvalError.stepLimitExceeded(10_000)) { try typed.evaluate(&frame) }
    }
}

@Suite struct InPlaceEvaluationTests {
    @Test func nestedLambdasSeeTheirOwnElements() throws {
        let subject = institution(staff: 30, seed: 11)
        let results = try evaluateForEachPerson([
            "count(it.staff, p -> any(it.staff, q -> q.id != p.id and q.establishment == p.establishment))",
            "sum(it.staff, p -> count(it.staff, q -> q.establishment == p.establishment))",
            "map(filter(it.staff, p -> p.establishment == p0.establishment), p -> p.id)",
            "max(it.staff, p -> p.joined ?? date(\"1900-01-01\"))",
            "min(map(it.staff, p -> p.post_rank ?? section))",
        ], on: subject)
        let staff = subject.recordValue?[SnapshotSchema.institution.requiredSlot("staff")].listValue ?? []
        let establishment = SnapshotSchema.person.requiredSlot("establishment")
        let kinds = staff.map { $0.recordValue?[establishment] ?? .null }
        let sameKind = kinds.map { kind in kinds.filter { $0 == kind }.count }
        for (row, values) in results.enumerated() {
            #expect(values[0] == .int(sameKind.filter { $0 > 1 }.count))
            #expect(values[1] == .int(sameKind.reduce(0, +)))
            #expect(values[2].listValue?.count == sameKind[row])
        }
    }

    @Test func filterKeepingEverythingIsTheSameList() throws {
        let subject = institution(staff: 12, seed: 3)
        let results = try evaluateForEachPerson([
            "filter(it.staff, p -> true)", "it.staff",
            "filter(it.staff, p -> p.establishment != none)", "filter(it.staff, p -> not (p.establishment == none))",
        ], on: subject)
        for values in results {
            #expect(values[0] == values[1])
            #expect(values[2] == values[3])
        }
    }

    @Test(arguments: [
        ("date(2019, 8, 5) == date(\"2019-08-05\")", Value.bool(true)),
        ("date(2019, 2, 31)", date("2019-02-28")),
        ("-(3 * 4) + 20 / 3", .int(-6)),
        ("has(p0.post_rank) or not has(p0.post_rank)", .bool(true)),
        ("p0.establishment in [administrative, worker] or p0.establishment not in [administrative, worker]", .bool(true)),
        ("\"a\" in [\"a\", \"b\"] and 3 not in [1, 2]", .bool(true)),
        ("is_empty([]) and not is_empty(it.staff)", .bool(true)),
        ("label(section)", .string("正科（乡）级")),
    ])
    func constantsAndShortcutsKeepTheirValues(text: String, expected: Value) throws {
        let results = try evaluateForEachPerson([text], on: institution(staff: 3, seed: 1))
        for values in results { #expect(values[0] == expected, "\(text)") }
    }

    @Test func aFailingConstantIsNotFoldedAway() {
        var compiler = ExpressionCompiler()
        guard let typed = compiler.compile("1 / 0 == 1") else {
            Issue.record("\(compiler.errors)")
            return
        }
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 100, context: .empty)
        #expect(throws: EvalError.divisionByZero) { try typed.evaluate(&frame) }
    }

    @Test func andAndOrKeepTheValueOfTheSideThatDecides() throws {
        // `within_limit` is left out of the test institution: a missing value stays missing (null),
        // as before; only a condition reads it as false.
        let results = try evaluateForEachPerson([
            "true and it.within_limit", "false or it.within_limit", "not (true and it.within_limit)",
            "if true and it.within_limit then 1 else 2", "count(it.staff, p -> it.within_limit)",
        ], on: institution(staff: 4, seed: 9))
        for values in results {
            #expect(values == [.null, .null, .bool(true), .int(2), .int(0)])
        }
    }
}

@Suite struct SameTextTests {
    @Test(arguments: [
        ("青办发〔2019〕12号", "青办发[2019]12号", true),
        ("青办发【2019】12号", "青办发［2019］12号", true),
        ("综合科（法规科）", "综合科(法规科)", true),
        ("综合 科", "综合科", true),
        ("综合\u{3000}科", "综合科", true),
        ("综合科", "综合科", true),
        ("综合科", "综合室", false),
        ("人事科", "人事科 ", true),
        ("办公室", "办公室（", false),
        ("e\u{301}", "\u{e9}", true),
        ("", "", true),
        ("a", "", false),
        // Different first characters: decided before either text is scanned.
        ("办公室", "综合股", false),
        ("A股", "B股", false),
        ("e\u{301}科", "f科", false),
        // The same first character, or a first character that is not a letter, digit or ideograph.
        ("办公室", "办 公 室", true),
        ("(办公室)", "（办公室）", true),
        (" 办公室", "办公室", true),
        ("\u{e9}科", "e\u{301}科", true),
    ])
    func sameTextIgnoresBracketsAndSpaces(a: String, b: String, same: Bool) {
        #expect(TextNormalization.sameText(a, b) == same)
        #expect(TextNormalization.sameText(b, a) == same)
        #expect(TextNormalization.sameText(a, b) == (TextNormalization.normalize(a) == TextNormalization.normalize(b)))
    }
}

@Suite struct OrderedRosterTests {
    /// Institutions of seven persons each (the last one fewer), with these person ids (nil: a person without one).
    private static func institutions(_ ids: [String?]) -> [Value] {
        stride(from: 0, to: ids.count, by: 7).map { start in
            let staff = ids[start..<min(start + 7, ids.count)].enumerated().map { offset, id -> Value in
                var person = Record(count: SnapshotSchema.person.fields.count, mark: ValueMark(file: 0, line: Int32(start + offset + 1), column: 3))
                if let id { person[SnapshotSchema.person.requiredSlot("id")] = .string(id) }
                return .record(person)
            }
            var place = Record(count: SnapshotSchema.institution.fields.count, mark: .none)
            place[SnapshotSchema.institution.requiredSlot("id")] = .string("I\(start / 7)")
            place[SnapshotSchema.institution.requiredSlot("staff")] = .list(staff)
            return .record(place)
        }
    }

    /// An index by person id of the roster's rows, made the plain way.
    private static func byPerson(_ roster: [Value]) -> [String: [Value]] {
        var index: [String: [Value]] = [:]
        for entry in roster {
            guard let id = entry.recordValue?[0].recordValue?[SnapshotSchema.person.requiredSlot("id")].stringValue else { continue }
            index[id, default: []].append(entry)
        }
        return index
    }

    /// `rosters_of(pid)` for each id in turn, in one frame, with a context built each way.
    private static func lookUp(_ ids: [String], institutions: [Value], expression: String = "rosters_of(pid)") throws -> (ordered: [Value], hashed: [Value]) {
        var compiler = ExpressionCompiler()
        let slot = compiler.declare("pid", type: .string)
        guard let typed = compiler.compile(expression) else {
            Issue.record("\(compiler.errors)")
            return ([], [])
        }
        func run(_ context: EvalContext) throws -> [Value] {
            var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: context)
            return try ids.map { id in
                frame.slots[slot] = .string(id)
                return try typed.evaluate(&frame)
            }
        }
        return (try run(EvalContext(institutionsByID: [:], institutions: institutions)),
                try run(EvalContext(institutionsByID: [:], rosterByPerson: byPerson(EvalContext.rosterEntries(of: institutions)))))
    }

    @Test(arguments: [0, 1, 5, 60, 400])
    func orderedLookupsEqualLookupsByID(size: Int) throws {
        var random = Generator(state: UInt64(size) &+ 17)
        // Persons listed in two or three institutions, and persons without an id.
        let ids: [String?] = (0..<size).map { _ in random.next(9) == 0 ? nil : "P\(random.next(max(1, size * 3 / 4)))" }
        let institutions = OrderedRosterTests.institutions(ids)
        let roster = EvalContext.rosterEntries(of: institutions)
        #expect(roster.count == size)
        let listed = ids.compactMap { $0 }
        let orders = [
            listed,  // the engine's order
            listed.reversed(),
            listed.enumerated().filter { $0.offset % 3 != 0 }.map(\.element),  // some persons skipped
            (0..<size).map { _ in listed.isEmpty ? "P0" : listed[random.next(listed.count)] },  // any order, repeats
            ["nobody", ""] + listed.prefix(3) + ["nobody"] + listed.prefix(3),  // ids not in the roster
        ]
        for ids in orders {
            let (ordered, hashed) = try OrderedRosterTests.lookUp(ids, institutions: institutions)
            #expect(ordered == hashed)
            // The number of rows, from the index without making them, then by making them: both move the same cursor.
            let (counted, countedByID) = try OrderedRosterTests.lookUp(ids, institutions: institutions,
                                                                        expression: "count(rosters_of(pid)) * 1000 + count(rosters_of(pid), r -> true)")
            let expected = hashed.map { Value.int(($0.listValue?.count ?? 0) * 1001) }
            #expect(counted == expected)
            #expect(countedByID == expected)
        }
        #expect(EvalContext(institutionsByID: [:], institutions: institutions).rosterByPerson == OrderedRosterTests.byPerson(roster))
    }

    /// Ids are told apart by their text, not by their hash: with every hash forced equal (or only a few hashes for many ids),
    /// each id still gets a group of its own, finds it again, and an id never recorded finds none.
    @Test(arguments: ["all equal", "three", "FNV-1a"])
    func idsWithTheSameHashKeepTheirOwnGroups(hashing: String) {
        func hash(_ id: String) -> UInt64 {
            switch hashing {
            case "all equal": 7
            case "three": UInt64(id.utf8.count % 3)
            default: IDHash.of(id)
            }
        }
        let ids = (0..<200).map { "P\($0 * 37 % 101)" }  // 101 distinct ids, most met twice
        var groups = IDGroups(capacity: ids.count)
        var groupIDs: [String] = []
        var expected: [String: Int32] = [:]
        for id in ids {
            let group = groups.group(of: id, hash: hash(id), next: Int32(groupIDs.count)) { groupIDs[Int($0)] }
            if group == Int32(groupIDs.count) { groupIDs.append(id) }
            #expect(group == expected[id, default: group])
            expected[id] = group
        }
        #expect(groupIDs.count == 101)
        #expect(Set(groupIDs).count == 101)
        for (id, group) in expected {
            #expect(groups.find(id, hash: hash(id), idOf: { groupIDs[Int($0)] }) == group)
        }
        for absent in ["P101", "Q1", ""] {
            #expect(groups.find(absent, hash: hash(absent), idOf: { groupIDs[Int($0)] }) == nil)
        }
    }
}

/// `count`, `any`, `all` and `filter` whose condition is one field test of the element scan the list without calling the
/// condition (see `ElementScan`); the same condition written so that it is not one test (`… or false`) is evaluated element
/// by element. Both give the same answers, on rosters of every size.
@Suite struct ElementScanTests {
    static let conditions = [
        "p.establishment == administrative", "p.establishment != administrative", "p.establishment in [administrative, worker]",
        "p.establishment not in [administrative, worker]", "has(p.post_rank)", "not has(p.post_rank)", "p.post_rank != null",
        "p.post_rank == null", "not (p.establishment == public_service)", "has(p.joined)",
    ]

    static func forms(_ condition: String) -> [(String, String)] {
        [("count(it.staff, p -> \(condition))", "count(it.staff, p -> \(condition) or false)"),
         ("any(it.staff, p -> \(condition))", "any(it.staff, p -> \(condition) or false)"),
         ("all(it.staff, p -> \(condition))", "all(it.staff, p -> \(condition) or false)"),
         ("map(filter(it.staff, p -> \(condition)), p -> p.id)", "map(filter(it.staff, p -> \(condition) or false), p -> p.id)"),
         ("count(filter(it.staff, p -> \(condition)))", "count(filter(it.staff, p -> \(condition) or false))")]
    }

    @Test(arguments: [0, 1, 2, 7, 40, 300])
    func scanningTheListGivesWhatTestingEachElementGives(staff: Int) throws {
        let pairs = ElementScanTests.conditions.flatMap(ElementScanTests.forms)
        var compiler = ExpressionCompiler()
        let itSlot = compiler.declare("it", type: .record(SnapshotSchema.institution))
        let compiled = pairs.flatMap { [$0.0, $0.1] }.compactMap { compiler.compile($0) }
        #expect(compiled.count == 2 * pairs.count, "\(compiler.errors)")
        for seed in [5, 6] as [UInt64] {
            var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000_000, context: .empty)
            frame.slots[itSlot] = institution(staff: staff, seed: seed &* 104_729 &+ UInt64(staff))
            let values = try compiled.map { try $0.evaluate(&frame) }
            for (index, (scanned, tested)) in pairs.enumerated() {
                #expect(values[2 * index] == values[2 * index + 1], "\(staff) staff: \(scanned) vs \(tested)")
            }
        }
    }

    /// A boolean field as the whole condition, and the list itself kept when every element passes.
    @Test func aBooleanFieldAndAListThatAllPass() throws {
        let type = SnapshotSchema.institution
        let flags: [Value] = [.bool(true), .bool(false), .null, .bool(true)]
        let institutions: [Value] = flags.enumerated().map { index, flag in
            var values = [Value](repeating: .null, count: type.fields.count)
            values[type.requiredSlot("id")] = .string("I\(index)")
            values[type.requiredSlot("within_limit")] = flag
            return .record(Record(values: values, marks: [], mark: .none))
        }
        var compiler = ExpressionCompiler()
        let listSlot = compiler.declare("xs", type: .list(.record(type)))
        let texts = ["count(xs, i -> i.within_limit)", "count(xs, i -> not i.within_limit)", "any(xs, i -> not i.within_limit)",
                     "all(xs, i -> i.within_limit)", "map(filter(xs, i -> i.within_limit), i -> i.id)", "map(filter(xs, i -> not has(i.abolished)), i -> i.id)"]
        let compiled = texts.compactMap { compiler.compile($0) }
        #expect(compiled.count == texts.count, "\(compiler.errors)")
        var frame = EvalFrame(slotCount: compiler.slotCount, stepLimit: 1_000, context: .empty)
        frame.slots[listSlot] = .list(institutions)
        let values = try compiled.map { try $0.evaluate(&frame) }
        #expect(values == [.int(2), .int(2), .bool(true), .bool(false), .list([.string("I0"), .string("I3")]),
                           .list(["I0", "I1", "I2", "I3"].map { .string($0) })])
        // Steps are charged for each element, as when each is tested (and once more for each element `map` reads).
        #expect(frame.steps == 6 * institutions.count + 2 + 4)
    }
}
