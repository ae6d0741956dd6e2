import Diagnostics
import Foundation

/// Prints diagnostics in the chosen format: text on standard error, JSON on standard output.
enum DiagnosticOutput {
    static func emit(_ engine: DiagnosticEngine, sources: SourceFileSet, format: DiagnosticFormat, progress: ProgressIndicator? = nil) throws {
        switch format {
        case .text:
            let renderer = DiagnosticRenderer(sources: sources, useColor: Terminal.useColor(onStandardError: true))
            var text = renderer.render(engine.sorted)
            if engine.droppedCount > 0 {
                text += "……另有 \(engine.droppedCount) 条诊断未显示 (\(engine.droppedCount) more not shown)\n"
            }
            if !engine.diagnostics.isEmpty {
                text += DiagnosticRenderer.summary(errors: engine.errorCount, warnings: engine.warningCount) + "\n"
            }
            Terminal.writeError(text, clearing: progress)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(DiagnosticReport(engine)) {
                try Terminal.writeOut(String(decoding: data, as: UTF8.self) + "\n")
            }
        }
    }
}
