import Schema

/// Where a variable or a field path lives in the frame: a slot (or the element a lambda is
/// looking at), then up to four record fields (`it.approved.staffing.administrative` is the slot
/// of `it` and three field indices).
///
/// Reading through an access borrows every record on the way instead of copying it: copying a
/// `Value.record` retains its arrays, and reading one field of it releases them again, which
/// was most of the time spent evaluating rules.
struct Access: Sendable {
    enum Root: Sendable {
        /// A variable: `frame.slots[n]`.
        case slot(Int)
        /// The parameter of a lambda: the element the lambda is applied to (`frame.elements[n]`).
        case element(Int)
    }

    let root: Root
    private(set) var depth = 0
    private var fields: (Int, Int, Int, Int) = (0, 0, 0, 0)

    init(_ root: Root) {
        self.root = root
    }

    /// The access one field further; nil beyond four fields (the path is then computed).
    func appending(_ field: Int) -> Access? {
        var next = self
        switch depth {
        case 0: next.fields.0 = field
        case 1: next.fields.1 = field
        case 2: next.fields.2 = field
        case 3: next.fields.3 = field
        default: return nil
        }
        next.depth += 1
        return next
    }

    /// The value at this access. Only that value is copied (which costs nothing for numbers,
    /// dates, booleans and enum values); the records on the way are borrowed. A field of something
    /// that is not a record (a missing optional record) is `.null`, as for a computed member.
    @inline(__always)
    func value(in frame: borrowing EvalFrame) -> Value {
        read(in: frame) { $0 }
    }

    /// `body` applied to the value at this access, borrowed. `body` must be a closure the compiler
    /// can inline: for an opaque call it would copy every record on the way to keep it alive.
    @inline(__always)
    func read<R>(in frame: borrowing EvalFrame, _ body: (Value) -> R) -> R {
        switch root {
        case .slot(let slot):
            return read(from: frame.slots[slot], body)
        case .element(let element):
            guard let pointer = frame.elements[element] else { return body(.null) }
            return read(from: pointer.pointee, body)
        }
    }

    /// The value at the end of this access's fields, starting from `start` instead of the root.
    @inline(__always)
    func value(from start: Value) -> Value {
        read(from: start) { $0 }
    }

    /// `body` applied to the value at the end of this access's fields from `start`, borrowed (see `read(in:_:)`).
    @inline(__always)
    func read<R>(from start: Value, _ body: (Value) -> R) -> R {
        switch depth {
        case 0:
            return body(start)
        case 1:
            return Access.field(start, fields.0, body)
        case 2:
            return Access.field(start, fields.0) { a in Access.field(a, fields.1, body) }
        case 3:
            return Access.field(start, fields.0) { a in Access.field(a, fields.1) { b in Access.field(b, fields.2, body) } }
        default:
            return Access.field(start, fields.0) { a in
                Access.field(a, fields.1) { b in Access.field(b, fields.2) { c in Access.field(c, fields.3, body) } }
            }
        }
    }

    /// `body` applied to field `index` of `value`, borrowed (`.null` when `value` is not a record).
    @inline(__always)
    static func field<R>(_ value: Value, _ index: Int, _ body: (Value) -> R) -> R {
        switch value {
        case .record(let record): return body(record[index])
        default: return body(.null)
        }
    }

    /// An evaluator that reads the value at this access (a variable read directly).
    func evaluator() -> Evaluator {
        if depth == 0, case .slot(let slot) = root {
            return { frame in frame.slots[slot] }
        }
        let access = self
        return { frame in access.value(in: frame) }
    }
}

/// An operand of an operator, read the cheapest way its shape allows.
enum Operand: Sendable {
    case constant(Value)
    case access(Access)
    case computed(Evaluator)

    init(_ typed: Typed) {
        if let constant = typed.constant {
            self = .constant(constant)
        } else if let access = typed.access {
            self = .access(access)
        } else {
            self = .computed(typed.evaluate)
        }
    }

    /// An evaluator of `body(value)` for this operand's shape, decided now rather than at each
    /// evaluation: constants are captured, accesses read in place, computed values evaluated.
    @inline(__always)
    func map(_ body: @escaping @Sendable (Value) throws -> Value) -> Evaluator {
        switch self {
        case .constant(let value):
            return { _ in try body(value) }
        case .access(let access):
            return { frame in try body(access.value(in: frame)) }
        case .computed(let evaluate):
            return { frame in try body(try evaluate(&frame)) }
        }
    }
}

/// An evaluator of `body(left, right)` for the shapes of two operands, left evaluated before right.
@inline(__always)
func mapOperands(_ left: Operand, _ right: Operand, _ body: @escaping @Sendable (Value, Value) throws -> Value) -> Evaluator {
    switch (left, right) {
    case let (.computed(a), .computed(b)):
        return { frame in
            let x = try a(&frame)
            return try body(x, try b(&frame))
        }
    case let (.computed(a), .access(b)):
        return { frame in
            let x = try a(&frame)
            return try body(x, b.value(in: frame))
        }
    case let (.computed(a), .constant(y)):
        return { frame in try body(try a(&frame), y) }
    case let (.access(a), .computed(b)):
        return { frame in
            let y = try b(&frame)
            return try body(a.value(in: frame), y)
        }
    case let (.constant(x), .computed(b)):
        return { frame in try body(x, try b(&frame)) }
    case let (.access(a), .access(b)):
        return { frame in try body(a.value(in: frame), b.value(in: frame)) }
    case let (.access(a), .constant(y)):
        return { frame in try body(a.value(in: frame), y) }
    case let (.constant(x), .access(b)):
        return { frame in try body(x, b.value(in: frame)) }
    case let (.constant(x), .constant(y)):
        return { _ in try body(x, y) }
    }
}

/// A test of one value, applied by `Operand.predicate` without copying the value.
protocol ValueTest: Sendable {
    func holds(_ value: Value) -> Bool
}

/// A test of two values, applied by `predicate(_:_:_:)` without copying them.
protocol PairTest: Sendable {
    func holds(_ left: Value, _ right: Value) -> Bool
}

extension Operand {
    /// A predicate applying `test` to this operand; generic, so that each test is compiled into
    /// the reading code instead of being called through a closure.
    func predicate<Test: ValueTest>(_ test: Test) -> Predicate {
        switch self {
        case .constant(let value):
            let result = test.holds(value)
            return { _ in result }
        case .access(let access):
            return { frame in access.read(in: frame) { test.holds($0) } }
        case .computed(let evaluate):
            return { frame in test.holds(try evaluate(&frame)) }
        }
    }
}

/// A predicate applying `test` to two operands, left evaluated before right.
func predicate<Test: PairTest>(_ left: Operand, _ right: Operand, _ test: Test) -> Predicate {
    switch (left, right) {
    case let (.access(a), .access(b)):
        // Reading the frame again inside the first read would copy the whole frame.
        return { frame in
            let x = a.value(in: frame)
            return b.read(in: frame) { y in test.holds(x, y) }
        }
    case let (.access(a), .constant(y)):
        return { frame in a.read(in: frame) { x in test.holds(x, y) } }
    case let (.constant(x), .access(b)):
        return { frame in b.read(in: frame) { y in test.holds(x, y) } }
    case let (.computed(a), .constant(y)):
        return { frame in test.holds(try a(&frame), y) }
    case let (.computed(a), .access(b)):
        return { frame in
            let x = try a(&frame)
            return b.read(in: frame) { y in test.holds(x, y) }
        }
    case let (.access(a), .computed(b)):
        return { frame in
            let y = try b(&frame)
            return a.read(in: frame) { x in test.holds(x, y) }
        }
    case let (.computed(a), .computed(b)):
        return { frame in
            let x = try a(&frame)
            return test.holds(x, try b(&frame))
        }
    case let (.constant(x), .computed(b)):
        return { frame in test.holds(x, try b(&frame)) }
    case let (.constant(x), .constant(y)):
        let result = test.holds(x, y)
        return { _ in result }
    }
}
