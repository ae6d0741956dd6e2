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
/// A record kept only for what some rules read of it (a projection, see `RecordProjection`) has no marks of its
/// fields, and storage a third smaller: each `mark(at:)` is the record's own mark, where it starts.
/// (Sendable because shared storage is never written: a record changes only storage it alone holds.)
public struct Record: Hashable, @unchecked Sendable {
    @usableFromInline var storage: RecordStorage
    /// Where the record itself starts.
    public var mark: ValueMark

    /// A record of `values`; `marks` holds one mark per value (missing ones are `.none`).
    public init(values: [Value], marks: [ValueMark], mark: ValueMark) {
        storage = RecordStorage.make(count: values.count, marked: true)
        storage.withPointers { valuePointer, markPointer in
            for index in values.indices {
                (valuePointer + index).initialize(to: values[index])
                markPointer?.advanced(by: index).initialize(to: index < marks.count ? marks[index] : .none)
            }
        }
        self.mark = mark
    }

    /// A record of `values` without marks of its fields (each `mark(at:)` is `mark`), in storage the size of the values.
    public init(unmarkedValues values: [Value], mark: ValueMark) {
        storage = RecordStorage.make(count: values.count, marked: false)
        storage.withPointers { valuePointer, _ in
            for index in values.indices { (valuePointer + index).initialize(to: values[index]) }
        }
        self.mark = mark
    }

    /// A record of `count` fields, all null and unmarked.
    public init(count: Int, mark: ValueMark) {
        storage = RecordStorage.make(count: count, marked: true)
        storage.withPointers { values, marks in
            values.initialize(repeating: .null, count: count)
            marks?.initialize(repeating: .none, count: count)
        }
        self.mark = mark
    }

    /// The number of fields.
    @inlinable public var count: Int { storage.count }

    /// Whether the fields have marks (false for a record made of `unmarkedValues`).
    public var hasFieldMarks: Bool { storage.isMarked }

    /// Whether `other` is this record, not a copy of it: the same storage.
    public func isIdentical(to other: Record) -> Bool {
        storage === other.storage && mark == other.mark
    }

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

    /// Where the value of field `slot` was written (`.none` when it was not); where the record starts when it has no
    /// marks of its fields.
    public func mark(at slot: Int) -> ValueMark {
        precondition(slot >= 0 && slot < count, "field slot out of range")
        return storage.withPointers { $1?[slot] ?? mark }
    }

    public mutating func setMark(_ mark: ValueMark, at slot: Int) {
        precondition(slot >= 0 && slot < count, "field slot out of range")
        if !storage.isMarked {
            storage = storage.copy(markedAt: self.mark)
        } else {
            makeUnique()
        }
        storage.withPointers { $1?[slot] = mark }
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

/// The storage of a `Record`: a header, then the values, then (unless the record has none) their marks, in one
/// allocation. The header holds the number of values, with `unmarkedFlag` set when there are no marks.
@usableFromInline
final class RecordStorage: ManagedBuffer<Int, Value> {
    /// Set in the header of storage without marks (above any number of fields).
    static let unmarkedFlag = 1 << 32

    /// How many `Value`s of room `count` values (and `count` marks when `marked`) take.
    private static func capacity(for count: Int, marked: Bool) -> Int {
        guard marked else { return count }
        let markBytes = count * MemoryLayout<ValueMark>.stride
        return count + (markBytes + MemoryLayout<Value>.stride - 1) / MemoryLayout<Value>.stride
    }

    /// Storage for `count` fields; the caller initializes every value, and every mark when `marked` (see `withPointers`).
    static func make(count: Int, marked: Bool) -> RecordStorage {
        precondition(count >= 0 && count < unmarkedFlag, "field count out of range")
        let header = marked ? count : count | unmarkedFlag
        let buffer = RecordStorage.create(minimumCapacity: capacity(for: count, marked: marked)) { _ in header }
        let storage = unsafeDowncast(buffer, to: RecordStorage.self)
        if marked {
            storage.withUnsafeMutablePointerToElements { values in
                // The room after the values holds the marks.
                _ = UnsafeMutableRawPointer(values + count).bindMemory(to: ValueMark.self, capacity: count)
            }
        }
        return storage
    }

    /// The number of values, and where they are. Read through pointers: `header` is a stored property of a class,
    /// and every access to one costs a dynamic exclusivity check. (The low 32 bits of the header are the count.)
    @inlinable
    var pointers: (count: Int, values: UnsafeMutablePointer<Value>) {
        withUnsafeMutablePointers { ($0.pointee & 0xFFFF_FFFF, $1) }
    }

    @inlinable
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee & 0xFFFF_FFFF } }

    /// Whether the values have marks.
    var isMarked: Bool { withUnsafeMutablePointerToHeader { $0.pointee & RecordStorage.unmarkedFlag == 0 } }

    /// The values and the marks (nil when there are none).
    func withPointers<R>(_ body: (UnsafeMutablePointer<Value>, UnsafeMutablePointer<ValueMark>?) throws -> R) rethrows -> R {
        try withUnsafeMutablePointers { header, values in
            guard header.pointee & RecordStorage.unmarkedFlag == 0 else { return try body(values, nil) }
            let marks = UnsafeMutableRawPointer(values + header.pointee).assumingMemoryBound(to: ValueMark.self)
            return try body(values, marks)
        }
    }

    /// A copy, for a record about to change while it is shared: with marks if this storage has them.
    @usableFromInline
    func copy() -> RecordStorage {
        copy(marked: isMarked, filling: .none)
    }

    /// A copy with marks: this storage's, or `mark` for each value when it has none.
    func copy(markedAt mark: ValueMark) -> RecordStorage {
        copy(marked: true, filling: mark)
    }

    private func copy(marked: Bool, filling mark: ValueMark) -> RecordStorage {
        let count = self.count
        let copy = RecordStorage.make(count: count, marked: marked)
        withPointers { values, marks in
            copy.withPointers { newValues, newMarks in
                newValues.initialize(from: values, count: count)
                guard let newMarks else { return }
                if let marks {
                    newMarks.initialize(from: marks, count: count)
                } else {
                    newMarks.initialize(repeating: mark, count: count)
                }
            }
        }
        return copy
    }

    deinit {
        withUnsafeMutablePointers { header, values in
            _ = values.deinitialize(count: header.pointee & 0xFFFF_FFFF)
        }
    }
}
