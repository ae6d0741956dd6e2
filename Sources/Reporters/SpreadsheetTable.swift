/// One cell of a spreadsheet: text or a whole number.
public enum SpreadsheetCell: Sendable, Hashable {
    case text(String)
    case number(Int)
    case empty

    /// The cell as written: text beginning with `=`, `+`, `-` or `@` (or a tab or carriage return,
    /// which some programs skip before reading a formula) gets a leading `'`, so that no spreadsheet
    /// program reads a value from the snapshot as a formula (CSV injection).
    public var neutralized: String {
        switch self {
        case .empty: return ""
        case .number(let value): return String(value)
        case .text(let text):
            guard let first = text.unicodeScalars.first else { return "" }
            switch first {
            case "=", "+", "-", "@", "\t", "\r": return "'" + text
            default: return text
            }
        }
    }
}

/// A sheet: a title, a header row and rows of cells. CSV and xlsx are written from it.
public struct SpreadsheetTable: Sendable, Hashable {
    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    public var name: String
    public var header: [String]
    public var rows: [[SpreadsheetCell]]
    /// Column widths in characters, for xlsx.
    public var widths: [Int]

    public init(name: String, header: [String], rows: [[SpreadsheetCell]], widths: [Int] = []) {
        self.name = name
        self.header = header
        self.rows = rows
        self.widths = widths
    }

    /// RFC 4180 CSV with a UTF-8 byte order mark (so that Excel and WPS read the Chinese correctly)
    /// and CRLF line ends; every cell neutralised.
    public func csv() -> String {
        var output = "\u{FEFF}"
        output += SpreadsheetTable.csvLine(header.map(SpreadsheetCell.text))
        for row in rows { output += SpreadsheetTable.csvLine(row) }
        return output
    }

    static func csvLine(_ cells: [SpreadsheetCell]) -> String {
        cells.map { cell in
            let text = cell.neutralized
            let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }.joined(separator: ",") + "\r\n"
    }
}
