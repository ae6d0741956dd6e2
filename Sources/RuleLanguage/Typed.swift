import Schema

/// A compiled condition: whether an expression of type bool evaluates to `true`.
typealias Predicate = @Sendable (inout EvalFrame) throws -> Bool

/// The number of elements of a compiled list expression.
typealias Length = @Sendable (inout EvalFrame) throws -> Int

/// A checked, compiled expression: its static type, how to evaluate it, and its value when constant.
///
/// The parts live in one immutable shared box, so that copying a `Typed` (the engine copies the
/// bindings of a rule for every subject) costs one reference count instead of one per part.
public struct Typed: Sendable {
    @usableFromInline
    final class Parts: Sendable {
        let type: RuleType
        @usableFromInline let evaluate: Evaluator
        let constant: Value?
        let access: Access?
        let test: Predicate?
        /// For a list: its number of elements, computed without making the list.
        let length: Length?
        /// For a condition: the field tests it starts with (see `LeadingTests`).
        let leading: LeadingTests?

        init(type: RuleType, evaluate: @escaping Evaluator, constant: Value? = nil, access: Access? = nil, test: Predicate? = nil,
             length: Length? = nil, leading: LeadingTests? = nil) {
            self.type = type
            self.evaluate = evaluate
            self.constant = constant
            self.access = access
            self.test = test
            self.length = length
            self.leading = leading
        }
    }

    @usableFromInline
    private(set) var parts: Parts

    public var type: RuleType {
        get { parts.type }
        set {
            parts = Parts(type: newValue, evaluate: parts.evaluate, constant: parts.constant, access: parts.access, test: parts.test, length: parts.length,
                          leading: parts.leading)
        }
    }

    /// Inlinable, so that the engine calls the closure without retaining and releasing it each time.
    public var evaluate: Evaluator {
        @inlinable get { parts.evaluate }
        set { parts = Parts(type: parts.type, evaluate: newValue) }
    }

    public var constant: Value? {
        get { parts.constant }
        set { parts = Parts(type: parts.type, evaluate: parts.evaluate, constant: newValue, access: parts.access, test: parts.test) }
    }

    /// Where the value is read from when the expression is a variable or a field path of one;
    /// operators then read it in place instead of calling `evaluate`.
    var access: Access? { parts.access }

    /// Whether the value is `true` (false for `false`, for a missing value and for anything else),
    /// computed without building the value when the expression is a condition.
    var test: Predicate {
        if let test = parts.test { return test }
        if let constant = parts.constant {
            let result = constant.boolValue == true
            return { _ in result }
        }
        if let access = parts.access {
            return { frame in access.read(in: frame) { $0.boolValue == true } }
        }
        let evaluate = parts.evaluate
        return { frame in try evaluate(&frame).boolValue == true }
    }

    /// `test`, for the engine: whether a condition holds (false for a missing value).
    /// Take it once and keep it: for some expressions each call of the getter makes a new closure.
    public var condition: @Sendable (inout EvalFrame) throws -> Bool { test }

    init(_ type: RuleType, _ evaluate: @escaping Evaluator) {
        parts = Parts(type: type, evaluate: evaluate)
    }

    /// A condition whose value is always `.bool`: evaluated through `test`; `leading` the field tests it starts with,
    /// when it is made of such tests (see `LeadingTests`).
    init(test: @escaping Predicate, leading: LeadingTests? = nil) {
        parts = Parts(type: .bool, evaluate: { frame in .bool(try test(&frame)) }, test: test, leading: leading)
    }

    /// An expression with its own `evaluate` (which may produce other values than `.bool`, such as
    /// `.null` from a missing field) and a `test` that agrees with it on what counts as `true`.
    init(_ type: RuleType, _ evaluate: @escaping Evaluator, test: @escaping Predicate, leading: LeadingTests? = nil) {
        parts = Parts(type: type, evaluate: evaluate, test: test, leading: leading)
    }

    /// For a condition: the field tests it starts with, which the engine applies before calling `condition`
    /// (see `LeadingTests`). Nil when it starts with anything else.
    public var leadingTests: LeadingTests? { parts.leading }

    init(constant value: Value, type: RuleType) {
        parts = Parts(type: type, evaluate: { _ in value }, constant: value)
    }

    init(_ type: RuleType, access: Access) {
        // A boolean field, as a condition, is the test that it is `true`.
        let leading = type == .bool ? LeadingTests.single(FieldTest(access: access, kind: .isTrue, negate: false)) : nil
        parts = Parts(type: type, evaluate: access.evaluator(), access: access, leading: leading)
    }

    /// The same expression with another static type (the result of `??`).
    init(_ other: Typed, type: RuleType) {
        self = other
        self.type = type
    }

    /// A list whose number of elements can be had without making it (`rosters_of`).
    init(_ type: RuleType, _ evaluate: @escaping Evaluator, length: @escaping Length) {
        parts = Parts(type: type, evaluate: evaluate, length: length)
    }

    /// The list's number of elements, computed without making the list, when the expression can.
    var length: Length? { parts.length }

    /// How operators read this expression.
    var operand: Operand { Operand(self) }
}
