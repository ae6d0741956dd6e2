/// The machine-readable form of a list of diagnostics (`--format json`).
public struct DiagnosticReport: Codable, Sendable {
    public struct Summary: Codable, Sendable {
        public var errors: Int
        public var warnings: Int
        public var dropped: Int
    }

    public var version = 1
    public var tool = "bianzhi"
    public var diagnostics: [Diagnostic]
    public var summary: Summary

    public init(_ engine: DiagnosticEngine) {
        diagnostics = engine.sorted
        summary = Summary(errors: engine.errorCount, warnings: engine.warningCount, dropped: engine.droppedCount)
    }
}
