/// Where a value came from: a file of the snapshot (by index) and a 1-based line and column.
public struct ValueMark: Hashable, Sendable {
    public var file: Int32
    public var line: Int32
    public var column: Int32

    public init(file: Int32, line: Int32, column: Int32) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static let none = ValueMark(file: -1, line: 0, column: 0)
    public var isKnown: Bool { file >= 0 }
}

/// A typed value of the snapshot (and of rule evaluation). The schema says which case a field holds.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case date(CivilDate)
    /// An enum value: the index of the case in its `EnumType` (known from the schema).
    case enumCase(Int)
    case list([Value])
    case record(Record)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var dateValue: CivilDate? {
        if case .date(let value) = self { return value }
        return nil
    }

    public var enumIndex: Int? {
        if case .enumCase(let value) = self { return value }
        return nil
    }

    public var listValue: [Value]? {
        if case .list(let value) = self { return value }
        return nil
    }

    public var recordValue: Record? {
        if case .record(let value) = self { return value }
        return nil
    }
}

/// The values of one record, one slot per field of its `RecordType`, in field order,
/// with the place in the snapshot each came from.
///
/// The values and their marks live in one allocation (`RecordStorage`), shared between copies until one
/// of them is changed: copying a record costs one reference count, and a roster row one allocation.
/// (Sendable because shared storage is never written: a record changes only storage it alone holds.)
public struct Record: Hashable, @unchecked Sendable {
    @usableFromInline var storage: RecordStorage
    /// Where the record itself starts.
    public var mark: ValueMark

    /// A record of `values`; `marks` holds one mark per value (missing ones are `.none`).
    public init(values: [Value], marks: [ValueMark], mark: ValueMark) {
        storage = RecordStorage.make(count: values.count)
        storage.withPointers { valuePointer, markPointer in
            for index in values.indices {
                (valuePointer + index).initialize(to: values[index])
                (markPointer + index).initialize(to: index < marks.count ? marks[index] : .none)
            }
        }
        self.mark = mark
    }

    /// A record of `count` fields, all null and unmarked.
    public init(count: Int, mark: ValueMark) {
        storage = RecordStorage.make(count: count)
        storage.withPointers { values, marks in
            values.initialize(repeating: .null, count: count)
            marks.initialize(repeating: .none, count: count)
        }
        self.mark = mark
    }

    /// The number of fields.
    @inlinable public var count: Int { storage.count }

    /// The value of field `slot`, read in place (borrowed, not copied) and changed in place.
    /// (The elements of a `ManagedBuffer` stay where they are while it lives, and the record holds it.)
    @inlinable
    public subscript(slot: Int) -> Value {
        _read {
            let (count, values) = storage.pointers
            precondition(slot >= 0 && slot < count, "field slot out of range")
            yield values[slot]
        }
        _modify {
            makeUnique()
            let (count, values) = storage.pointers
            precondition(slot >= 0 && slot < count, "field slot out of range")
            yield &values[slot]
        }
    }

    /// Where the value of field `slot` was written (`.none` when it was not).
    public func mark(at slot: Int) -> ValueMark {
        precondition(slot >= 0 && slot < count, "field slot out of range")
        return storage.withPointers { $1[slot] }
    }

    public mutating func setMark(_ mark: ValueMark, at slot: Int) {
        precondition(slot >= 0 && slot < count, "field slot out of range")
        makeUnique()
        storage.withPointers { $1[slot] = mark }
    }

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public static func == (lhs: Record, rhs: Record) -> Bool {
        guard lhs.mark == rhs.mark, lhs.count == rhs.count else { return false }
        if lhs.storage === rhs.storage { return true }
        for slot in 0..<lhs.count where lhs[slot] != rhs[slot] || lhs.mark(at: slot) != rhs.mark(at: slot) {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mark)
        hasher.combine(count)
        for slot in 0..<count {
            hasher.combine(self[slot])
            hasher.combine(mark(at: slot))
        }
    }
}

/// The storage of a `Record`: a count, then the values, then their marks, in one allocation.
@usableFromInline
final class RecordStorage: ManagedBuffer<Int, Value> {
    /// How many `Value`s of room `count` values and `count` marks take.
    private static func capacity(for count: Int) -> Int {
        let markBytes = count * MemoryLayout<ValueMark>.stride
        return count + (markBytes + MemoryLayout<Value>.stride - 1) / MemoryLayout<Value>.stride
    }

    /// Storage for `count` fields; the caller initializes every value and mark (see `withPointers`).
    static func make(count: Int) -> RecordStorage {
        let buffer = RecordStorage.create(minimumCapacity: capacity(for: count)) { _ in count }
        let storage = unsafeDowncast(buffer, to: RecordStorage.self)
        storage.withUnsafeMutablePointerToElements { values in
            // The room after the values holds the marks.
            _ = UnsafeMutableRawPointer(values + count).bindMemory(to: ValueMark.self, capacity: count)
        }
        return storage
    }

    /// The number of values, and where they are. Read through pointers: `header` is a stored property of a class,
    /// and every access to one costs a dynamic exclusivity check.
    @inlinable
    var pointers: (count: Int, values: UnsafeMutablePointer<Value>) {
        withUnsafeMutablePointers { ($0.pointee, $1) }
    }

    @inlinable
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee } }

    /// The values and the marks.
    func withPointers<R>(_ body: (UnsafeMutablePointer<Value>, UnsafeMutablePointer<ValueMark>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointers { count, values in
            let marks = UnsafeMutableRawPointer(values + count.pointee).assumingMemoryBound(to: ValueMark.self)
            return try body(values, marks)
        }
    }

    /// A copy, for a record about to change while it is shared.
    @usableFromInline
    func copy() -> RecordStorage {
        let count = self.count
        let copy = RecordStorage.make(count: count)
        withPointers { values, marks in
            copy.withPointers { newValues, newMarks in
                newValues.initialize(from: values, count: count)
                newMarks.initialize(from: marks, count: count)
            }
        }
        return copy
    }

    deinit {
        withUnsafeMutablePointers { count, values in
            _ = values.deinitialize(count: count.pointee)
        }
    }
}
