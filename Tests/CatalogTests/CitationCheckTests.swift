import Catalog
import Diagnostics
import Schema
import Testing

private func check(_ citation: CitationRef, on day: String? = nil) -> CitationCheck {
    realCatalog.catalog.check(citation, on: day.flatMap { CivilDate(parsing: $0) })
}

@Suite struct CitationCheckTests {
    @Test(arguments: [
        (CitationRef(source: "gwy486", article: 6, paragraph: 2), nil, "gwy486", 6),
        (CitationRef(source: "gwy486", article: 26, item: 8), nil, "gwy486", 26),
        (CitationRef(source: "tiaoli", article: 5, paragraph: 2, item: 6), "2024-06-30", "tiaoli", 5),
        (CitationRef(source: "tz2007-2", part: 3), nil, "tz2007-2", 3),
        (CitationRef(source: "gwyzzf", article: 9), "2020-01-01", "gwyzzf@1982", 9),
        (CitationRef(source: "gwyzzf", article: 12), "2025-01-01", "gwyzzf@2024", 12),
        (CitationRef(source: "gwyzzf", article: 12), nil, "gwyzzf@2024", 12),
        (CitationRef(source: "gwyzzf", article: 9, version: "1982"), "2025-01-01", "gwyzzf@1982", 9),
    ] as [(CitationRef, String?, String, Int)])
    func validCitations(citation: CitationRef, day: String?, regulation: String, article: Int) {
        let result = check(citation, on: day)
        #expect(result.isOK)
        #expect(result.regulation?.displayName == regulation)
        #expect(result.article?.number == article)
        #expect(result.message == nil && result.code == nil)
        #expect(result.diagnostic(at: nil) == nil)
    }

    @Test(arguments: [
        (CitationRef(source: "gwy468", article: 6), nil, "unknownSource",
         "法规目录中没有代码为 'gwy468' 的法规", "是否要写 'gwy486'？"),
        (CitationRef(source: "gwy486", article: 99), nil, "unknownArticle",
         "法规目录未收录《地方各级人民政府机构设置和编制管理条例》第九十九条 (article: 99)", "目录收录的条文：第1至30条"),
        (CitationRef(source: "gwyf", article: 21), nil, "unknownArticle",
         "法规目录未收录《中华人民共和国公务员法》第二十一条 (article: 21)", "目录收录的条文：第2、20、27、43、71、88、101、106、113条"),
        (CitationRef(source: "gwyzzf", article: 9), "2025-01-01", "unknownArticle",
         "法规目录未收录《中华人民共和国国务院组织法》第九条 (article: 9)", "目录收录的条文：第12至13条"),
        (CitationRef(source: "gwy486", article: 6, paragraph: 3), nil, "paragraphOutOfRange",
         "《地方各级人民政府机构设置和编制管理条例》第六条只有 2 款，没有第三款 (paragraph: 3)", nil),
        (CitationRef(source: "gwy486", article: 26, item: 9), nil, "itemOutOfRange",
         "《地方各级人民政府机构设置和编制管理条例》第二十六条只有 8 项，没有第（九）项 (item: 9)", nil),
        (CitationRef(source: "gwy486", article: 6, paragraph: 2, item: 1), nil, "itemOutOfRange",
         "《地方各级人民政府机构设置和编制管理条例》第六条第二款不分项，没有第（一）项 (item: 1)", nil),
        (CitationRef(source: "tiaoli", article: 5, item: 4), nil, "itemOutOfRange",
         "《中国共产党机构编制工作条例》第五条第一款不分项，没有第（四）项 (item: 4)", "第二款有 6 项；是否要写 `paragraph: 2`？"),
        (CitationRef(source: "tz2007-2", article: 3), nil, "wrongUnit",
         "《关于进一步加强和完善机构编制管理严格控制机构编制的通知》按部分引用（第X部分），应写 'part' 而不是 'article'",
         "把 'article' 改为 'part'"),
        (CitationRef(source: "gwy486", part: 3), nil, "wrongUnit",
         "《地方各级人民政府机构设置和编制管理条例》按条引用（第X条），应写 'article' 而不是 'part'", "把 'part' 改为 'article'"),
        (CitationRef(source: "gwy486"), nil, "missingNumber",
         "引用《地方各级人民政府机构设置和编制管理条例》必须写明条号 (article)", "如 `{source: gwy486, article: 1}`"),
        (CitationRef(source: "gwyzzf", article: 9, version: "2020"), nil, "unknownVersion",
         "《中华人民共和国国务院组织法》(gwyzzf)没有版本 '2020'", "可用的版本：1982、2024"),
        (CitationRef(source: "tiaoli", article: 5), "2018-01-01", "notInForce",
         "《中国共产党机构编制工作条例》在 2018-01-01 尚未施行（自 2019-08-05 起施行）", "施行期间：2019-08-05 至 今"),
    ] as [(CitationRef, String?, String, String, String?)])
    func problems(citation: CitationRef, day: String?, code: String, message: String, help: String?) throws {
        let result = check(citation, on: day)
        #expect(!result.isOK)
        #expect(result.code == code)
        #expect(result.message == message)
        if let help { #expect(result.help == help) }
        let location = SourceLocation(path: "Rules/tiaoli/x.yaml", line: 7, column: 11)
        let diagnostic = try #require(result.diagnostic(at: location))
        #expect(diagnostic.id.rawValue == "citation." + code)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.location == location)
        #expect(diagnostic.message == message)
    }

    @Test func problemsCarryWhatTheyFound() {
        if case let .unknownSource(source, suggestion) = check(CitationRef(source: "gwy468", article: 1)) {
            #expect(source == "gwy468" && suggestion == "gwy486")
        } else {
            Issue.record("expected unknownSource")
        }
        if case let .unknownArticle(number, available, regulation) = check(CitationRef(source: "gwy486", article: 99)) {
            #expect(number == 99 && available == Array(1...30) && regulation.key == "gwy486")
        } else {
            Issue.record("expected unknownArticle")
        }
        if case let .paragraphOutOfRange(paragraph, max, article, _) = check(CitationRef(source: "gwy486", article: 6, paragraph: 3)) {
            #expect(paragraph == 3 && max == 2 && article.number == 6)
        } else {
            Issue.record("expected paragraphOutOfRange")
        }
        if case let .itemOutOfRange(item, paragraph, max, _, _) = check(CitationRef(source: "gwy486", article: 26, item: 9)) {
            #expect(item == 9 && paragraph == nil && max == 8)
        } else {
            Issue.record("expected itemOutOfRange")
        }
        if case let .wrongUnit(regulation, found) = check(CitationRef(source: "tz2007-2", article: 3)) {
            #expect(regulation.citationUnit == .part && found == .article)
        } else {
            Issue.record("expected wrongUnit")
        }
        #expect(check(CitationRef(source: "zzzzzzzz", article: 1)) == .unknownSource("zzzzzzzz", suggestion: nil))
    }

    @Test(arguments: [0, -1])
    func nonPositiveNumbersAreOutOfRange(number: Int) {
        #expect(check(CitationRef(source: "gwy486", article: number)).code == "unknownArticle")
        #expect(check(CitationRef(source: "gwy486", article: 6, paragraph: number)).code == "paragraphOutOfRange")
        #expect(check(CitationRef(source: "gwy486", article: 26, item: number)).code == "itemOutOfRange")
    }

    @Test func unverifiedArticlesAreCitedWithAWarning() throws {
        let result = check(CitationRef(source: "tiaoli", article: 26, item: 3))
        #expect(result.isOK)
        #expect(result.article?.verified == false)
        let diagnostic = try #require(result.diagnostic(at: SourceLocation(path: "r.yaml", line: 3, column: 5)))
        #expect(diagnostic.id == "citation.unverified")
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.message == "《中国共产党机构编制工作条例》第二十六条的条号或内容尚未与官方文本核对（待核）")
    }
}
