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
    /// Per lambda: the element it is being applied to, inside the list being iterated (see `forEach`).
    var elements: [UnsafePointer<Value>?] = []
    /// Per indexed `count` call site: the list it last saw and that list's index (see `CountPlan`).
    var countCache: [CountCacheEntry?] = []
    /// The last `rosters_of` lookup: a rule often asks twice for the same person.
    private var lastRosters: (person: String, entries: [Value])?

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
        let entries = context.rosterByPerson[person] ?? []
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
