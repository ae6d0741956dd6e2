internal import CYAML
import Diagnostics

/// Reads one YAML (or JSON) document into a `YAMLNode` tree with the help of libyaml.
///
/// libyaml's event stream is turned into a tree with an explicit stack (no recursion,
/// so a deeply nested file cannot overflow the stack); anchors and aliases are
/// resolved within a fixed budget; duplicate keys are reported, all of them.
public enum YAMLParser {
    /// The result of reading a file: the tree (when the text could be parsed) and
    /// every problem found. When `errors` is not empty, `root` may be partial.
    public struct Result: Sendable {
        public var root: YAMLNode?
        public var errors: [YAMLLoadError]
    }

    public static func parse(_ file: SourceFile, limits: YAMLLimits = .default) -> Result {
        guard file.bytes.count <= limits.maxFileSize else {
            return Result(root: nil, errors: [YAMLLoadError(.fileTooLarge(size: file.bytes.count, limit: limits.maxFileSize),
                                                            path: file.path, mark: YAMLMark(line: 1, column: 1))])
        }
        var builder = TreeBuilder(file: file, limits: limits)
        file.bytes.withUnsafeBufferPointer { buffer in
            builder.run(buffer)
        }
        return Result(root: builder.root, errors: builder.errors)
    }
}

/// Builds the tree from libyaml events.
private struct TreeBuilder {
    /// A sequence or mapping being built. The top frame is mutated in place (never popped
    /// and pushed back), so appending to a long list does not copy it.
    private struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        /// The keys so far, with where each is, once the mapping has `keysHashedFrom` of them; before that the pairs
        /// are searched (most mappings have a few keys: a dictionary each cost more than the rest of the node).
        var keys: [String: YAMLMark]?
        var start: YAMLMark
        var anchor: String?
        var size = 1

        static let keysHashedFrom = 16

        /// Where the key `value` first is in this mapping, if it is there already.
        func firstMark(ofKey value: String) -> YAMLMark? {
            if let keys { return keys[value] }
            for pair in pairs {
                if let key = pair.key.scalar, key.value == value { return pair.key.start }
            }
            return nil
        }

        /// Notes a new key (one `firstMark(ofKey:)` did not find), before its value comes.
        mutating func noteKey(_ value: String, at mark: YAMLMark) {
            if keys != nil {
                keys?[value] = mark
            } else if pairs.count + 1 >= Frame.keysHashedFrom {
                var all: [String: YAMLMark] = [:]
                for pair in pairs {
                    if let key = pair.key.scalar, all[key.value] == nil { all[key.value] = pair.key.start }
                }
                all[value] = mark
                keys = all
            }
        }
    }

    let file: SourceFile
    let limits: YAMLLimits
    private(set) var root: YAMLNode?
    private(set) var errors: [YAMLLoadError] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expanded = 0
    private var documents = 0

    init(file: SourceFile, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            errors.append(error(.syntax(problem: "could not initialise libyaml", context: nil, contextMark: nil), YAMLMark(line: 1, column: 1)))
            return
        }
        defer { yaml_parser_delete(&parser) }
        if let base = buffer.baseAddress {
            yaml_parser_set_input_string(&parser, base, buffer.count)
        } else {
            var empty: UInt8 = 0
            yaml_parser_set_input_string(&parser, &empty, 0)
        }

        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                errors.append(parserError(parser))
                return
            }
            let keepGoing = handle(&event)
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if !keepGoing || done { break }
        }
        if documents == 0 && errors.isEmpty {
            errors.append(error(.emptyFile, YAMLMark(line: 1, column: 1)))
        }
    }

    /// Handles one event; false stops the parse.
    private mutating func handle(_ event: inout yaml_event_t) -> Bool {
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                errors.append(error(.multipleDocuments, start))
                return false
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)), as: UTF8.self)
            let style = YAMLScalar.Style(data.style)
            let tag = data.tag.map { String(cString: $0) }
            let node = YAMLNode(kind: .scalar(YAMLScalar(value: value, style: style, tag: tag)), start: start, end: end)
            if let anchor = data.anchor { anchors[String(cString: anchor)] = (node, 1) }
            append(node, size: 1)
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard let target = anchors[name] else {
                errors.append(error(.undefinedAlias(name), start))
                return false
            }
            expanded += target.size
            if expanded > limits.maxAliasExpansion {
                errors.append(error(.aliasExpansionLimit(limits.maxAliasExpansion), start))
                return false
            }
            append(target.node, size: target.size)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard stack.count < limits.maxDepth else {
                errors.append(error(.nestingTooDeep(limits.maxDepth), start))
                return false
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            stack.append(Frame(isMapping: isMapping, start: start, anchor: anchor.map { String(cString: $0) }))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return true }
            let node = YAMLNode(kind: frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), start: frame.start, end: end)
            if let anchor = frame.anchor { anchors[anchor] = (node, frame.size) }
            append(node, size: frame.size)
        default:
            break
        }
        return true
    }

    /// Adds a finished node to the collection being built (in place), or makes it the root.
    private mutating func append(_ node: YAMLNode, size: Int) {
        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return
        }
        stack[top].size += size
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].pairs.append(YAMLPair(key: key, value: node))
            stack[top].pendingKey = nil
            return
        }
        if let scalar = node.scalar {
            if let first = stack[top].firstMark(ofKey: scalar.value) {
                errors.append(error(.duplicateKey(scalar.value, firstAt: first), node.start))
            } else {
                stack[top].noteKey(scalar.value, at: node.start)
            }
        } else {
            errors.append(error(.nonScalarKey, node.start))
        }
        stack[top].pendingKey = node
    }

    private func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(mark)
    }

    private func error(_ kind: YAMLLoadError.Kind, _ mark: YAMLMark) -> YAMLLoadError {
        YAMLLoadError(kind, path: file.path, mark: mark)
    }

    /// Turns libyaml's error state into a located error, with a hint for the usual causes.
    private func parserError(_ parser: yaml_parser_t) -> YAMLLoadError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            let location = file.location(ofOffset: Int(parser.problem_offset))
            let at = YAMLMark(line: Int32(clamping: location.line), column: Int32(clamping: location.column))
            if problem.contains("UTF-8") || problem.contains("utf-8") {
                let offset = Int(parser.problem_offset)
                let byte = offset < file.bytes.count ? file.bytes[offset] : nil
                return error(.invalidUTF8(byte: byte), at)
            }
            return error(.forbiddenCharacter(problem: problem), at)
        }
        let at = mark(parser.problem_mark)
        let offset = file.offset(line: Int(at.line), column: Int(at.column))
        if offset < file.bytes.count, file.bytes[offset] == UInt8(ascii: "\t") {
            return error(.tabIndentation, at)
        }
        if problem.contains("tab"), problem.contains("indentation") {
            return error(.tabIndentation, at)
        }
        let context = parser.context.map { String(cString: $0) }
        return error(.syntax(problem: problem, context: context, contextMark: context == nil ? nil : mark(parser.context_mark)), at)
    }
}

extension YAMLMark {
    /// libyaml's 0-based mark, 1-based as reported.
    init(_ mark: yaml_mark_t) {
        self.init(line: Int32(clamping: mark.line + 1), column: Int32(clamping: mark.column + 1))
    }
}

extension YAMLScalar.Style {
    /// libyaml's scalar style (any other than the four quoted and block styles is plain).
    init(_ style: yaml_scalar_style_t) {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: self = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: self = .literal
        case YAML_FOLDED_SCALAR_STYLE: self = .folded
        default: self = .plain
        }
    }
}
