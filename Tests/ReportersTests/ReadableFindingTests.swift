@testable import AuditEngine
@testable import Reporters
import Schema
import Testing

/// How a finding's citations and evidence read in the reports people read (text, HTML, CSV, XLSX).
@Suite struct ReadableFindingTests {
    private func citation(_ title: String, _ location: String) -> ResolvedCitation {
        ResolvedCitation(source: title, title: title, documentNumber: nil, article: nil, part: nil, paragraph: nil, item: nil,
                         version: nil, text: "《\(title)》" + location, verified: true)
    }

    /// Several articles of one document follow its title once, as a Chinese reader writes them.
    @Test func citationsOfOneDocumentShareItsTitle() {
        let citations = [citation("地方各级人民政府机构设置和编制管理条例", "第六条第二款"),
                         citation("地方各级人民政府机构设置和编制管理条例", "第二十六条第（四）项"),
                         citation("关于进一步加强和完善机构编制管理严格控制机构编制的通知", "第五部分"),
                         citation("地方各级人民政府机构设置和编制管理条例", "第九条")]
        #expect(Finding.citationText(citations)
            == "《地方各级人民政府机构设置和编制管理条例》第六条第二款、第二十六条第（四）项；《关于进一步加强和完善机构编制管理严格控制机构编制的通知》第五部分；《地方各级人民政府机构设置和编制管理条例》第九条")
        #expect(Finding.citationText([citation("公务员法", "第二十七条")]) == "《公务员法》第二十七条")
        #expect(Finding.citationText([]) == "")
        // A citation without an article (a 三定 规定 as a whole) is not run into the one before.
        #expect(Finding.citationText([citation("甲", "第五条"), citation("甲", "")]) == "《甲》第五条；《甲》")
    }

    /// Evidence reads as people write it: enum labels rather than English names, 是/否, （空） for a missing value,
    /// strings without JSON quotes, lists with 、.
    @Test func evidenceReadsAsPeopleWriteIt() {
        var finding = Finding(ruleID: "T", title: "t", severity: .error, status: .violation,
                              subject: Subject(kind: .institution, id: "A", name: nil, institution: nil),
                              key: nil, message: "", citations: [], evidence: [], location: nil, exemption: nil, fingerprint: "")
        finding.evidence = [("kind", .string("administrative"), "行政编制"), ("day", .string("2023-08-15"), nil),
                            ("units", .array([.string("办公室"), .string("股")]), nil), ("last", .null, "（空）"),
                            ("n", .int(3), nil), ("none", .array([]), nil)]
        #expect(finding.evidenceText == "kind = 行政编制，day = 2023-08-15，units = 办公室、股，last = （空），n = 3，none = （无）")
    }
}
