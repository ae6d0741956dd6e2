/// A point in a source file: 1-based line and column (Unicode scalars), and the byte offset when known.
public struct SourceLocation: Hashable, Sendable, Codable, Comparable {
    public var path: String
    public var line: Int
    public var column: Int
    /// UTF-8 byte offset from the start of the file, or `nil` when not computed.
    public var offset: Int?

    public init(path: String, line: Int, column: Int, offset: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.path, lhs.line, lhs.column) < (rhs.path, rhs.line, rhs.column)
    }

    /// `path:line:column`, as compilers print it.
    public var description: String { "\(path):\(line):\(column)" }

    enum CodingKeys: String, CodingKey { case path = "file", line, column }
}

/// A span of source: where a node or a token starts and where it ends.
public struct SourceRange: Hashable, Sendable {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    public init(_ location: SourceLocation) {
        self.start = location
        self.end = location
    }
}
