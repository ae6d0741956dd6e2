import Schema

/// A checked, compiled expression: its static type, how to evaluate it, and its value when constant.
public struct Typed: Sendable {
    public var type: RuleType
    public var evaluate: Evaluator
    public var constant: Value?

    init(_ type: RuleType, _ evaluate: @escaping Evaluator) {
        self.type = type
        self.evaluate = evaluate
        self.constant = nil
    }

    init(constant value: Value, type: RuleType) {
        self.type = type
        self.evaluate = { _ in value }
        self.constant = value
    }
}
