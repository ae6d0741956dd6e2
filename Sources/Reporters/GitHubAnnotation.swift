/// One GitHub Actions workflow command: `::error file=…,line=…,col=…,title=…::message`.
public struct GitHubAnnotation: Sendable, Hashable {
    public enum Level: String, Sendable {
        case error, warning, notice
    }

    public var level: Level
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var endLine: Int?
    public var endColumn: Int?
    public var title: String?
    public var message: String

    public init(level: Level, file: String? = nil, line: Int? = nil, column: Int? = nil,
                endLine: Int? = nil, endColumn: Int? = nil, title: String? = nil, message: String) {
        self.level = level
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.title = title
        self.message = message
    }

    /// The command, one line, ending in a newline.
    public var rendered: String {
        var properties: [String] = []
        if let file { properties.append("file=" + GitHubAnnotation.escape(file, property: true)) }
        if let line { properties.append("line=\(line)") }
        if let column { properties.append("col=\(column)") }
        if let endLine { properties.append("endLine=\(endLine)") }
        if let endColumn { properties.append("endColumn=\(endColumn)") }
        if let title { properties.append("title=" + GitHubAnnotation.escape(title, property: true)) }
        let head = properties.isEmpty ? "::\(level.rawValue)" : "::\(level.rawValue) " + properties.joined(separator: ",")
        return head + "::" + GitHubAnnotation.escape(message, property: false) + "\n"
    }

    /// Escapes as the runner expects: `%`, CR and LF everywhere, and `:` and `,` in properties.
    public static func escape(_ text: String, property: Bool) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            case ":" where property: result += "%3A"
            case "," where property: result += "%2C"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
