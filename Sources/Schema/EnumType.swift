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
    private let lookup: [String: Int]

    public init(name: String, label: String, ordered: Bool = false, cases: [EnumCase]) {
        self.name = name
        self.label = label
        self.ordered = ordered
        self.cases = cases
        var lookup: [String: Int] = [:]
        for (index, enumCase) in cases.enumerated() {
            for spelling in [enumCase.name, enumCase.label] + enumCase.aliases {
                lookup[EnumType.normalize(spelling)] = index
            }
        }
        self.lookup = lookup
    }

    /// The case written as `text`: its English name, its Chinese label or an alias;
    /// full-width and half-width brackets and spaces do not matter.
    public func index(of text: String) -> Int? {
        lookup[EnumType.normalize(text)]
    }

    /// The same as `index(of:)`, from UTF-8 bytes. ASCII text without white space (nearly every
    /// value written: the English names) is what normalisation leaves unchanged, so it is looked up as is.
    public func index(ofUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        let plain = bytes.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        return plain ? lookup[text] : index(of: text)
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
