import AuditEngine

/// The audit as JUnit XML, for CI test dashboards: one test suite per rule, one test case per rule
/// and subject. A subject with findings that count fails; one whose findings are all exempted is
/// skipped (with the exemption as the reason); a rule with no finding has one passing case for all
/// its subjects; an evaluation that did not finish is an error.
public struct JUnitReporter: Reporter {
    public var generatedAt: String
    public var rules: [RuleDescriptor]

    public init(generatedAt: String, rules: [RuleDescriptor] = []) {
        self.generatedAt = generatedAt
        self.rules = rules
    }

    private struct Case {
        var name: String
        var file: String?
        var line: Int?
        var findings: [Finding] = []
        var failures: [EvaluationFailure] = []
    }

    public func render(_ report: AuditReport) -> String {
        let descriptors = rules.completed(with: report)
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, errors: 0, skipped: 0)
        var findingsByRule: [String: [Finding]] = [:]
        for finding in report.findings { findingsByRule[finding.ruleID, default: []].append(finding) }
        for rule in descriptors {
            // One case per subject, in the report's order (findings are sorted by subject).
            var cases: [(key: String, value: Case)] = []
            var indexByKey: [String: Int] = [:]
            func caseIndex(_ subject: Subject, location: (String, Int)?) -> Int {
                let key = subject.kind.rawValue + ":" + (subject.institution ?? "") + "/" + subject.id
                if let index = indexByKey[key] { return index }
                indexByKey[key] = cases.count
                var name = subject.name.map { "\(subject.id) \($0)" } ?? subject.id
                if subject.kind == .person || subject.kind == .event, let institution = subject.institution {
                    let detail = subject.name == nil || subject.name == subject.institutionName ? subject.id : name
                    name = "\(subject.institutionName ?? institution)（\(institution)）· " + detail
                }
                cases.append((key, Case(name: name, file: location?.0, line: location?.1)))
                return cases.count - 1
            }
            for finding in findingsByRule[rule.id] ?? [] {
                cases[caseIndex(finding.subject, location: finding.location.map { ($0.path, $0.line) })].value.findings.append(finding)
            }
            for failure in report.failures where failure.ruleID == rule.id {
                cases[caseIndex(failure.subject, location: nil)].value.failures.append(failure)
            }
            var body = ""
            var counts = (tests: 0, failures: 0, errors: 0, skipped: 0)
            if cases.isEmpty {
                counts.tests = 1
                body += "    <testcase classname=\"\(Markup.escape(rule.id))\" name=\"全部审计对象\" time=\"0\"/>\n"
            }
            for (_, testCase) in cases {
                counts.tests += 1
                var attributes = "classname=\"\(Markup.escape(rule.id))\" name=\"\(Markup.escape(testCase.name, attribute: true))\""
                if let file = testCase.file { attributes += " file=\"\(Markup.escape(file))\"" }
                if let line = testCase.line { attributes += " line=\"\(line)\"" }
                attributes += " time=\"0\""
                var inner = ""
                let counted = testCase.findings.filter { $0.status.counts }
                if !testCase.failures.isEmpty {
                    counts.errors += 1
                    let text = testCase.failures.map(\.message).joined(separator: "\n")
                    inner += "      <error type=\"evaluation\" message=\"\(Markup.escape(testCase.failures[0].message, attribute: true))\">\(Markup.escape(text))</error>\n"
                } else if !counted.isEmpty {
                    counts.failures += 1
                    let message = counted.map(\.message).joined(separator: "；")
                    let details = counted.map(details).joined(separator: "\n\n")
                    inner += "      <failure type=\"\(counted[0].severity.rawValue)\" message=\"\(Markup.escape(message, attribute: true))\">\(Markup.escape(details))</failure>\n"
                } else if !testCase.findings.isEmpty {
                    counts.skipped += 1
                    let reasons = testCase.findings.compactMap(\.exemption).map { "已批准例外 \($0.documentNumber)，有效期至 \($0.until)：\($0.reason)" }
                    inner += "      <skipped message=\"\(Markup.escape(reasons.joined(separator: "；"), attribute: true))\"/>\n"
                }
                if !testCase.findings.isEmpty, counted.isEmpty {
                    let output = testCase.findings.map(details).joined(separator: "\n\n")
                    inner += "      <system-out>\(Markup.escape(output))</system-out>\n"
                }
                body += inner.isEmpty ? "    <testcase \(attributes)/>\n" : "    <testcase \(attributes)>\n\(inner)    </testcase>\n"
            }
            totals.tests += counts.tests
            totals.failures += counts.failures
            totals.errors += counts.errors
            totals.skipped += counts.skipped
            suites.append("  <testsuite name=\"\(Markup.escape(rule.id + " " + rule.title))\" tests=\"\(counts.tests)\" failures=\"\(counts.failures)\""
                + " errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\" time=\"0\" timestamp=\"\(Markup.escape(timestamp))\">\n"
                + body + "  </testsuite>\n")
        }
        let name = "bianzhi audit \(report.regionName)（\(report.regionCode)）\(report.asOf)"
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(Markup.escape(name))\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\""
            + " errors=\"\(totals.errors)\" skipped=\"\(totals.skipped)\" time=\"0\">\n"
            + suites.joined()
            + "</testsuites>\n"
    }

    /// JUnit's timestamp has no zone designator.
    private var timestamp: String {
        generatedAt.hasSuffix("Z") ? String(generatedAt.dropLast()) : generatedAt
    }

    private func details(_ finding: Finding) -> String {
        var lines = ["[\(finding.status == .violation ? finding.severity.label : finding.status.label)] \(finding.message)"]
        if let key = finding.key { lines.append("键：\(key)") }
        if !finding.citations.isEmpty { lines.append("依据：" + finding.citations.map(\.text).joined(separator: "；")) }
        if !finding.evidence.isEmpty {
            lines.append("数值：" + finding.evidenceText)
        }
        if let exemption = finding.exemption {
            lines.append("例外：\(exemption.documentNumber)，有效期至 \(exemption.until)（\(exemption.reason)）")
        }
        if let location = finding.location { lines.append("位置：\(location.description)") }
        return lines.joined(separator: "\n")
    }
}
