/// A type error or unknown name in an expression, at a byte range of its text.
public struct SemaError: Error, Sendable, Equatable {
    public var id: String
    public var message: String
    public var help: String?
    public var range: Range<Int>

    public init(_ id: String, _ message: String, help: String? = nil, range: Range<Int>) {
        self.id = id
        self.message = message
        self.help = help
        self.range = range
    }
}
