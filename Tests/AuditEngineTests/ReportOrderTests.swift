@testable import AuditEngine
import Schema
import Testing

/// Findings sorted for the report by sorting their positions and moving them into place: the order of a stable sort
/// of the findings themselves.
@Suite struct ReportOrderTests {
    private static func finding(subject: String, rule: String, key: String?, message: String, fingerprint: String) -> Finding {
        Finding(ruleID: rule, title: "标题", severity: .error, status: .violation,
                subject: Subject(kind: .institution, id: subject, name: nil, institution: nil), key: key, message: message,
                citations: [], evidence: [], location: nil, exemption: nil, fingerprint: fingerprint)
    }

    @Test(arguments: [0, 1, 2, 7, 500])
    func theOrderIsAStableSortsOrder(count: Int) {
        var state: UInt64 = 42
        func draw(_ bound: UInt64) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % bound)
        }
        // Few subjects, rules, keys and messages: many ties, told apart only by their fingerprints (their first order).
        let findings = (0..<count).map { index in
            ReportOrderTests.finding(subject: ["QH-B", "QH-A", "P001", "县局"][draw(4)], rule: ["GW-ST-001", "GF-RY-001"][draw(2)],
                                     key: [nil, "办公室", "科"][draw(3)], message: ["超编1名", "超编2名"][draw(2)],
                                     fingerprint: String(index))
        }
        let expected = findings.sorted { a, b in
            if a.subject.id != b.subject.id { return a.subject.id < b.subject.id }
            if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
            if (a.key ?? "") != (b.key ?? "") { return (a.key ?? "") < (b.key ?? "") }
            return a.message < b.message
        }
        var sorted = findings
        AuditEngine.sortInReportOrder(&sorted)
        #expect(sorted.map(\.fingerprint) == expected.map(\.fingerprint))
        #expect(Set(sorted.map(\.fingerprint)).count == count, "each finding once")
    }
}
