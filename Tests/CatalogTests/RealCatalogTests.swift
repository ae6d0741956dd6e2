import _BianzhiTestSupport
import Catalog
import Diagnostics
import Schema
import Testing

/// The project's own catalogue, loaded once.
let realCatalog = RegulationCatalog.load(directory: TestSupport.path("Rules/catalog"))

private func date(_ text: String) throws -> CivilDate {
    try #require(CivilDate(parsing: text))
}

@Suite struct RealCatalogTests {
    @Test func loadsWithoutDiagnostics() {
        let rendered = DiagnosticRenderer(sources: realCatalog.sources).render(realCatalog.diagnostics.sorted)
        #expect(realCatalog.diagnostics.diagnostics.isEmpty, "\(rendered)")
    }

    @Test func hasTheFixedKeys() {
        #expect(realCatalog.catalog.keys == [
            "dfzzf", "gwy227", "gwy486", "gwyf", "gwyzzf", "local-public-leadership", "local-secondment", "sydwdj", "tiaoli", "tz2007-2",
        ])
        #expect(realCatalog.catalog.contains(key: "gwy486"))
        #expect(!realCatalog.catalog.contains(key: "sanding"))
        #expect(realCatalog.catalog.allRegulations.count == 11) // gwyzzf has two versions
    }

    @Test(arguments: [("tiaoli", 33), ("gwy486", 30), ("gwy227", 25), ("tz2007-2", 7)])
    func articleCounts(key: String, count: Int) throws {
        let regulation = try #require(realCatalog.catalog.latest(key: key))
        #expect(regulation.articles.count == count)
        #expect(regulation.articles.map(\.number) == Array(1...count))
    }

    @Test func readsEveryField() throws {
        let gwy486 = try #require(realCatalog.catalog.latest(key: "gwy486"))
        #expect(gwy486.title == "地方各级人民政府机构设置和编制管理条例")
        #expect(gwy486.issuer == "国务院")
        #expect(gwy486.documentNumber == "国务院令第486号")
        #expect(gwy486.issued == (try date("2007-02-24")))
        #expect(gwy486.effective == (try date("2007-05-01")))
        #expect(gwy486.superseded == nil)
        #expect(gwy486.version == nil)
        #expect(gwy486.citationUnit == .article)
        #expect(!gwy486.isLocal)
        #expect(gwy486.path.hasSuffix("Rules/catalog/gwy486.yaml"))
        let six = try #require(gwy486.article(6))
        #expect(six.paragraphs == 2)
        #expect(six.items == [])
        #expect(six.chapter == "第一章 总则")
        #expect(six.verified)
        #expect(six.location.line == 40 && six.location.column == 5)
        let twentySix = try #require(gwy486.article(26))
        #expect(twentySix.items == [8])
        #expect(twentySix.itemCount(inParagraph: 1) == 8)
        #expect(twentySix.itemCount(inParagraph: 2) == 0)
        #expect(gwy486.article(31) == nil)
        #expect(gwy486.article(0) == nil)

        let tz = try #require(realCatalog.catalog.latest(key: "tz2007-2"))
        #expect(tz.citationUnit == .part)
        #expect(tz.issued == nil)
        let local = try #require(realCatalog.catalog.latest(key: "local-secondment"))
        #expect(local.isLocal)
        let tiaoli = try #require(realCatalog.catalog.latest(key: "tiaoli"))
        #expect(tiaoli.article(5)?.items == [0, 6])
        #expect(tiaoli.article(26)?.verified == false)
        #expect(tiaoli.article(1)?.notCheckable == "立法目的和依据条款，不设可检查的要求。")
    }

    @Test func gwyzzfHasTwoVersions() throws {
        let catalog = realCatalog.catalog
        #expect(catalog.regulations(key: "gwyzzf").map(\.version) == ["1982", "2024"])
        #expect(catalog.latest(key: "gwyzzf")?.version == "2024")
        #expect(catalog.regulation(key: "gwyzzf", version: "1982")?.article(9) != nil)
        #expect(catalog.regulations(key: "nope").isEmpty)
        #expect(catalog.latest(key: "nope") == nil)
    }

    @Test(arguments: [
        ("2020-01-01", "1982"), ("2025-01-01", "2024"), ("2024-03-10", "1982"), ("2024-03-11", "2024"),
        ("1982-12-10", "1982"), ("1982-12-09", nil),
    ] as [(String, String?)])
    func versionInForce(on day: String, expected: String?) throws {
        let regulation = realCatalog.catalog.version(of: "gwyzzf", on: try date(day))
        #expect(regulation?.version == expected)
    }

    @Test func isInForceIsHalfOpen() throws {
        let old = try #require(realCatalog.catalog.regulation(key: "gwyzzf", version: "1982"))
        #expect(old.isInForce(on: try date("1982-12-10")))
        #expect(old.isInForce(on: try date("2024-03-10")))
        #expect(!old.isInForce(on: try date("2024-03-11")))
        #expect(!old.isInForce(on: try date("1982-12-09")))
    }
}
