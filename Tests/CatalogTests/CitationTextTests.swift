import Catalog
import Testing

@Suite struct CitationTextTests {
    @Test(arguments: [
        (CitationText(title: "地方各级人民政府机构设置和编制管理条例", number: 6, paragraph: 2),
         "《地方各级人民政府机构设置和编制管理条例》第六条第二款"),
        (CitationText(title: "中国共产党机构编制工作条例", number: 28, paragraph: 1, item: 2),
         "《中国共产党机构编制工作条例》第二十八条第一款第（二）项"),
        (CitationText(title: "关于进一步加强和完善机构编制管理严格控制机构编制的通知", unit: .part, number: 3),
         "《关于进一步加强和完善机构编制管理严格控制机构编制的通知》第三部分"),
        (CitationText(title: "地方各级人民政府机构设置和编制管理条例", number: 26, item: 4),
         "《地方各级人民政府机构设置和编制管理条例》第二十六条第（四）项"),
        (CitationText(title: "中华人民共和国公务员法", number: 113), "《中华人民共和国公务员法》第一百一十三条"),
        (CitationText(title: "《已有书名号》", number: 1), "《已有书名号》第一条"),
        (CitationText(title: "中国共产党机构编制工作条例"), "《中国共产党机构编制工作条例》"),
    ])
    func text(citation: CitationText, expected: String) {
        #expect(citation.description == expected)
        #expect("\(citation)" == expected)
    }

    @Test(arguments: [
        (CitationRef(source: "gwy486", article: 6, paragraph: 2), "《地方各级人民政府机构设置和编制管理条例》第六条第二款"),
        (CitationRef(source: "tz2007-2", part: 3), "《关于进一步加强和完善机构编制管理严格控制机构编制的通知》第三部分"),
        (CitationRef(source: "tiaoli", article: 5, paragraph: 2, item: 6), "《中国共产党机构编制工作条例》第五条第二款第（六）项"),
    ])
    func textOfACatalogCitation(citation: CitationRef, expected: String) throws {
        let regulation = try #require(realCatalog.catalog.latest(key: citation.source))
        #expect(CitationText(citation, in: regulation).description == expected)
    }
}
