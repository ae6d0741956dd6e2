import ArgumentParser
import Diagnostics
import RuleSet
import Schema
import SnapshotLoader
import WorkerPool

/// Loading shared by the commands: print problems, stop with the right exit code.
enum Loading {
    /// The snapshot, or exit 2 after printing why it could not be read.
    static func snapshot(_ path: String, format: DiagnosticFormat = .text, workers: WorkerPool = .perProcessor) throws -> Snapshot {
        let result = SnapshotLoader(workers: workers).load(path: path)
        if result.snapshot == nil || !result.diagnostics.diagnostics.isEmpty {
            DiagnosticOutput.emit(result.diagnostics, sources: result.sources, format: format == .json ? .text : format)
        }
        guard let snapshot = result.snapshot else { throw ExitCode(2) }
        return snapshot
    }

    /// The rules, or exit `failure` after printing why they could not be read.
    static func rules(_ directory: String, failure: Int32 = 2) throws -> RuleSet {
        let result = RuleSet.load(directory: directory)
        if result.diagnostics.hasErrors {
            DiagnosticOutput.emit(result.diagnostics, sources: result.sources, format: .text)
            Terminal.writeError("规则有误，先运行 bianzhi validate \(directory) 查看并修正 (the rules have errors)\n")
            throw ExitCode(failure)
        }
        return result.ruleSet
    }

    static func date(_ text: String?) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(parsing: text) else {
            throw ValidationError("'\(text)' 不是 YYYY-MM-DD 格式的有效日期")
        }
        return date
    }
}
