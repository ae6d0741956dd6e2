import Schema

/// A test of one field path of a bound variable against constants: `it.post in [principal, deputy]`,
/// `institution.category == township`, `has(it.joined)`, `not has(institution.state_council_type)`, `it.temporary`.
/// Each kind below is the test the compiled closure applies, so the answer is the same.
///
/// The engine applies the tests on a person's or an event's institution that a rule's `when` starts with once per
/// institution: when one fails, no person on its roster (no event) is evaluated at all. A lambda whose condition is one
/// such test of its parameter is applied by scanning the list (see `ElementScan`). (Applied to each subject
/// instead, the tests cost more than they saved: about 95 instructions a subject against about 50 for the closure,
/// and most subjects pass them.)
public struct FieldTest: Sendable {
    enum Kind: Sendable {
        /// An enum value among `cases` (bit `i` for case `i`); a missing value is among none.
        case enumIn(UInt64)
        /// A value that is present (`has`).
        case present
        /// The value `true` (a boolean field used as a condition).
        case isTrue
    }

    let access: Access
    let kind: Kind
    /// The test's answer is reversed (`!=`, `not in`, `not …`).
    let negate: Bool

    init(access: Access, kind: Kind, negate: Bool) {
        self.access = access
        self.kind = kind
        self.negate = negate
    }

    /// `not` this test.
    var negated: FieldTest { FieldTest(access: access, kind: kind, negate: !negate) }

    /// The lambda parameter or bound variable the path starts from (nil for a slot: a variable or named value).
    var element: Int? {
        if case .element(let element) = access.root { return element }
        return nil
    }

    /// The compiled closures' own tests, so that the answer is theirs.
    @inline(__always)
    func holds(_ value: Value) -> Bool {
        switch kind {
        case .enumIn(let cases): IsEnumCaseIn(cases: cases, negate: negate).holds(value)
        case .present: negate ? IsMissing().holds(value) : IsPresent().holds(value)
        case .isTrue: IsTrue(negate: negate).holds(value)
        }
    }

    /// Whether the test holds for the value its path reads in `frame`.
    @inline(__always)
    public func holds(in frame: borrowing EvalFrame) -> Bool {
        access.read(in: frame) { holds($0) }
    }
}

/// The field tests a condition starts with: the conjuncts `a and b and …` from the left for as long as
/// each is a `FieldTest`. Each is necessary: when one fails the condition is false (`and` stops at the
/// first false operand, and the tests before it cannot fail with an error). When `coversAll`, the
/// condition is nothing but these tests, and holds exactly when all of them do.
public struct LeadingTests: Sendable {
    public internal(set) var tests: [FieldTest]
    public internal(set) var coversAll: Bool

    static func single(_ test: FieldTest) -> LeadingTests { LeadingTests(tests: [test], coversAll: true) }

    /// The leading tests of `left and right`.
    static func conjunction(_ left: LeadingTests?, _ right: LeadingTests?) -> LeadingTests? {
        guard let left, !left.tests.isEmpty else { return nil }
        guard left.coversAll, let right else { return LeadingTests(tests: left.tests, coversAll: false) }
        return LeadingTests(tests: left.tests + right.tests, coversAll: right.coversAll)
    }

    /// The tests whose path starts from bound variable `element`.
    public func tests(on element: Int) -> [FieldTest] {
        tests.filter { $0.element == element }
    }
}

/// Field tests applied together, all to hold: the engine's check of an institution before the persons on its roster
/// (or its events) are evaluated. The tests are kept in memory of their own and read in place, so that a check costs
/// a call and the tests' loads and comparisons, without counting references.
/// (Sendable: the tests are written once, when it is made, and only read after.)
public final class FieldGuard: @unchecked Sendable {
    private let tests: UnsafeMutablePointer<FieldTest>
    private let count: Int

    /// A guard of `tests`; nil when there are none.
    public init?(_ tests: [FieldTest]) {
        guard !tests.isEmpty else { return nil }
        count = tests.count
        self.tests = .allocate(capacity: tests.count)
        self.tests.initialize(from: tests, count: tests.count)
    }

    deinit {
        tests.deinitialize(count: count)
        tests.deallocate()
    }

    /// Whether every test holds for the values bound in `frame`.
    public func holds(in frame: borrowing EvalFrame) -> Bool {
        for index in 0..<count where !tests[index].holds(in: frame) { return false }
        return true
    }
}

/// A field test of a lambda's parameter, applied to each element of a list where it is, in a loop compiled for the kind
/// of test: what `count`, `any`, `all` and `filter` do when the lambda's condition is nothing but one such test
/// (`count(it.staff, p -> p.post == deputy)`). Calling the condition's closure for each element, with the element bound,
/// cost several times as much. The answers are the closure's (each kind is its test).
enum ElementScan {
    /// The scan of `test` when it is the whole of `condition`, a lambda's condition on frame element `parameter`.
    static func of(_ condition: Typed, parameter: Int) -> FieldTest? {
        guard let leading = condition.leadingTests, leading.coversAll, leading.tests.count == 1,
              let test = leading.tests.first, test.element == parameter else { return nil }
        return test
    }

    /// The number of elements for which `test` holds.
    static func counter(_ test: FieldTest) -> @Sendable (UnsafeBufferPointer<Value>) -> Int {
        switch test.kind {
        case .enumIn(let cases): counter(test.access, IsEnumCaseIn(cases: cases, negate: test.negate))
        case .present: test.negate ? counter(test.access, IsMissing()) : counter(test.access, IsPresent())
        case .isTrue: counter(test.access, IsTrue(negate: test.negate))
        }
    }

    /// The first element for which `test` holds `wanted` (nil when none).
    static func finder(_ test: FieldTest) -> @Sendable (UnsafeBufferPointer<Value>, _ wanted: Bool) -> Int? {
        switch test.kind {
        case .enumIn(let cases): finder(test.access, IsEnumCaseIn(cases: cases, negate: test.negate))
        case .present: test.negate ? finder(test.access, IsMissing()) : finder(test.access, IsPresent())
        case .isTrue: finder(test.access, IsTrue(negate: test.negate))
        }
    }

    private static func counter<Test: ValueTest>(_ access: Access, _ test: Test) -> @Sendable (UnsafeBufferPointer<Value>) -> Int {
        { elements in
            var total = 0
            for index in elements.indices where access.read(from: elements[index], { test.holds($0) }) { total += 1 }
            return total
        }
    }

    private static func finder<Test: ValueTest>(_ access: Access, _ test: Test) -> @Sendable (UnsafeBufferPointer<Value>, Bool) -> Int? {
        { elements, wanted in
            for index in elements.indices where access.read(from: elements[index], { test.holds($0) }) == wanted { return index }
            return nil
        }
    }
}

/// `not has(value)`.
struct IsMissing: ValueTest {
    @inline(__always)
    func holds(_ value: Value) -> Bool { value.isNull }
}

/// A boolean value that is `true` (or, negated, anything else).
struct IsTrue: ValueTest {
    let negate: Bool

    @inline(__always)
    func holds(_ value: Value) -> Bool { (value.boolValue == true) != negate }
}
