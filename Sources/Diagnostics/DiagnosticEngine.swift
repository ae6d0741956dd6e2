/// Collects diagnostics instead of stopping at the first one.
///
/// A value type: each loader or checker owns one and hands its diagnostics on.
/// It keeps at most `limit` diagnostics, so a hostile file cannot flood memory;
/// past that it counts what it dropped.
public struct DiagnosticEngine: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var droppedCount = 0
    /// How many of the dropped ones were errors, and warnings: the counts say how many there were, not how many were kept.
    private var droppedErrors = 0
    private var droppedWarnings = 0
    public let limit: Int

    public init(limit: Int = 1_000) {
        self.limit = limit
    }

    public mutating func emit(_ diagnostic: Diagnostic) {
        if diagnostics.count < limit {
            diagnostics.append(diagnostic)
        } else {
            droppedCount += 1
            if diagnostic.severity == .error { droppedErrors += 1 }
            if diagnostic.severity == .warning { droppedWarnings += 1 }
        }
    }

    public mutating func emit(contentsOf other: [Diagnostic]) {
        for diagnostic in other { emit(diagnostic) }
    }

    public mutating func merge(_ other: DiagnosticEngine) {
        emit(contentsOf: other.diagnostics)
        droppedCount += other.droppedCount
        droppedErrors += other.droppedErrors
        droppedWarnings += other.droppedWarnings
    }

    public var hasErrors: Bool { droppedErrors > 0 || diagnostics.contains { $0.severity == .error } }
    /// All the errors emitted, those kept and those dropped past `limit`.
    public var errorCount: Int { droppedErrors + diagnostics.count(where: { $0.severity == .error }) }
    public var warningCount: Int { droppedWarnings + diagnostics.count(where: { $0.severity == .warning }) }

    /// Diagnostics in the order a reader wants them: by file, line and column; unlocated ones first.
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case let (left?, right?):
                if left != right { return left < right }
                return lhs.offset < rhs.offset
            case (nil, .some): return true
            case (.some, nil): return false
            case (nil, nil): return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }
}
