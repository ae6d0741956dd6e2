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
    /// Person id → roster entries (`RosterEntry` records) in which the person appears.
    public let rosterByPerson: [String: [Value]]

    public init(institutionsByID: [String: Record], rosterByPerson: [String: [Value]]) {
        self.institutionsByID = institutionsByID
        self.rosterByPerson = rosterByPerson
    }

    public static let empty = EvalContext(institutionsByID: [:], rosterByPerson: [:])
}

/// The mutable state of one evaluation: variable slots and the step budget.
public struct EvalFrame {
    public var slots: [Value]
    public var steps = 0
    public let stepLimit: Int
    public let context: EvalContext

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
}

/// A compiled expression: evaluates against a frame.
public typealias Evaluator = @Sendable (inout EvalFrame) throws -> Value
