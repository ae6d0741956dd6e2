import _BianzhiTestSupport
import Foundation
@testable import Reporters
import Testing

/// SARIF logs checked against the official SARIF 2.1.0 JSON schema (`Tests/Fixtures/sarif/`), and
/// the properties code-scanning services rely on.
@Suite struct SARIFTests {
    static let schema = TestSupport.path("Tests/Fixtures/sarif/sarif-schema-2.1.0.json")

    /// Validates `log` with Python's `jsonschema` (Draft 4, with format checks); nil when valid.
    static func schemaErrors(_ log: String) throws -> String? {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(log, to: "log.sarif", in: directory)
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        jsonschema.Draft4Validator.check_schema(schema)
        log = json.load(open(sys.argv[2], encoding="utf-8"))
        validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for error in errors[:10]:
            print("/".join(map(str, error.absolute_path)) + ": " + error.message)
        sys.exit(1 if errors else 0)
        """
        let result = try ExternalTool.run(PythonJSONSchema.python ?? "python3", ["-c", script, schema, path])
        return result.status == 0 ? nil : result.stdout + result.stderr
    }

    @Test(.enabled(if: PythonJSONSchema.isAvailable, "needs python3 with jsonschema (pip install jsonschema)"))
    func auditLogValidatesAgainstTheSchema() throws {
        let reportCase = try ReportCase.load()
        let log = String(decoding: reportCase.render(.sarif), as: UTF8.self)
        let errors = try SARIFTests.schemaErrors(log)
        #expect(errors == nil, "\(errors ?? "")")
    }

    @Test(.enabled(if: PythonJSONSchema.isAvailable, "needs python3 with jsonschema (pip install jsonschema)"))
    func bundledCountyLogValidatesAgainstTheSchema() throws {
        let reportCase = try ReportCase.load(snapshot: "Cases/qinghe-county/snapshot", rules: "Rules")
        let errors = try SARIFTests.schemaErrors(String(decoding: reportCase.render(.sarif), as: UTF8.self))
        #expect(errors == nil, "\(errors ?? "")")
    }

    @Test(.enabled(if: PythonJSONSchema.isAvailable, "needs python3 with jsonschema (pip install jsonschema)"))
    func validateAndTestLogsValidateAgainstTheSchema() throws {
        for log in [SARIFReporter.render(diagnostics: try ReportCase.sampleDiagnostics(), toolVersion: "0.1.0"),
                    SARIFReporter.render(outcomes: ReportCase.sampleOutcomes, toolVersion: "0.1.0")] {
            let errors = try SARIFTests.schemaErrors(log)
            #expect(errors == nil, "\(errors ?? "")")
        }
    }

    @Test(.enabled(if: PythonJSONSchema.isAvailable, "needs python3 with jsonschema (pip install jsonschema)"))
    func theSchemaCheckRejectsAnUnknownProperty() throws {
        let reportCase = try ReportCase.load()
        let log = String(decoding: reportCase.render(.sarif), as: UTF8.self)
            .replacingOccurrences(of: "\"columnKind\" : \"unicodeCodePoints\"", with: "\"columnKind\" : \"bytes\"")
        #expect(try SARIFTests.schemaErrors(log) != nil, "the check must be able to fail")
    }

    /// The structure without Python: what GitHub code scanning and other consumers read.
    @Test func resultsAreLocatedAndRulesDescribed() throws {
        let reportCase = try ReportCase.load()
        let data = Data(reportCase.render(.sarif))
        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.hasPrefix("https://") == true)
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "bianzhi")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String ?? "" } == ["DEMO-CB-001", "DEMO-LD-002", "DEMO-RY-001", "DEMO-ST-001"])
        for rule in rules {
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String != nil, "title")
            #expect(((rule["help"] as? [String: Any])?["text"] as? String)?.contains("依据：《地方各级人民政府机构设置和编制管理条例》") == true,
                    "help text with citations")
            #expect(((rule["properties"] as? [String: Any])?["citations"] as? [String])?.isEmpty == false)
        }
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == reportCase.report.findings.count)
        for (result, finding) in zip(results, reportCase.report.findings) {
            #expect(result["ruleId"] as? String == finding.ruleID)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == finding.ruleID)
            let physical = try #require(((result["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "Tests/Fixtures/reports/snapshot.yaml")
            #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == finding.location?.line, "the subject's snapshot line")
            let suppressed = (result["suppressions"] as? [[String: Any]])?.first
            #expect((suppressed != nil) == (finding.status == .exempted))
        }
    }

    @Test func pathsBecomeURIReferences() {
        #expect(SARIFLog.uri(forPath: "Cases/青禾/snapshot.yaml") == "Cases/%E9%9D%92%E7%A6%BE/snapshot.yaml")
        #expect(SARIFLog.uri(forPath: "/tmp/a b.yaml") == "file:///tmp/a%20b.yaml")
    }
}
