import ArgumentParser
import Diagnostics
import Foundation
import RuleSet
import Schema
import SnapshotLoader
import WorkerPool

/// Loading shared by the commands: print problems, stop with the right exit code.
enum Loading {
    /// The snapshot, or exit 2 after printing why it could not be read.
    /// With `progress`, its line is cleared before the problems are printed.
    static func snapshot(_ path: String, format: DiagnosticFormat = .text, workers: WorkerPool = .perProcessor,
                         progress: ProgressIndicator? = nil) throws -> Snapshot {
        let result = SnapshotLoader(workers: workers).load(path: path)
        if result.snapshot == nil || !result.diagnostics.diagnostics.isEmpty {
            try DiagnosticOutput.emit(result.diagnostics, sources: result.sources, format: format == .json ? .text : format, progress: progress)
        }
        guard let snapshot = result.snapshot else { throw ExitCode(2) }
        return snapshot
    }

    /// The rules, or exit after printing why they could not be read: `failure` when they have errors, 2 when there is no
    /// rules folder at `directory`.
    static func rules(_ directory: String, failure: Int32 = 2, workers: WorkerPool = .perProcessor,
                      examples: RuleSet.ExampleReading = .decoded, progress: ProgressIndicator? = nil) throws -> RuleSet {
        let result = RuleSet.load(directory: directory, workers: workers, examples: examples)
        if result.diagnostics.hasErrors {
            try DiagnosticOutput.emit(result.diagnostics, sources: result.sources, format: .text, progress: progress)
            if result.diagnostics.diagnostics.contains(where: { $0.id == "rules.notFound" || $0.id == "rules.notAFolder" }) {
                Terminal.writeError("没有读到规则：\(directory) 不是规则文件夹 (no rules folder at \(directory))\n", clearing: progress)
                throw ExitCode(2)
            } else {
                Terminal.writeError("规则有误，先运行 bianzhi validate \(directory) 查看并修正 (the rules have errors)\n", clearing: progress)
            }
            throw ExitCode(failure)
        }
        return result.ruleSet
    }

    static func date(_ text: String?) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(parsing: text) else {
            throw ValidationError("'\(text)' 不是 YYYY-MM-DD 格式的有效日期（如 2024-06-30）")
        }
        return date
    }

    /// Frees `value` on a thread of its own (the caller must hold no other copy). Freeing a large snapshot takes
    /// a noticeable share of a large audit; done in the background it overlaps with writing the report. If the
    /// process ends first, the operating system reclaims the memory all at once.
    static func releaseInBackground<T: Sendable>(_ value: consuming T) {
        let box = Box(value)
        Thread.detachNewThread { _ = box.take() }
    }
}

/// Hands a value to another thread, which takes the last reference.
private final class Box<T: Sendable>: @unchecked Sendable {
    private var value: T?
    init(_ value: T) { self.value = value }
    /// The value, moved out of the box (called once, by the thread that frees it).
    func take() -> T? {
        defer { value = nil }
        return value
    }
}
