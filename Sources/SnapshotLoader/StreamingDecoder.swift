import Foundation
import Schema
import YAMLLoader

/// The fast path of loading: decodes typed records straight from libyaml's events, as the
/// schema says, without a `YAMLNode` tree and without reading the whole file into memory.
///
/// It only handles files that are valid. At the first thing it does not expect (a syntax
/// error, an unknown or duplicate field, a wrong type, an alias, a tag, a bad date…) it gives
/// up with `Fallback`, and the loader reads the file again through `YAMLParser` and
/// `ValueDecoder`, which report every problem with its location. For a valid file both paths
/// give the same records, marks included (tested on every bundled case).
struct StreamingDecoder {
    /// The file is not one the fast path decodes; read it the slow way.
    struct Fallback: Error {}

    private let reader: YAMLEventReader
    private let fileIndex: Int32
    /// Added to every line: the bytes decoded begin on this line plus one of their file.
    private let lineOffset: Int32
    private let plans: DecodingPlans
    /// When set, a snapshot file's institutions are handed to it as they are decoded, and not kept (see `decodeSnapshot`).
    var batcher: InstitutionBatcher?
    /// When set, the bytes are a snapshot file's top-level text without the items of its list of institutions, which are
    /// read elsewhere (see `SnapshotLoader.stream(splitFile:start:)`): `institutions:` must be on line `keyLine`, at the
    /// start of the line, with nothing after it; its value is read as an empty list marked `mark`, where the list began.
    var institutionsElsewhere: (keyLine: Int32, mark: ValueMark)?
    /// Lines from `shiftFrom` on (as counted in the bytes decoded) are `shiftBy` lines further down in the file: the
    /// lines cut out before them (see `institutionsElsewhere`).
    private var shiftFrom = Int32.max
    private var shiftBy: Int32 = 0
    /// Once a document is decoded: how many line breaks libyaml counted in the bytes (where the stream ended, less one).
    private(set) var lineBreaks: Int32 = 0

    /// `prefetch`: parse on a second thread while this one decodes (for a large file).
    init?(path: String, fileIndex: Int32, plans: DecodingPlans, prefetch: Bool = false) {
        guard let reader = YAMLEventReader(path: path, prefetch: prefetch) else { return nil }
        self.reader = reader
        self.fileIndex = fileIndex
        lineOffset = 0
        self.plans = plans
    }

    /// Decodes `bytes`, whole lines of the file at `fileIndex` from line `lineOffset + 1` on, with the marks of that file.
    init?(bytes: [UInt8], fileIndex: Int32, lineOffset: Int32, plans: DecodingPlans) {
        guard let reader = YAMLEventReader(bytes: bytes) else { return nil }
        self.reader = reader
        self.fileIndex = fileIndex
        self.lineOffset = lineOffset
        self.plans = plans
    }

    /// Marks lines from `line` on (as counted in the bytes decoded) `lines` further down: `lines` lines of the file were
    /// cut out before `line`.
    mutating func shiftLines(from line: Int32, by lines: Int32) {
        shiftFrom = line
        shiftBy = lines
    }

    /// A whole snapshot file: one document holding the top-level record. With a `batcher`, its institutions are handed
    /// to it as they are decoded, once `as_of` and `region` have been (else this gives up), and its list is left empty.
    mutating func decodeSnapshot() throws(Fallback) -> Record {
        try document { decoder throws(Fallback) in try decoder.decodeRecord(decoder.plans.snapshot) }
    }

    /// A file of the folder form: one institution, or a list of them.
    mutating func decodeInstitutions() throws(Fallback) -> [Record] {
        try document { decoder throws(Fallback) in
            let plan = decoder.plans.institution
            guard decoder.reader.kind == .sequenceStart else { return [try decoder.decodeRecord(plan)] }
            var records: [Record] = []
            while true {
                try decoder.advance()
                if decoder.reader.kind == .sequenceEnd { return records }
                records.append(try decoder.decodeRecord(plan))
            }
        }
    }

    /// Exactly one document: stream start, document start, its node, document end, stream end.
    private mutating func document<T>(_ body: (inout StreamingDecoder) throws(Fallback) -> T) throws(Fallback) -> T {
        try expect(.streamStart)
        try expect(.documentStart)
        try advance()
        let value = try body(&self)
        try expect(.documentEnd)
        try expect(.streamEnd)
        lineBreaks = reader.start.line - 1
        return value
    }

    private func advance() throws(Fallback) {
        guard reader.next(), reader.kind != .alias else { throw Fallback() }
    }

    private func expect(_ kind: YAMLEventKind) throws(Fallback) {
        try advance()
        guard reader.kind == kind else { throw Fallback() }
    }

    private func mark() -> ValueMark {
        let start = reader.start
        let line = start.line + lineOffset + (start.line >= shiftFrom ? shiftBy : 0)
        return ValueMark(file: fileIndex, line: line, column: start.column)
    }

    /// A plain, untagged scalar that YAML reads as null (as `YAMLScalar.isNull`).
    private var atNull: Bool {
        reader.kind == .scalar && reader.scalarStyle == .plain && !reader.scalarHasTag && YAMLScalar.isNullSpelling(reader.scalarBytes)
    }

    // MARK: Records and lists

    /// The current node as a record of the plan's type (a mapping, or null for all defaults).
    private mutating func decodeRecord(_ plan: RecordPlan) throws(Fallback) -> Record {
        let recordMark = mark()
        if atNull { return try plan.defaults(at: recordMark) }
        guard reader.kind == .mappingStart else { throw Fallback() }
        var record = Record(count: plan.fields.count, mark: recordMark)
        var seen: UInt64 = 0
        var written: UInt64 = 0
        var guess = 0
        while true {
            try advance()
            if reader.kind == .mappingEnd { break }
            guard reader.kind == .scalar, !reader.scalarHasTag, let slot = plan.slot(of: reader.scalarBytes, guess: guess) else {
                throw Fallback()
            }
            let bit: UInt64 = 1 << UInt64(slot)
            guard seen & bit == 0 else { throw Fallback() }
            seen |= bit
            guess = slot + 1
            if let elsewhere = institutionsElsewhere, plan === plans.snapshot, slot == Slots.institutions {
                // The key where the list was cut out, with nothing after it: the list is read elsewhere.
                guard reader.start.line == elsewhere.keyLine, reader.start.column == 1, reader.scalarStyle == .plain else { throw Fallback() }
                try advance()
                guard atNull else { throw Fallback() }
                record.setMark(elsewhere.mark, at: slot)
                record[slot] = .list([])
                written |= bit
                continue
            }
            try advance()
            record.setMark(mark(), at: slot)
            if atNull {
                switch plan.fields[slot].presence {
                case .optional: written |= bit
                case .defaulted: break
                case .required: throw Fallback()
                }
                continue
            }
            written |= bit
            if let batcher, plan === plans.snapshot, slot == Slots.institutions {
                guard seen & StreamingDecoder.headerFields == StreamingDecoder.headerFields, batcher.begin(header: record) else {
                    throw Fallback()
                }
                try decodeInstitutions(into: batcher)
                record[slot] = .list([])
                continue
            }
            if let scalar = plan.scalars[slot] {
                guard reader.kind == .scalar, !reader.scalarHasTag else { throw Fallback() }
                record[slot] = try decodeScalar(scalar)
            } else {
                record[slot] = try decodeValue(plan.fields[slot].kind)
            }
        }
        if institutionsElsewhere != nil, plan === plans.snapshot, seen & (1 << UInt64(Slots.institutions)) == 0 { throw Fallback() }
        if written != plan.allFields {
            for slot in 0..<plan.fields.count where written & (1 << UInt64(slot)) == 0 {
                switch plan.fields[slot].presence {
                case .required: throw Fallback()
                case .optional: record[slot] = .null
                case .defaulted(let value): record[slot] = value
                }
                if let nested = plan.fields[slot].defaultRecord {
                    record[slot] = .record(try nested.defaults(at: recordMark))
                }
            }
        }
        return record
    }

    /// `as_of` and `region`: what a snapshot file must give before its institutions for them to be handed on as decoded.
    private static let headerFields: UInt64 = 1 << UInt64(Slots.asOf) | 1 << UInt64(Slots.region)

    /// A snapshot file's list of institutions, each handed to `batcher` with the line and column where it starts.
    /// (A null list is read as the default before this is reached: such a file is not streamed.)
    private mutating func decodeInstitutions(into batcher: InstitutionBatcher) throws(Fallback) {
        guard reader.kind == .sequenceStart else { throw Fallback() }
        while true {
            try advance()
            let start = mark()
            if reader.kind == .sequenceEnd {
                batcher.end(line: start.line, column: start.column)
                return
            }
            batcher.receive(try decodeRecord(plans.institution), line: start.line, column: start.column)
        }
    }

    private mutating func decodeValue(_ kind: ValuePlan) throws(Fallback) -> Value {
        switch kind {
        case .record(let plan):
            return .record(try decodeRecord(plan))
        case .list(let element):
            if atNull { return .list([]) }
            guard reader.kind == .sequenceStart else { throw Fallback() }
            var items: [Value] = []
            while true {
                try advance()
                if reader.kind == .sequenceEnd { return .list(items) }
                if atNull, !element.isRecord { throw Fallback() }
                items.append(try decodeValue(element.kind))
            }
        case .scalar(let scalar):
            guard reader.kind == .scalar, !reader.scalarHasTag, !atNull else { throw Fallback() }
            return try decodeScalar(scalar)
        }
    }

    private func decodeScalar(_ kind: ScalarPlan) throws(Fallback) -> Value {
        let bytes = reader.scalarBytes
        switch kind {
        case .string:
            // Escapes can make control characters only in quoted scalars: those are checked (the tree decoder says where).
            if reader.scalarStyle == .doubleQuoted, ValueDecoder.hasControlCharacter(bytes) { throw Fallback() }
            return .string(String(decoding: bytes, as: UTF8.self))
        case .int(let minimum):
            guard reader.scalarStyle == .plain, let value = StreamingDecoder.integer(bytes) else { throw Fallback() }
            if let minimum, value < minimum { throw Fallback() }
            if value.magnitude > Field.integerLimit { throw Fallback() }
            return .int(value)
        case .bool:
            guard reader.scalarStyle == .plain else { throw Fallback() }
            if bytes.elementsEqual("true".utf8) || bytes.elementsEqual("是".utf8) { return .bool(true) }
            if bytes.elementsEqual("false".utf8) || bytes.elementsEqual("否".utf8) { return .bool(false) }
            throw Fallback()
        case .date:
            guard let date = CivilDate(utf8: bytes) else { throw Fallback() }
            return .date(date)
        case .enumeration(let type):
            guard let index = plans.enumIndex(ofUTF8: bytes, in: type) else { throw Fallback() }
            return .enumCase(index)
        case .literal(let expected):
            let text = String(decoding: bytes, as: UTF8.self)
            guard text == plans.literals[expected] else { throw Fallback() }
            return .string(text)
        }
    }

    /// A decimal integer with an optional sign, as `ValueDecoder` accepts it; nil on anything else or overflow.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return value
    }
}

// MARK: - Decoding plans

/// The schema compiled for the fast path once per load: field names as bytes, how each
/// value is decoded, the default record of each type. Read-only, shared by the workers.
final class DecodingPlans: Sendable {
    let snapshot: RecordPlan
    let institution: RecordPlan
    /// The enum types and literal texts that scalar plans name by their place here (see `ScalarPlan`).
    private let enumTypes: [EnumTypeBox]
    /// The same boxes, held by `enumTypes`: read without a retain and a release (a copy of an `EnumType` out of an
    /// array cost one of each for each of its parts, for every enum value of a file).
    private let enumLookups: [Unmanaged<EnumTypeBox>]
    let literals: [String]

    private final class EnumTypeBox: Sendable {
        let type: EnumType
        init(_ type: EnumType) { self.type = type }
    }

    /// The case of enum type `place` spelt by `bytes` (see `EnumType.index(ofUTF8:)`).
    @inline(__always)
    func enumIndex(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, in place: Int) -> Int? {
        enumLookups[place]._withUnsafeGuaranteedRef { $0.type.index(ofUTF8: bytes) }
    }

    init() {
        var cache: [String: RecordPlan] = [:]
        var tables = ScalarTables()
        snapshot = RecordPlan.make(SnapshotSchema.snapshot, cache: &cache, tables: &tables)
        institution = RecordPlan.make(SnapshotSchema.institution, cache: &cache, tables: &tables)
        enumTypes = tables.enumTypes.map(EnumTypeBox.init)
        enumLookups = enumTypes.map { Unmanaged.passUnretained($0) }
        literals = tables.literals
    }
}

/// The enum types and literal texts met while the plans are made, each once.
struct ScalarTables {
    var enumTypes: [EnumType] = []
    var literals: [String] = []

    mutating func place(of type: EnumType) -> Int {
        if let place = enumTypes.firstIndex(of: type) { return place }
        enumTypes.append(type)
        return enumTypes.count - 1
    }

    mutating func place(of literal: String) -> Int {
        if let place = literals.firstIndex(of: literal) { return place }
        literals.append(literal)
        return literals.count - 1
    }
}

/// How one record type is decoded.
///
/// Every property is a constant: the decoder reads `fields` and `names` once per field of the file, and a class's
/// variable would cost an exclusivity check and a retain of the array at each read.
final class RecordPlan: Sendable {
    let type: RecordType
    let fields: [FieldPlan]
    /// Per field, how it is decoded when it holds a scalar (nil for a list or a record): a plain value, read without
    /// copying the field's plan (each copy of which cost a retain and a release of its parts).
    let scalars: [ScalarPlan?]
    private let names: [[UInt8]]
    /// One bit per field: the mask of a record in which every field was written.
    let allFields: UInt64

    private init(_ type: RecordType, fields: [FieldPlan]) {
        self.type = type
        self.fields = fields
        scalars = fields.map { field in
            if case .scalar(let scalar) = field.kind { return scalar }
            return nil
        }
        names = type.fields.map { Array($0.name.utf8) }
        allFields = type.fields.count >= 64 ? .max : (1 << UInt64(type.fields.count)) - 1
    }

    /// The plan of `type`, and of the record types it holds, made once each (the schema's types hold no cycle).
    static func make(_ type: RecordType, cache: inout [String: RecordPlan], tables: inout ScalarTables) -> RecordPlan {
        if let plan = cache[type.name] { return plan }
        precondition(type.fields.count <= 64, "record type \(type.name) has more than 64 fields")
        let fields = type.fields.map { field in
            var defaultRecord: RecordPlan?
            if case .defaulted(let value) = field.presence, value.isNull, case .record(let nested) = field.type {
                defaultRecord = make(nested, cache: &cache, tables: &tables)
            }
            let minimum = field.minimum
            return FieldPlan(presence: field.presence, kind: ValuePlan.make(field.type, minimum: minimum, cache: &cache, tables: &tables),
                             defaultRecord: defaultRecord)
        }
        let plan = RecordPlan(type, fields: fields)
        cache[type.name] = plan
        return plan
    }

    /// The slot of the field named by `bytes`; tries `guess` first (fields are usually written in schema order).
    func slot(of bytes: UnsafeBufferPointer<UInt8>, guess: Int) -> Int? {
        if guess < names.count, RecordPlan.same(names[guess], bytes) { return guess }
        for (slot, name) in names.enumerated() where RecordPlan.same(name, bytes) {
            return slot
        }
        return nil
    }

    @inline(__always)
    private static func same(_ name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == bytes.count else { return false }
        guard let other = bytes.baseAddress else { return true }
        return name.withUnsafeBufferPointer { name in
            guard let base = name.baseAddress else { return true }
            return memcmp(base, other, bytes.count) == 0
        }
    }

    /// The record an empty value (or a left-out defaulted field) stands for, as `ValueDecoder` makes it.
    func defaults(at mark: ValueMark) throws(StreamingDecoder.Fallback) -> Record {
        var record = Record(count: fields.count, mark: mark)
        for (slot, field) in fields.enumerated() {
            switch field.presence {
            case .required: throw StreamingDecoder.Fallback()
            case .optional: record[slot] = .null
            case .defaulted(let value): record[slot] = value
            }
            if let nested = field.defaultRecord { record[slot] = .record(try nested.defaults(at: mark)) }
        }
        return record
    }
}

struct FieldPlan: Sendable {
    let presence: Presence
    let kind: ValuePlan
    /// For a defaulted record field whose default is null: the record type whose defaults fill it.
    let defaultRecord: RecordPlan?
}

indirect enum ValuePlan: Sendable {
    case scalar(ScalarPlan)
    case list(ListElement)
    case record(RecordPlan)

    struct ListElement: Sendable {
        let kind: ValuePlan
        var isRecord: Bool {
            if case .record = kind { return true }
            return false
        }
    }

    static func make(_ type: FieldType, minimum: Int?, cache: inout [String: RecordPlan], tables: inout ScalarTables) -> ValuePlan {
        switch type {
        case .string, .reference: .scalar(.string)
        case .int: .scalar(.int(minimum: minimum))
        case .bool: .scalar(.bool)
        case .date: .scalar(.date)
        case .enumeration(let enumType): .scalar(.enumeration(tables.place(of: enumType)))
        case .literal(let text): .scalar(.literal(tables.place(of: text)))
        case .list(let element): .list(ListElement(kind: make(element, minimum: nil, cache: &cache, tables: &tables)))
        case .record(let recordType): .record(RecordPlan.make(recordType, cache: &cache, tables: &tables))
        }
    }
}

/// How a scalar is decoded. Plain values only (an enum type and a literal text are named by their place in
/// `DecodingPlans`), so that copying one costs no reference counting: one is read for every scalar of a file.
enum ScalarPlan: Sendable {
    case string
    case int(minimum: Int?)
    case bool
    case date
    case enumeration(Int)
    case literal(Int)
}
