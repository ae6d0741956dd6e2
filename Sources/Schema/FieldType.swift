/// What kind of entity an id refers to.
public enum EntityKind: String, Hashable, Sendable {
    case institution, person, coordinationBody = "coordination_body", region
    /// Any subject: an institution, a person, a coordination body or the region's code.
    case anySubject = "subject"
}

/// The type of a field, as the schema declares it.
public indirect enum FieldType: Hashable, Sendable {
    case string
    case int
    case bool
    case date
    case enumeration(EnumType)
    case list(FieldType)
    case record(RecordType)
    /// A string that names an entity by its id; the loader checks that it resolves.
    case reference(EntityKind)
    /// The one allowed value of a version marker (`snapshot: v1`).
    case literal(String)

    /// How the type is written in the docs and in type errors.
    public var displayName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .bool: "bool"
        case .date: "date"
        case .enumeration(let type): type.name
        case .list(let element): "[\(element.displayName)]"
        case .record(let type): type.name
        case .reference: "id"
        case .literal(let value): "`\(value)`"
        }
    }
}

/// Whether a field must be written, may be left out (then it is null), or has a default.
public enum Presence: Hashable, Sendable {
    case required
    case optional
    case defaulted(Value)
}

/// One field of a record type, with everything the loader, the docs and the type checker need.
public struct Field: Hashable, Sendable {
    public let name: String
    public let label: String
    public let type: FieldType
    public let presence: Presence
    public let description: String
    /// Smallest allowed value, for integers.
    public let minimum: Int?

    public init(_ name: String, _ label: String, _ type: FieldType, _ presence: Presence = .required,
                _ description: String, minimum: Int? = nil) {
        self.name = name
        self.label = label
        self.type = type
        self.presence = presence
        self.description = description
        self.minimum = minimum
    }

    /// The largest magnitude of any integer in a snapshot. Counts of posts and staff are far below it, and sums of such
    /// numbers over any number of institutions, or products of two, stay far from the limits of a 64-bit integer, so
    /// statistics and rules never overflow on valid data.
    public static let integerLimit = 99_999_999

    public var isOptional: Bool {
        if case .optional = presence { return true }
        return false
    }
}

/// A record type: an ordered list of fields. A loaded record keeps one slot per field, in this order.
public struct RecordType: Hashable, Sendable {
    public let name: String
    public let label: String
    public let description: String
    public let fields: [Field]
    private let slots: [String: Int]

    public init(name: String, label: String, description: String, fields: [Field]) {
        self.name = name
        self.label = label
        self.description = description
        self.fields = fields
        var slots: [String: Int] = [:]
        for (index, field) in fields.enumerated() { slots[field.name] = index }
        self.slots = slots
    }

    /// The slot of a field by name (resolved once, at check time; never per record).
    public func slot(of name: String) -> Int? { slots[name] }

    public func field(named name: String) -> Field? { slots[name].map { fields[$0] } }

    /// The slot of a field the program itself relies on; a missing one is a bug in the schema.
    public func requiredSlot(_ name: String) -> Int {
        guard let slot = slots[name] else {
            preconditionFailure("schema \(self.name) has no field '\(name)'")
        }
        return slot
    }

    public static func == (lhs: RecordType, rhs: RecordType) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
