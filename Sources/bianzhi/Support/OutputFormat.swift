import ArgumentParser

/// How diagnostics are printed: for people, or as JSON for machines.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
