/// Text comparison that ignores the usual differences in how 文号 and names are typed.
public enum TextNormalization {
    /// Equal after mapping full-width and half-width brackets to one form and removing white space.
    public static func sameText(_ a: String, _ b: String) -> Bool {
        // Most names have neither brackets nor spaces: they are compared as they are, without new strings.
        let quick = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in comparison(x, y) }
        }
        switch quick ?? nil {
        case .same?: return true
        case .different?: return false
        case .asWritten?: return a == b
        case .normalized?, nil: return normalize(a) == normalize(b)
        }
    }

    public static func normalize(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "〔", "［", "【", "[": result.append("[")
            case "〕", "］", "】", "]": result.append("]")
            case "（", "(": result.append("(")
            case "）", ")": result.append(")")
            case " ", "\u{3000}", "\t", "\n": continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// What `sameText` has to do for two texts, decided from their UTF-8 bytes.
    private enum Comparison {
        case same, different
        /// Compare the texts themselves (`normalize` would not change them).
        case asWritten
        case normalized
    }

    private static func comparison(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Comparison {
        if a.elementsEqual(b) { return .same }
        // Two texts that begin with different letters, digits or CJK ideographs differ: `normalize` keeps those
        // characters, and a text's canonical decomposition begins with its first such character. Unit names
        // compared pairwise mostly part here, before either text is scanned.
        if let x = Shape.leadingStarter(a), let y = Shape.leadingStarter(b), x != y { return .different }
        let (x, y) = (Shape(a), Shape(b))
        guard x.isNormal, y.isNormal else { return .normalized }
        // Texts of such characters are equal as Swift compares strings (canonical equivalence)
        // only when their bytes are.
        return x.isPlain && y.isPlain ? .different : .asWritten
    }

    /// What a scan of a text's UTF-8 bytes finds.
    private struct Shape {
        /// No bracket or space that `normalize` maps or removes.
        private(set) var isNormal = true
        /// Only characters that have no canonical decomposition and do not combine: ASCII,
        /// CJK ideographs, CJK punctuation (without its combining tone marks) and full-width forms.
        private(set) var isPlain = true

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if lead < 0x80 {
                    if Shape.asciiSpecials.contains(lead) { isNormal = false }
                    index += 1
                } else if lead & 0xF0 == 0xE0, index + 2 < bytes.count {
                    let scalar = Shape.threeByteScalar(bytes, at: index)
                    index += 3
                    if (0x4E00...0x9FFF).contains(scalar) { continue }
                    if Shape.specials.contains(scalar) { isNormal = false }
                    if !Shape.plainRanges.contains(where: { $0.contains(scalar) }) { isPlain = false }
                } else {
                    isPlain = false
                    index += lead & 0xE0 == 0xC0 ? 2 : lead & 0xF8 == 0xF0 ? 4 : 1
                }
            }
        }

        /// The first character of `bytes` when it is an ASCII letter or digit or a CJK Unified Ideograph
        /// (U+4E00–U+9FFF): characters that `normalize` keeps and that have no canonical decomposition.
        static func leadingStarter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
            guard let lead = bytes.first else { return nil }
            if lead < 0x80 {
                let isAlphanumeric = (0x30...0x39).contains(lead) || (0x41...0x5A).contains(lead) || (0x61...0x7A).contains(lead)
                return isAlphanumeric ? UInt32(lead) : nil
            }
            guard lead & 0xF0 == 0xE0, bytes.count >= 3 else { return nil }
            let scalar = threeByteScalar(bytes, at: 0)
            return (0x4E00...0x9FFF).contains(scalar) ? scalar : nil
        }

        /// The scalar of the three-byte UTF-8 sequence at `index` (its lead byte is 1110xxxx).
        private static func threeByteScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
            UInt32(bytes[index] & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        }

        private static let asciiSpecials: [UInt8] = Array("()[] \t\n".utf8)
        /// 　【】〔〕（）［］
        private static let specials: [UInt32] = [0x3000, 0x3010, 0x3011, 0x3014, 0x3015, 0xFF08, 0xFF09, 0xFF3B, 0xFF3D]
        /// Besides the CJK Unified Ideographs (U+4E00–U+9FFF), checked first.
        private static let plainRanges: [ClosedRange<UInt32>] = [0x3000...0x3029, 0x3030...0x303F, 0x3400...0x4DBF, 0xFF01...0xFF5E]
    }
}
