import Diagnostics
import YAMLLoader

/// Maps a byte offset inside a scalar's value back to the file: errors in an
/// expression point at the exact line and column inside the YAML text, for plain,
/// quoted and block (`|`, `>`) scalars alike.
struct ExpressionLocator {
    let file: SourceFile

    func location(ofOffset offset: Int, in node: YAMLNode) -> SourceLocation {
        guard let scalar = node.scalar else { return start(of: node) }
        let value = Array(scalar.value.utf8)
        let bytes = file.bytes
        var source = file.offset(line: Int(node.start.line), column: Int(node.start.column))
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            source += 1
        case .literal, .folded:
            // Content starts on the line after the indicator, after its indentation.
            let nextLine = Int(node.start.line) + 1
            source = file.offset(line: nextLine, column: 1)
            while source < bytes.count, bytes[source] == UInt8(ascii: " ") { source += 1 }
        case .plain:
            break
        }
        var index = 0
        let target = min(offset, value.count)
        while index < target, source < bytes.count {
            let expected = value[index]
            let actual = bytes[source]
            if expected == actual {
                index += 1
                source += 1
            } else if actual == UInt8(ascii: " ") || actual == UInt8(ascii: "\n") || actual == UInt8(ascii: "\r") || actual == UInt8(ascii: "\t") {
                source += 1 // indentation or a line break that folding removed
            } else if expected == UInt8(ascii: " ") || expected == UInt8(ascii: "\n") {
                index += 1 // a space that folding added
            } else {
                source += 1 // an escape sequence
                index += 1
            }
        }
        return file.location(ofOffset: source)
    }

    func start(of node: YAMLNode) -> SourceLocation {
        SourceLocation(path: file.path, line: Int(node.start.line), column: Int(node.start.column))
    }

    func end(of node: YAMLNode) -> SourceLocation {
        SourceLocation(path: file.path, line: Int(node.end.line), column: Int(node.end.column))
    }
}
