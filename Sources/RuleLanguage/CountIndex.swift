import Schema

/// How `count(list, x -> …)` can answer from an index instead of testing every element, when its
/// condition is a conjunction of `x.path == value` tests and at most one ordering test
/// `x.path <= value` (or `(x.path ?? fallback) <= value`, any of `<`, `<=`, `>`, `>=`), where the
/// values do not depend on `x`. Built by `ExpressionCompiler.countPlan`.
///
/// A person rule that counts, for each person, the colleagues of the same kind who joined by that
/// person's day compares every pair of a roster. With the plan, the roster is grouped by the
/// equality keys and each group sorted by the ordering key once; each count is then a lookup and
/// two binary searches. The result is the same number, for every list.
/// (A class, so that reading its parts while building an index copies none of them.)
final class CountPlan: Sendable {
    /// The call site (its number in the frame's cache, and an identity that no other site shares).
    let site: Int
    let token: CountSite
    /// Per equality test: the field path of the element, and the value it must equal.
    let keys: [Access]
    let values: [Evaluator]
    let order: OrderTest?

    init(site: Int, token: CountSite, keys: [Access], values: [Evaluator], order: OrderTest?) {
        self.site = site
        self.token = token
        self.keys = keys
        self.values = values
        self.order = order
    }
}

/// The ordering test of a count plan: `comparison` holds for `order(key ?? fallback, bound)`.
/// (A class only so that passing it around copies one reference.)
final class OrderTest: Sendable {
    let key: Access
    let fallback: Evaluator?
    let bound: Evaluator
    let comparison: Comparison
    let isEnum: Bool

    init(key: Access, fallback: Evaluator?, bound: @escaping Evaluator, comparison: Comparison, isEnum: Bool) {
        self.key = key
        self.fallback = fallback
        self.bound = bound
        self.comparison = comparison
        self.isEnum = isEnum
    }
}

/// The identity of one indexed `count` call site.
final class CountSite: Sendable {}

/// What a call site remembers in the frame: the list it saw last, and that list's index once the
/// site has seen the same list twice. A reference, so that looking at it copies nothing; the frame
/// owns it alone (a copied frame shares it, which is harmless: an index depends only on its list).
/// When the site moves on to another list, the entry is reused for it rather than replaced.
final class CountCacheEntry {
    let token: CountSite
    private(set) var items: [Value]
    var index: CountIndex?
    /// Set when the list cannot be indexed (ordering keys that are not numbers, dates or enum values).
    var unindexable = false
    /// How many counts the index has answered.
    var lookups = 0

    init(token: CountSite, items: [Value]) {
        self.token = token
        self.items = items
    }

    /// Whether this entry is about `items` (the same array) at `token`'s site.
    func remembers(_ items: [Value], at token: CountSite) -> Bool {
        guard self.token === token, self.items.count == items.count else { return false }
        return self.items.withUnsafeBufferPointer { x in items.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    /// Lets go of the list and its index, keeping whether the site was indexed (see `EvalFrame.indexedCount`).
    func forgetList() {
        items = []
        index = nil
        unindexable = false
    }

    /// Makes the entry about `items`, with no index yet.
    func restart(with items: [Value]) {
        self.items = items
        index = nil
        unindexable = false
        lookups = 0
    }
}

/// The elements of one list grouped by their equality keys, each group's ordering keys sorted.
///
/// Ordering keys are integers, dates or enum values, all of one kind, kept as numbers in the order
/// `ExpressionCompiler.order` gives them (ranks and levels list their highest case first); a list
/// with other ordering keys is not indexed.
final class CountIndex: Sendable {
    /// Groups are found by comparing keys while there are few, which is cheaper than hashing; by a
    /// hash table beyond `linearLimit`. When every key is an enum value (one equality test on an enum
    /// field, the usual case), by a table indexed by the value's case.
    private static let linearLimit = 8
    private static let enumTableLimit = 64
    private let keys: [Value]
    private let positions: [Value: Int]
    /// Per enum case, its group (-1 for none); nil when some key is not an enum value.
    private let enumGroups: [Int]?
    /// Per group: its number of elements, and of those whose ordering key is missing when the test
    /// supplies a `??` fallback.
    private let totals: [Int]
    private let missing: [Int]
    /// Group `g`'s sorted ordering keys are `numbers[starts[g]..<starts[g + 1]]`.
    private let starts: [Int]
    private let numbers: [Int]
    /// The kind of value (see `kind(of:)`) of every ordering key, when there are any.
    private let numberKind: Int?

    /// Reads the keys of every element; nil when an ordering key is not a number, a date or an
    /// enum value, or the keys are of different kinds.
    ///
    /// The work per element is done in memory of its own, sized once (the group and number of each element, the counts
    /// per group, the table of enum cases), and the elements' keys are read in place: an element copied out of the array
    /// would be retained and released, and an array grown or changed element by element checks each time whether it must
    /// be copied first. That was about 550 instructions an element; the sorting of each group is by insertion when it is
    /// short, as the groups of an institution's roster are.
    init?(_ items: [Value], plan: CountPlan) {
        let order = plan.order
        let keyAccesses = plan.keys
        let count = items.count
        var keys: [Value] = []
        var positions: [Value: Int] = [:]
        var allEnums = true
        var numberKind: Int?
        let built: (totals: [Int], missing: [Int], starts: [Int], numbers: [Int], enumTable: [Int])? =
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * count + CountIndex.enumTableLimit + 2) { scratch in
                guard let base = scratch.baseAddress else { return nil }
                // Per element, its group and ordering key (for those that have one); per group, its size and missing keys.
                let groupOf = base
                let numberOf = base + count
                let totals = base + 2 * count
                let missingTotals = base + 3 * count + 1
                let enumTable = base + 4 * count + 2
                enumTable.initialize(repeating: -1, count: CountIndex.enumTableLimit)
                var groups = 0
                var counted = 0
                let hasFallback = order?.fallback != nil
                let isEnumOrder = order?.isEnum ?? false
                let complete = items.withUnsafeBufferPointer { buffer in
                    for element in buffer.indices {
                        let position: Int
                        var enumIndex = -1
                        if keyAccesses.count == 1 {
                            enumIndex = keyAccesses[0].read(from: buffer[element]) { value in
                                if case .enumCase(let index) = value, index >= 0, index < CountIndex.enumTableLimit { return index }
                                return -1
                            }
                        }
                        if allEnums, enumIndex >= 0 {
                            if enumTable[enumIndex] < 0 {
                                enumTable[enumIndex] = groups
                                (totals + groups).initialize(to: 0)
                                (missingTotals + groups).initialize(to: 0)
                                groups += 1
                            }
                            position = enumTable[enumIndex]
                        } else {
                            if allEnums {
                                // The groups so far are enum values: their keys, in the order of the groups.
                                allEnums = false
                                keys = [Value](repeating: .null, count: groups)
                                for index in 0..<CountIndex.enumTableLimit where enumTable[index] >= 0 { keys[enumTable[index]] = .enumCase(index) }
                                // This key, not an enum value, equals none of them: it makes a new group below, which builds
                                // the hash table of the keys when there are more than `linearLimit`.
                            }
                            let key = CountIndex.key(of: buffer[element], keyAccesses)
                            if let found = CountIndex.position(of: key, keys, positions) {
                                position = found
                            } else {
                                position = groups
                                keys.append(key)
                                (totals + groups).initialize(to: 0)
                                (missingTotals + groups).initialize(to: 0)
                                groups += 1
                                if keys.count > CountIndex.linearLimit {
                                    if positions.isEmpty {
                                        for (known, existing) in keys.enumerated() { positions[existing] = known }
                                    } else {
                                        positions[key] = position
                                    }
                                }
                            }
                        }
                        totals[position] += 1
                        guard let order else { continue }
                        // The ordering key as a number, and its kind; kind 0 for a missing one.
                        let (kind, number) = order.key.read(from: buffer[element]) { value -> (Int, Int?) in
                            (CountIndex.kind(of: value), ExpressionCompiler.number(value, isEnum: isEnumOrder))
                        }
                        if kind == 0, hasFallback {
                            missingTotals[position] += 1
                            continue
                        }
                        guard let number, numberKind ?? kind == kind else { return false }
                        numberKind = kind
                        groupOf[counted] = position
                        numberOf[counted] = number
                        counted += 1
                    }
                    return true
                }
                guard complete else { return nil }
                // Place the keys group after group, then sort each group's keys where they are.
                let starts = [Int](unsafeUninitializedCapacity: groups + 1) { starts, initialized in
                    starts.initialize(repeating: 0)
                    for element in 0..<counted { starts[groupOf[element] + 1] += 1 }
                    for position in 0..<groups { starts[position + 1] += starts[position] }
                    initialized = groups + 1
                }
                let numbers = [Int](unsafeUninitializedCapacity: counted) { numbers, initialized in
                    // Each key goes to the next free place of its group (`next`, from the group's start).
                    var next = starts
                    for element in 0..<counted {
                        let position = groupOf[element]
                        numbers.initializeElement(at: next[position], to: numberOf[element])
                        next[position] += 1
                    }
                    initialized = counted
                    for position in 0..<groups where starts[position + 1] - starts[position] > 1 {
                        CountIndex.sort(UnsafeMutableBufferPointer(rebasing: numbers[starts[position]..<starts[position + 1]]))
                    }
                }
                return (Array(UnsafeBufferPointer(start: totals, count: groups)), Array(UnsafeBufferPointer(start: missingTotals, count: groups)),
                        starts, numbers, allEnums ? Array(UnsafeBufferPointer(start: enumTable, count: CountIndex.enumTableLimit)) : [])
            }
        guard let built else { return nil }
        // With every key an enum value, groups are found by the table alone (`keys` is left empty).
        self.keys = keys
        self.positions = positions
        enumGroups = allEnums ? built.enumTable : nil
        totals = built.totals
        missing = built.missing
        starts = built.starts
        numbers = built.numbers
        self.numberKind = numberKind
    }

    /// Sorts `numbers` in place: by insertion when there are few (a group of an institution's roster; the standard library's
    /// sort took about 3,200 instructions for 30 numbers), as the standard library does otherwise.
    private static func sort(_ numbers: UnsafeMutableBufferPointer<Int>) {
        guard numbers.count <= 64 else {
            var all = numbers
            all.sort()
            return
        }
        for index in 1..<numbers.count {
            let value = numbers[index]
            var hole = index
            while hole > 0, numbers[hole - 1] > value {
                numbers[hole] = numbers[hole - 1]
                hole -= 1
            }
            numbers[hole] = value
        }
    }

    private static func position(of key: Value, _ keys: [Value], _ positions: [Value: Int]) -> Int? {
        keys.count <= linearLimit ? keys.firstIndex { ExpressionCompiler.equal($0, key) } : positions[key]
    }

    /// The group whose equality keys are `key`, if any.
    @inline(__always)
    private func group(of key: Value) -> Int? {
        if let enumGroups {
            // Only an enum value equals an enum value.
            guard case .enumCase(let index) = key, index >= 0, index < enumGroups.count else { return nil }
            let position = enumGroups[index]
            return position < 0 ? nil : position
        }
        return CountIndex.position(of: key, keys, positions)
    }

    /// The number of elements for which the plan's condition holds, with the current values of the frame.
    func count(_ plan: CountPlan, _ frame: inout EvalFrame) throws -> Int {
        guard let position = group(of: try CountIndex.key(plan.values, &frame)) else { return 0 }
        guard let order = plan.order else { return totals[position] }
        let bound = try order.bound(&frame)
        var total = 0
        if missing[position] > 0, let fallback = order.fallback {
            let value = try fallback(&frame)
            if order.comparison.holds(ExpressionCompiler.order(value, bound, higherRankIsGreater: order.isEnum)) {
                total += missing[position]
            }
        }
        let (start, end) = (starts[position], starts[position + 1])
        let count = end - start
        guard count > 0 else { return total }
        if let boundNumber = ExpressionCompiler.number(bound, isEnum: order.isEnum), CountIndex.kind(of: bound) == numberKind {
            return numbers.withUnsafeBufferPointer { sorted in
                let less = CountIndex.partition(sorted, start, end) { $0 < boundNumber }
                let notGreater = CountIndex.partition(sorted, start, end) { $0 <= boundNumber }
                let comparison = order.comparison
                return total + (comparison.holds(-1) ? less : 0) + (comparison.holds(0) ? notGreater - less : 0)
                    + (comparison.holds(1) ? count - notGreater : 0)
            }
        }
        // Values of different kinds are neither smaller nor greater (`order` is 0).
        return total + (order.comparison.holds(0) ? count : 0)
    }

    /// The number of the sorted keys `start..<end` for which `isBefore` holds (it holds for a prefix).
    @inline(__always)
    private static func partition(_ sorted: UnsafeBufferPointer<Int>, _ start: Int, _ end: Int, _ isBefore: (Int) -> Bool) -> Int {
        var low = start
        var high = end
        while low < high {
            let middle = (low + high) / 2
            if isBefore(sorted[middle]) { low = middle + 1 } else { high = middle }
        }
        return low - start
    }

    /// The equality keys of an element, as one value (see `key(_:_:)`).
    private static func key(of item: Value, _ keys: [Access]) -> Value {
        switch keys.count {
        case 0: return .null
        case 1: return keys[0].value(from: item)
        default: return .list(keys.map { $0.value(from: item) })
        }
    }

    /// One value standing for all the equality values: none, the only one, or a list of them.
    private static func key(_ evaluators: [Evaluator], _ frame: inout EvalFrame) throws -> Value {
        switch evaluators.count {
        case 0: return .null
        case 1: return try evaluators[0](&frame)
        default:
            var values: [Value] = []
            values.reserveCapacity(evaluators.count)
            for evaluate in evaluators { values.append(try evaluate(&frame)) }
            return .list(values)
        }
    }

    private static func kind(of value: Value) -> Int {
        switch value {
        case .null: 0
        case .bool: 1
        case .int: 2
        case .string: 3
        case .date: 4
        case .enumCase: 5
        case .list: 6
        case .record: 7
        }
    }
}

extension EvalFrame {
    /// The count by `plan`'s index when this call site has seen `items` (the same array) before;
    /// nil the first time, when the caller tests each element as usual. A list seen once, as in a
    /// rule on institutions, so costs nothing extra; a list seen for each of its elements is indexed.
    /// When the site's previous list was counted from its index more than once (a rule on persons
    /// counting in each institution's roster), a new list is indexed the first time it is seen.
    mutating func indexedCount(_ items: [Value], _ plan: CountPlan) throws -> Int? {
        if plan.site >= countCache.count {
            countCache.append(contentsOf: repeatElement(nil, count: plan.site + 1 - countCache.count))
        }
        let entry: CountCacheEntry
        if let known = countCache[plan.site], known.remembers(items, at: plan.token) {
            entry = known
        } else if let previous = countCache[plan.site], previous.token === plan.token {
            // The site has moved on to another list: the entry is reused for it.
            let wasIndexed = previous.lookups > 1
            previous.restart(with: items)
            guard wasIndexed else { return nil }
            entry = previous
        } else {
            countCache[plan.site] = CountCacheEntry(token: plan.token, items: items)
            return nil
        }
        if let index = entry.index {
            entry.lookups += 1
            return try index.count(plan, &self)
        }
        guard !entry.unindexable, let index = CountIndex(items, plan: plan) else {
            entry.unindexable = true
            return nil
        }
        entry.index = index
        entry.lookups += 1
        return try index.count(plan, &self)
    }
}
