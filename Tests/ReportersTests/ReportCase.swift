import _BianzhiTestSupport
@testable import AuditEngine
import Diagnostics
import Foundation
import Reporters
import RuleSet
import SnapshotLoader
import Statistics

/// The fixed case the golden files are made from: `Tests/Fixtures/reports/` (four rules, three
/// institutions, two of them with hostile names, one exemption), with a fixed time and paths
/// relative to the package root, so every reporter's output is the same on every machine.
struct ReportCase {
    static let generatedAt = "2026-01-01T00:00:00Z"

    var report: AuditReport
    var statistics: StaffingStatistics
    var context: ReportContext

    /// Loads a snapshot and rules from the package and audits it.
    static func load(snapshot: String = "Tests/Fixtures/reports/snapshot.yaml",
                     rules: String = "Tests/Fixtures/reports/rules") throws -> ReportCase {
        let loadedRules = RuleSet.load(directory: TestSupport.path(rules))
        guard !loadedRules.diagnostics.hasErrors else { throw ReportCaseError.invalid("\(loadedRules.diagnostics.diagnostics)") }
        let loaded = SnapshotLoader().load(path: TestSupport.path(snapshot))
        guard let snapshot = loaded.snapshot else { throw ReportCaseError.invalid("\(loaded.diagnostics.diagnostics)") }
        var report = AuditEngine(ruleSet: loadedRules.ruleSet).audit(snapshot)
        relativize(&report)
        let statistics = StaffingStatistics(snapshot)
        var descriptors = RuleDescriptor.describing(loadedRules.ruleSet)
        for index in descriptors.indices {
            descriptors[index].location = descriptors[index].location.map(relative)
        }
        let context = ReportContext(generatedAt: generatedAt, toolVersion: "0.1.0", rules: descriptors, statistics: statistics)
        return ReportCase(report: report, statistics: statistics, context: context)
    }

    /// The report in `format`.
    func render(_ format: ReportFormat) -> [UInt8] {
        format.render(report, context: context)
    }

    private static func relativize(_ report: inout AuditReport) {
        report.snapshotPath = relative(report.snapshotPath)
        for index in report.findings.indices {
            report.findings[index].location = report.findings[index].location.map(relative)
        }
        for index in report.failures.indices {
            report.failures[index].ruleLocation = relative(report.failures[index].ruleLocation)
        }
    }

    private static func relative(_ location: SourceLocation) -> SourceLocation {
        var copy = location
        copy.path = relative(copy.path)
        return copy
    }

    private static func relative(_ path: String) -> String {
        let root = TestSupport.packageRoot.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }
}

enum ReportCaseError: Error {
    case invalid(String)
}

/// Whether Python with the `jsonschema` package is on this machine (for the SARIF schema check).
enum PythonJSONSchema {
    static let python = ExternalTool.find("python3")

    static let isAvailable: Bool = {
        guard let python else { return false }
        return (try? ExternalTool.run(python, ["-c", "import jsonschema"]).status) == 0
    }()
}

extension ReportCase {
    /// Diagnostics of a broken rule file, as `validate` reports them: an error with a note and a fix-it, and a warning.
    static func sampleDiagnostics() throws -> [Diagnostic] {
        let file = "Rules/demo/r.yaml"
        let start = SourceLocation(path: file, line: 9, column: 36)
        let end = SourceLocation(path: file, line: 9, column: 49)
        return [
            Diagnostic("sema.unknownField", message: "核定编制 (Staffing) 没有字段 'adminstrative'", range: SourceRange(start: start, end: end),
                       notes: [DiagnosticNote("规则从这里开始", at: SourceLocation(path: file, line: 1, column: 3))],
                       help: "是否要写 'administrative'？",
                       fixIts: [FixIt(message: "改为 'administrative'", replacement: "administrative", range: SourceRange(start: start, end: end))]),
            Diagnostic("rule.noDescription", severity: .warning, message: "规则 DEMO-1 没有 description，报告中将没有帮助文字",
                       at: SourceLocation(path: file, line: 1, column: 3)),
        ]
    }

    /// Outcomes of `test`: one passing example, one failing example, one failing case.
    static let sampleOutcomes: [TestOutcome] = [
        TestOutcome(name: "DEMO-ST-001 合规示例 #1", passed: true, details: [], location: SourceLocation(path: "Rules/demo/r.yaml", line: 20, column: 9)),
        TestOutcome(name: "DEMO-ST-001 违规示例 #1", passed: false, details: ["标为违规，应产生至少 1 条发现，实际 0 条"],
                    location: SourceLocation(path: "Rules/demo/r.yaml", line: 22, column: 9)),
        TestOutcome(name: "案例 over-establishment", passed: false,
                    details: ["缺少的发现：DEMO-ST-001 SX-ZRJ violation", "多出的发现：DEMO-LD-002 SX-ZRJ violation —— 副职超配"],
                    location: SourceLocation(path: "Cases/over-establishment/case.yaml", line: 1, column: 1)),
    ]
}
