/// Escaping for the XML and HTML that reporters write.
enum Markup {
    /// `text` safe inside an element or a quoted attribute: `& < > " '` become entities, and characters
    /// XML 1.0 does not allow (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) are dropped.
    /// In an attribute (`attribute: true`), tab, line feed and carriage return become character references,
    /// which XML parsers would otherwise turn into spaces.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r":
                if attribute { result += "&#\(scalar.value);" } else { result.unicodeScalars.append(scalar) }
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
