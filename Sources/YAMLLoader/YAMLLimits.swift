/// Fixed budgets that keep a hostile file from exhausting memory or the stack.
public struct YAMLLimits: Sendable {
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// How many nodes alias references may add in all (the billion-laughs guard).
    public var maxAliasExpansion: Int
    /// Largest file, in bytes.
    public var maxFileSize: Int

    public init(maxDepth: Int = 128, maxAliasExpansion: Int = 1_000_000, maxFileSize: Int = 2 << 30) {
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
        self.maxFileSize = maxFileSize
    }

    public static let `default` = YAMLLimits()
}
