import _BianzhiTestSupport
import Foundation
import Reporters
import Testing

/// Every reporter's output on the fixed case, byte for byte. Re-record with
/// `RECORD_SNAPSHOTS=1 swift test --filter Reporters`, then read `git diff Tests/ReportersTests/Golden`.
@Suite struct GoldenTests {
    @Test(arguments: ReportFormat.allCases)
    func auditReport(_ format: ReportFormat) throws {
        let reportCase = try ReportCase.load()
        let output = reportCase.render(format)
        let mismatch = GoldenFile.mismatch(output, golden: "Tests/ReportersTests/Golden/report.\(format.fileExtension(golden: true))")
        #expect(mismatch == nil, "\(mismatch ?? "")")
        #expect(output == reportCase.render(format), "the same input gives the same bytes")
    }

    @Test(arguments: StatisticsReporter.Format.allCases)
    func staffingStatistics(_ format: StatisticsReporter.Format) throws {
        let reportCase = try ReportCase.load()
        let output = StatisticsReporter(reportCase.statistics).render(format)
        let mismatch = GoldenFile.mismatch(output, golden: "Tests/ReportersTests/Golden/stats.\(format.rawValue == "text" ? "txt" : format.rawValue)")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func validateAndTestFormats() throws {
        let diagnostics = try ReportCase.sampleDiagnostics()
        for (name, output) in [
            ("validate.sarif", SARIFReporter.render(diagnostics: diagnostics, toolVersion: "0.1.0")),
            ("validate.github", GitHubReporter.render(diagnostics: diagnostics)),
            ("test.sarif", SARIFReporter.render(outcomes: ReportCase.sampleOutcomes, toolVersion: "0.1.0")),
            ("test.json", JSONReporter.render(outcomes: ReportCase.sampleOutcomes)),
            ("test.github", GitHubReporter.render(outcomes: ReportCase.sampleOutcomes)),
        ] {
            let mismatch = GoldenFile.mismatch(output, golden: "Tests/ReportersTests/Golden/\(name)")
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }
}

extension ReportFormat {
    /// The golden file's extension: distinct for every format.
    func fileExtension(golden: Bool) -> String {
        switch self {
        case .text: "txt"
        case .junit: "junit.xml"
        case .github: "github.txt"
        default: rawValue
        }
    }
}
