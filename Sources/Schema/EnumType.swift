/// One value of an enumeration: its English name, its Chinese label, other accepted spellings.
public struct EnumCase: Hashable, Sendable {
    public let name: String
    public let label: String
    public let aliases: [String]

    public init(_ name: String, _ label: String, aliases: [String] = []) {
        self.name = name
        self.label = label
        self.aliases = aliases
    }
}

/// An enumeration of the schema. Ordered ones (rank, level) list their cases highest first.
public struct EnumType: Hashable, Sendable {
    public let name: String
    public let label: String
    public let ordered: Bool
    public let cases: [EnumCase]
    /// How cases are found from text; made from `cases`, so not part of equality. A reference, so that copying the
    /// type (the snapshot decoder's plan holds it) counts one reference.
    private let table: Spellings

    public init(name: String, label: String, ordered: Bool = false, cases: [EnumCase]) {
        self.name = name
        self.label = label
        self.ordered = ordered
        self.cases = cases
        table = Spellings(cases)
    }

    public static func == (left: EnumType, right: EnumType) -> Bool {
        (left.name, left.label, left.ordered, left.cases) == (right.name, right.label, right.ordered, right.cases)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(label)
        hasher.combine(ordered)
        hasher.combine(cases)
    }

    /// The case written as `text`: its English name, its Chinese label or an alias;
    /// full-width and half-width brackets and spaces do not matter.
    public func index(of text: String) -> Int? {
        table.lookup[EnumType.normalize(text)]
    }

    /// The same as `index(of:)`, from UTF-8 bytes. ASCII text without white space (nearly every
    /// value written: the English names) is what normalisation leaves unchanged, so it equals a key of the
    /// lookup exactly or none: its bytes are compared with the ASCII keys, without making a `String` and
    /// hashing it (which cost about 850 instructions a value, 2% of a large audit).
    public func index(ofUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let plain = bytes.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard plain else { return index(of: String(decoding: bytes, as: UTF8.self)) }
        return table.asciiIndex(of: bytes)
    }

    /// Every normalised spelling of every case, and the ASCII ones as bytes. (Sendable: nothing is written after `init`.)
    private final class Spellings: @unchecked Sendable {
        let lookup: [String: Int]
        /// The keys of `lookup` that are ASCII, one after another (key `k` ends at `asciiEnds[k]`), with their cases.
        /// Fixed memory, so that comparing copies and counts nothing.
        private let asciiBytes: UnsafeMutableBufferPointer<UInt8>
        private let asciiEnds: UnsafeMutableBufferPointer<Int>
        private let asciiCases: UnsafeMutableBufferPointer<Int>

        init(_ cases: [EnumCase]) {
            var lookup: [String: Int] = [:]
            for (index, enumCase) in cases.enumerated() {
                for spelling in [enumCase.name, enumCase.label] + enumCase.aliases {
                    lookup[EnumType.normalize(spelling)] = index
                }
            }
            self.lookup = lookup
            let ascii = lookup.filter { key, _ in key.utf8.allSatisfy { $0 < 0x80 } }.sorted { $0.key < $1.key }
            let bytes = ascii.flatMap { Array($0.key.utf8) }
            asciiBytes = .allocate(capacity: bytes.count)
            _ = asciiBytes.initialize(from: bytes)
            asciiEnds = .allocate(capacity: ascii.count)
            _ = asciiEnds.initialize(from: ascii.reduce(into: [Int]()) { ends, key in ends.append((ends.last ?? 0) + key.key.utf8.count) })
            asciiCases = .allocate(capacity: ascii.count)
            _ = asciiCases.initialize(from: ascii.map(\.value))
        }

        deinit {
            asciiBytes.deallocate()
            asciiEnds.deallocate()
            asciiCases.deallocate()
        }

        /// The case of the ASCII key equal to `bytes`, if any.
        func asciiIndex(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            var start = 0
            for key in asciiEnds.indices {
                let end = asciiEnds[key]
                if end - start == bytes.count, equal(from: start, bytes) { return asciiCases[key] }
                start = end
            }
            return nil
        }

        private func equal(from start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            for offset in bytes.indices where asciiBytes[start + offset] != bytes[offset] { return false }
            return true
        }
    }

    /// Every accepted spelling's closest match, for "did you mean".
    public var spellings: [String] {
        cases.flatMap { [$0.name, $0.label] }
    }

    /// The same text with full-width brackets made half-width and white space removed.
    public static func normalize(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "（": result.unicodeScalars.append("(")
            case "）": result.unicodeScalars.append(")")
            case " ", "\u{3000}", "\t": continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
