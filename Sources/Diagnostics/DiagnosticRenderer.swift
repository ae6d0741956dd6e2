/// Renders diagnostics as compilers do: `path:line:column: error: message [id]`,
/// then the source line and a caret under the exact column (right for Chinese
/// text, whose characters take two cells), then notes and help.
public struct DiagnosticRenderer: Sendable {
    public var sources: SourceFileSet
    public var useColor: Bool

    public init(sources: SourceFileSet, useColor: Bool = false) {
        self.sources = sources
        self.useColor = useColor
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        var output = ""
        for diagnostic in diagnostics {
            output += render(diagnostic)
        }
        return output
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        var output = header(location: diagnostic.location, severity: diagnostic.severity,
                            message: diagnostic.message, id: diagnostic.id)
        if let location = diagnostic.location {
            output += snippet(at: location, end: diagnostic.endLocation)
        }
        if let help = diagnostic.help {
            output += "      = " + paint("帮助 help", .cyan) + ": " + help + "\n"
        }
        for fixIt in diagnostic.fixIts {
            output += "      = " + paint("修改建议 fix", .cyan) + ": " + fixIt.message + "\n"
        }
        for note in diagnostic.notes {
            output += header(location: note.location, severity: .note, message: note.message, id: nil)
            if let location = note.location {
                output += snippet(at: location, end: nil)
            }
        }
        return output
    }

    /// A summary line such as `2 个错误，1 个警告 (2 errors, 1 warning)`.
    public static func summary(errors: Int, warnings: Int) -> String {
        let en = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        return "\(errors) 个错误，\(warnings) 个警告 (\(en))"
    }

    private func header(location: SourceLocation?, severity: Severity, message: String, id: DiagnosticID?) -> String {
        var line = ""
        if let location {
            line += paint("\(location.path):\(location.line):\(location.column): ", .bold)
        }
        let label: String
        switch severity {
        case .error: label = paint("error", .red)
        case .warning: label = paint("warning", .yellow)
        case .note: label = paint("note", .blue)
        }
        line += label + ": " + paint(message, .bold)
        if let id { line += " [\(id)]" }
        return line + "\n"
    }

    private func snippet(at location: SourceLocation, end: SourceLocation?) -> String {
        guard let file = sources[location.path], let excerpt = file.excerpt(ofLine: location.line, around: location.column) else { return "" }
        let gutter = String(location.line)
        let pad = String(repeating: " ", count: max(gutter.count, 4))
        // A long line is shown around the column, its cut ends marked with an ellipsis (which the marker skips over).
        let lead = excerpt.clippedStart ? "…" : ""
        let text = lead + excerpt.text + (excerpt.clippedEnd ? "…" : "")
        var output = String(repeating: " ", count: max(0, 4 - gutter.count)) + gutter + " | " + text + "\n"
        // Columns from here on are counted within the excerpt.
        let shift = excerpt.firstColumn - 1
        let location = SourceLocation(path: location.path, line: location.line, column: max(1, location.column - shift))
        let end = end.map { SourceLocation(path: $0.path, line: $0.line, column: max(1, $0.column - shift)) }
        // Build the marker line: keep tabs so the caret lines up, count wide characters twice.
        var marker = String(repeating: " ", count: lead.unicodeScalars.reduce(0) { $0 + DisplayWidth.of($1) })
        var column = 1
        var caretWidth = 1
        var scalars = Array(excerpt.text.unicodeScalars)
        if location.column > scalars.count + 1 { scalars += Array(repeating: " ", count: location.column - scalars.count - 1) }
        for scalar in scalars {
            if column >= location.column { break }
            if scalar == "\t" {
                marker += "\t"
            } else {
                marker += String(repeating: " ", count: DisplayWidth.of(scalar))
            }
            column += 1
        }
        if let end, end.line == location.line, end.column > location.column {
            let first = location.column - 1
            let last = min(end.column - 1, scalars.count)
            if first < last {
                caretWidth = max(1, scalars[first..<last].reduce(0) { $0 + DisplayWidth.of($1) })
            }
        } else if location.column - 1 < scalars.count {
            caretWidth = max(1, DisplayWidth.of(scalars[location.column - 1]))
        }
        let underline = "^" + String(repeating: "~", count: max(0, caretWidth - 1))
        output += pad + " | " + marker + paint(underline, .green) + "\n"
        return output
    }

    private enum Colour: String {
        case red = "\u{1B}[1;31m", yellow = "\u{1B}[1;33m", blue = "\u{1B}[1;34m", cyan = "\u{1B}[1;36m"
        case green = "\u{1B}[1;32m", bold = "\u{1B}[1m"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        useColor ? colour.rawValue + text + "\u{1B}[0m" : text
    }
}

/// The source files that diagnostics may point into, by path.
public struct SourceFileSet: Sendable {
    private var files: [String: SourceFile] = [:]

    public init(_ files: [SourceFile] = []) {
        for file in files { add(file) }
    }

    public mutating func add(_ file: SourceFile) {
        files[file.path] = file
    }

    public mutating func merge(_ other: SourceFileSet) {
        files.merge(other.files) { current, _ in current }
    }

    public subscript(path: String) -> SourceFile? { files[path] }
}
