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
/// fields: each `mark(at:)` is the record's own mark, where it starts. It is also sparse: only its values that are not
/// null are stored, with a bit per field saying which (`init(sparseValues:mark:)`); the projection of an institution
/// keeps a few of its seventeen fields, and is held for every institution until the audit ends.
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

    /// A record of `values` without marks of its fields, storing only the values that are not null (reading any other
    /// field gives null, as it would have). Records of more than 64 fields are stored as `init(unmarkedValues:mark:)` does.
    public init(sparseValues values: [Value], mark: ValueMark) {
        guard values.count <= RecordStorage.maximumSparseFields else {
            self.init(unmarkedValues: values, mark: mark)
            return
        }
        var present: UInt64 = 0
        for index in values.indices where !values[index].isNull { present |= 1 << UInt64(index) }
        let storage = RecordStorage.makeSparse(fields: values.count, present: present)
        let stored = storage.sparseValues.values
        var position = 0
        for value in values where !value.isNull {
            (stored + position).initialize(to: value)
            position += 1
        }
        self.init(storage: storage, mark: mark)
    }

    private init(storage: RecordStorage, mark: ValueMark) {
        self.storage = storage
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

    /// Whether the fields have marks (false for a record made of `unmarkedValues` or `sparseValues`).
    public var hasFieldMarks: Bool { storage.isMarked }

    /// Whether only the values that are not null are stored (`init(sparseValues:mark:)`).
    public var isSparse: Bool { storage.isSparse }

    /// Whether `other` is this record, not a copy of it: the same storage.
    public func isIdentical(to other: Record) -> Bool {
        storage === other.storage && mark == other.mark
    }

    /// The value of field `slot`, read in place (borrowed, not copied) and changed in place.
    /// (The elements of a `ManagedBuffer` stay where they are while it lives, and the record holds it.)
    @inlinable
    public subscript(slot: Int) -> Value {
        _read {
            // Sparse storage has no values in place (its count here is 0): it is read by its bits, and checks the slot.
            // One yield, of a value in place: with a yield in each branch the accessor was no longer inlined, and every
            // field read of the audit cost a call (six tenths more instructions in evaluation).
            let (count, values) = storage.pointers
            var place = values + slot
            if _slowPath(UInt(bitPattern: slot) >= UInt(bitPattern: count)) { place = RecordStorage.sparsePlace(of: slot, in: storage) }
            yield place.pointee
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

    /// Storage this record alone holds, with every value in place (a sparse record is made whole first).
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.isSparse { storage = storage.copy() }
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
///
/// Sparse storage (`makeSparse`) holds one element's room with a bit per field (set for each value stored), then only
/// the values that are not null, in field order, then a null. Its header has `unmarkedFlag` and `sparseFlag` set, the number
/// of fields from bit 40, and 0 in the low 32 bits: `pointers` gives a count of 0, so that the one comparison that
/// checks a slot in place also sends every read of sparse storage to `sparsePlace(of:in:)`.
@usableFromInline
final class RecordStorage: ManagedBuffer<Int, Value> {
    /// Set in the header of storage without marks (above any number of fields).
    static let unmarkedFlag = 1 << 32
    /// Set in the header of sparse storage.
    static let sparseFlag = 1 << 33
    /// Where the number of fields of sparse storage is, in its header.
    static let sparseFieldShift = 40
    /// The most fields sparse storage can have: one bit each.
    static let maximumSparseFields = 64

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

    /// The number of fields.
    @inlinable
    var count: Int {
        withUnsafeMutablePointerToHeader { header in
            // `sparseFlag` and `sparseFieldShift`, written out: this is inlined into other modules.
            let value = header.pointee
            return value & 1 << 33 == 0 ? value & 0xFFFF_FFFF : value >> 40 & 0xFF
        }
    }

    /// Whether the values have marks.
    var isMarked: Bool { withUnsafeMutablePointerToHeader { $0.pointee & RecordStorage.unmarkedFlag == 0 } }

    /// Whether only the values that are not null are stored.
    @usableFromInline
    var isSparse: Bool { withUnsafeMutablePointerToHeader { $0.pointee & RecordStorage.sparseFlag != 0 } }

    /// Sparse storage for `fields` fields, of which those with a bit set in `present` are stored; the caller initializes
    /// `present.nonzeroBitCount` values, in field order, from `sparseValues`. The bits take the first element's room, and
    /// a null after the values is what the fields not stored read as (`sparsePlace(of:in:)`).
    static func makeSparse(fields: Int, present: UInt64) -> RecordStorage {
        precondition(fields >= 0 && fields <= maximumSparseFields, "field count out of range")
        precondition(fields == 64 || present >> UInt64(fields) == 0, "a value beyond the fields")
        let stored = present.nonzeroBitCount
        let header = unmarkedFlag | sparseFlag | fields << sparseFieldShift
        let buffer = RecordStorage.create(minimumCapacity: stored + 2) { _ in header }
        let storage = unsafeDowncast(buffer, to: RecordStorage.self)
        storage.withUnsafeMutablePointerToElements { elements in
            UnsafeMutableRawPointer(elements).bindMemory(to: UInt64.self, capacity: 1).initialize(to: present)
            (elements + 1 + stored).initialize(to: .null)
        }
        return storage
    }

    /// The bits of the fields stored (sparse storage only), in the first element's room.
    @inline(__always)
    private static func sparseBits(_ elements: UnsafeMutablePointer<Value>) -> UInt64 {
        UnsafeRawPointer(elements).load(as: UInt64.self)
    }

    /// Where field `slot` of sparse storage is: its stored value, or the null kept after them. Out of range, a slot stops
    /// the program, as reading dense storage does.
    ///
    /// Never inlined, and called only when the slot is not in place: every field read of the audit is compiled with this
    /// call in it, and inlined it made evaluation a third slower; as a call, about 4% (callgrind, 1,000 institutions).
    @usableFromInline @inline(never)
    static func sparsePlace(of slot: Int, in storage: RecordStorage) -> UnsafeMutablePointer<Value> {
        storage.withUnsafeMutablePointers { header, elements in
            let value = header.pointee
            precondition(value & sparseFlag != 0 && slot >= 0 && slot < value >> sparseFieldShift & 0xFF, "field slot out of range")
            let present = sparseBits(elements)
            let bit = UInt64(1) << UInt64(slot)
            let index = present & bit != 0 ? (present & (bit &- 1)).nonzeroBitCount : present.nonzeroBitCount
            return elements + 1 + index
        }
    }

    /// Where the stored values of sparse storage are, and how many.
    var sparseValues: (values: UnsafeMutablePointer<Value>, count: Int) {
        withUnsafeMutablePointerToElements { elements in
            (elements + 1, RecordStorage.sparseBits(elements).nonzeroBitCount)
        }
    }

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
        if isSparse {
            // Made whole: every field in place, unmarked unless marks are asked for.
            let copy = RecordStorage.make(count: count, marked: marked)
            copy.withPointers { newValues, newMarks in
                for slot in 0..<count { (newValues + slot).initialize(to: RecordStorage.sparsePlace(of: slot, in: self).pointee) }
                newMarks?.initialize(repeating: mark, count: count)
            }
            return copy
        }
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
        if isSparse {
            // The stored values and the null after them.
            let (values, count) = sparseValues
            values.deinitialize(count: count + 1)
        } else {
            withUnsafeMutablePointers { header, values in
                _ = values.deinitialize(count: header.pointee & 0xFFFF_FFFF)
            }
        }
    }
}
