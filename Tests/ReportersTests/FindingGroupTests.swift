@testable import AuditEngine
@testable import Reporters
import Testing

/// Findings grouped as the text and html reports show them, by position in the report.
@Suite struct FindingGroupTests {
    private static func finding(_ kind: Subject.Kind, _ id: String, institution: String? = nil, _ fingerprint: String) -> Finding {
        Finding(ruleID: "R", title: "标题", severity: .error, status: .violation,
                subject: Subject(kind: kind, id: id, name: "名\(id)", institution: institution, institutionName: institution.map { "名\($0)" }),
                key: nil, message: "", citations: [], evidence: [], location: nil, exemption: nil, fingerprint: fingerprint)
    }

    /// The region first, then each institution with its persons' and events' findings, then each coordination body; in a
    /// group, the findings in report order. Every finding is in exactly one group.
    @Test func groupsFollowTheirKeysAndKeepReportOrderWithin() {
        let findings = [
            FindingGroupTests.finding(.institution, "B", "1"),
            FindingGroupTests.finding(.coordinationBody, "X", "2"),
            FindingGroupTests.finding(.person, "P1", institution: "A", "3"),
            FindingGroupTests.finding(.region, "QH", "4"),
            FindingGroupTests.finding(.event, "E1", institution: "B", "5"),
            FindingGroupTests.finding(.institution, "A", "6"),
            FindingGroupTests.finding(.person, "P2", institution: "B", "7"),
        ]
        let groups = FindingGroup.grouping(findings)
        #expect(groups.map(\.key) == ["0", "1:A", "1:B", "2:X"])
        #expect(groups.map { $0.positions.map { findings[$0].fingerprint } } == [["4"], ["3", "6"], ["1", "5", "7"], ["2"]])
        #expect(groups.map(\.title) == ["地区 名QH（QH）", "名A（A）", "名B（B）", "议事协调机构 名X（X）"])
        #expect(FindingGroup.grouping([]).isEmpty)
    }
}
