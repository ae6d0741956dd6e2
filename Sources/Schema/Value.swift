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
public struct Record: Hashable, Sendable {
    public var values: [Value]
    /// One mark per field (`.none` for a field that was not written), in field order.
    public var marks: [ValueMark]
    /// Where the record itself starts.
    public var mark: ValueMark

    public init(values: [Value], marks: [ValueMark], mark: ValueMark) {
        self.values = values
        self.marks = marks
        self.mark = mark
    }

    public subscript(slot: Int) -> Value {
        get { values[slot] }
        set { values[slot] = newValue }
    }
}
