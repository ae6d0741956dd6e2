import _BianzhiTestSupport
import Catalog
import Diagnostics
import Foundation
import Testing

/// A small valid catalogue file; the table below breaks it one way at a time.
private let validFile = """
key: demo
title: 示例条例
issuer: 示例机关
effective: 2020-01-01
articles:
  - number: 1
    summary: 第一条概要。
    verified: true
  - number: 2
    summary: 第二条概要。
    paragraphs: 2
    items: [0, 3]
    verified: false

"""

/// Loads a temporary catalogue folder holding `files` (name → text).
private func load(_ files: [String: String]) throws -> (catalog: RegulationCatalog, diagnostics: DiagnosticEngine,
                                                         sources: SourceFileSet, directory: String) {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, text) in files {
        try TestSupport.write(text, to: name, in: directory)
    }
    let result = RegulationCatalog.load(directory: directory.path)
    return (result.catalog, result.diagnostics, result.sources, directory.path)
}

/// `id line:column` for each diagnostic, in reading order.
private func summary(_ engine: DiagnosticEngine) -> [String] {
    engine.sorted.map { "\($0.id) \($0.location?.line ?? 0):\($0.location?.column ?? 0)" }
}

@Suite struct CatalogDiagnosticsTests {
    @Test func theValidFileLoads() throws {
        let result = try load(["demo.yaml": validFile, "README.md": "# not a catalogue file\n"])
        #expect(result.diagnostics.diagnostics.isEmpty, "\(result.diagnostics.diagnostics)")
        let demo = try #require(result.catalog.latest(key: "demo"))
        #expect(demo.articles.map(\.number) == [1, 2])
        #expect(demo.article(2)?.items == [0, 3])
        #expect(demo.article(1)?.paragraphs == 1)
        #expect(demo.article(2)?.location.line == 9)
        #expect(demo.citationUnit == .article && !demo.isLocal)
    }

    @Test(arguments: [
        // (replace, with, expected diagnostics, the message of the first one)
        ("title: 示例条例", "titel: 示例条例", ["catalog.missingField 1:1", "catalog.unknownField 2:1"],
         "缺少必填字段 'title'（标题）：法规条目 (regulation) 必须填写"),
        ("effective: 2020-01-01", "effective: 2020-02-30", ["catalog.badDate 4:12"],
         "字段 'effective'（施行日期）的日期 '2020-02-30' 不存在"),
        ("effective: 2020-01-01", "effective: 2020/01/01", ["catalog.badDate 4:12"],
         "字段 'effective'（施行日期）应为 YYYY-MM-DD 格式的日期，实际是 '2020/01/01'"),
        ("  - number: 2", "  - number: 1", ["catalog.duplicateArticle 9:13"],
         "第1条重复：同一法规中条号必须唯一"),
        ("paragraphs: 2", "paragraphs: two", ["catalog.typeMismatch 11:17", "catalog.itemsExceedParagraphs 12:12"],
         "字段 'paragraphs'（款数）应为整数 (int)，实际是'two'"),
        ("items: [0, 3]", "items: [0, 3, 1]", ["catalog.itemsExceedParagraphs 12:12"],
         "'items' 列出了 3 款的项数，但本条只有 2 款 (paragraphs: 2)"),
        ("items: [0, 3]", "items: [0, x]", ["catalog.typeMismatch 12:16"],
         "字段 'items'（各款项数）的每一项应为整数 (int)，实际是'x'"),
        ("items: [0, 3]", "items: [0, -3]", ["catalog.outOfRange 12:16"], "字段 'items'（各款项数）不能小于 0，实际是 -3"),
        ("verified: false", "verified: yes", ["catalog.typeMismatch 13:15"],
         "字段 'verified'（已核）应为布尔值 true/false (bool)，实际是'yes'"),
        ("    verified: true\n", "", ["catalog.missingField 6:5"],
         "缺少必填字段 'verified'（已核）：条文条目 (article) 必须填写"),
        ("  - number: 1", "  - number: 0", ["catalog.outOfRange 6:13"], "字段 'number'（条号）不能小于 1，实际是 0"),
        ("  - number: 1", "  - number: \"1\"", ["catalog.typeMismatch 6:13"], "字段 'number'（条号）应为整数，实际是带引号的文本 \"1\""),
        ("key: demo", "key: Demo", ["catalog.badKey 1:6"], "法规代码 'Demo' 无效：只能由小写英文字母、数字、'-' 和 '_' 组成"),
        ("key: demo", "key: sanding", ["catalog.reservedKey 1:6"],
         "法规代码 'sanding' 是保留代码：它指被审计单位自己的文件，不能在法规目录中定义"),
        ("key: demo", "key:", ["catalog.missingField 1:5"], "缺少必填字段 'key'（法规代码）：法规条目 (regulation) 必须填写"),
        ("issuer: 示例机关", "issuer: [a, b]", ["catalog.typeMismatch 3:9"], "字段 'issuer'（制定机关）应为文本 (string)，实际是列表 (sequence)"),
        ("issuer: 示例机关", "issuer: \"  \"", ["catalog.typeMismatch 3:9"], "字段 'issuer'（制定机关）不能是空文本"),
        ("effective: 2020-01-01", "effective: 2020-01-01\ncitation_unit: articel", ["catalog.badEnum 5:16"],
         "字段 'citation_unit'（引用单位）的值 'articel' 无效：应为 article（按条引用）或 part（按部分引用）"),
        ("effective: 2020-01-01", "effective: 2020-01-01\nsuperseded: 2019-01-01", ["catalog.dateOrder 5:13"],
         "失效日期 (superseded) 2019-01-01 不晚于施行日期 (effective) 2020-01-01"),
        ("effective: 2020-01-01", "effective: 2020-01-01\nlocal: 1", ["catalog.typeMismatch 5:8"],
         "字段 'local'（地方文件）应为布尔值 true/false (bool)，实际是'1'"),
        ("articles:\n", "articles: {number: 1}\nlater:\n", ["catalog.typeMismatch 5:11", "catalog.unknownField 6:1"],
         "字段 'articles'（条文）应为条文列表 (sequence)，实际是映射 (mapping)"),
    ])
    func oneProblem(replace: String, with replacement: String, expected: [String], message: String) throws {
        let text = validFile.replacing(replace, with: replacement, maxReplacements: 1)
        #expect(text != validFile)
        let result = try load(["demo.yaml": text])
        #expect(summary(result.diagnostics) == expected)
        let first = try #require(result.diagnostics.sorted.first)
        #expect(first.message == message)
        #expect(first.severity == .error)
        #expect(first.location?.path.hasSuffix("/demo.yaml") == true)
    }

    @Test func unknownFieldSuggestsTheClosestName() throws {
        let text = validFile.replacing("    verified: false", with: "    verifed: false")
        let result = try load(["demo.yaml": text])
        #expect(summary(result.diagnostics) == ["catalog.missingField 9:5", "catalog.unknownField 13:5"])
        let unknown = try #require(result.diagnostics.sorted.last)
        #expect(unknown.message == "未知字段 'verifed'：条文条目 (article) 中没有这个字段")
        #expect(unknown.help == "是否要写 'verified'？")
        // The article is dropped (it has no `verified`), the rest of the file is kept.
        #expect(result.catalog.latest(key: "demo")?.articles.map(\.number) == [1])
    }

    @Test func duplicateArticleNotesTheFirst() throws {
        let text = validFile.replacing("  - number: 2", with: "  - number: 1")
        let result = try load(["demo.yaml": text])
        let diagnostic = try #require(result.diagnostics.sorted.first)
        #expect(diagnostic.notes.count == 1)
        #expect(diagnostic.notes.first?.message == "第1条第一次出现在此")
        #expect(diagnostic.notes.first?.location?.line == 6)
        #expect(diagnostic.notes.first?.location?.column == 13)
    }

    /// Columns count Unicode scalars, so a Chinese summary before the mistake moves it by one column per character.
    @Test func renderedUnknownFieldOnAMultibyteLine() throws {
        let text = validFile.replacing("""
              - number: 1
                summary: 第一条概要。
                verified: true

            """, with: "  - {number: 1, summary: 第一条概要, verifid: true}\n")
        let result = try load(["demo.yaml": text])
        #expect(summary(result.diagnostics) == ["catalog.missingField 6:5", "catalog.unknownField 6:33"])
        let unknown = try #require(result.diagnostics.sorted.last)
        let rendered = DiagnosticRenderer(sources: result.sources).render(unknown)
            .replacingOccurrences(of: result.directory, with: "CAT")
        #expect(rendered == """
            CAT/demo.yaml:6:33: error: 未知字段 'verifid'：条文条目 (article) 中没有这个字段 [catalog.unknownField]
               6 |   - {number: 1, summary: 第一条概要, verifid: true}
                 |                                      ^~~~~~~
                  = 帮助 help: 是否要写 'verified'？

            """)
    }

    @Test func versionsOfOneKeyMustBeNamedAndMustNotOverlap() throws {
        let a = validFile.replacing("key: demo\n", with: "key: demo\nversion: \"2000\"\n")
            .replacing("effective: 2020-01-01", with: "effective: 2000-01-01\nsuperseded: 2010-01-01")
        let b = validFile.replacing("key: demo\n", with: "key: demo\nversion: \"2005\"\n")
            .replacing("effective: 2020-01-01", with: "effective: 2005-01-01")
        let result = try load(["demo-a.yaml": a, "demo-b.yaml": b])
        #expect(summary(result.diagnostics) == ["catalog.versionOverlap 5:12"])
        let overlap = try #require(result.diagnostics.sorted.first)
        #expect(overlap.location?.path.hasSuffix("/demo-b.yaml") == true)
        #expect(overlap.message == "法规 'demo' 的两个版本施行期间重叠：版本 '2000' 至 2010-01-01 才失效，版本 '2005' 自 2005-01-01 起已施行")
        #expect(overlap.notes.first?.location?.path.hasSuffix("/demo-a.yaml") == true)
        #expect(overlap.notes.first?.location?.line == 6)
        #expect(overlap.help == "在版本 '2000' 的文件中写 `superseded: 2005-01-01`，或改正版本 '2005' 的 effective")
        // Both versions are still in the catalogue; the newer wins where they overlap.
        #expect(result.catalog.regulations(key: "demo").count == 2)
        #expect(result.catalog.version(of: "demo", on: try #require(.init(parsing: "2006-01-01")))?.version == "2005")
    }

    @Test func versionsThatMeetDoNotOverlap() throws {
        let a = validFile.replacing("key: demo\n", with: "key: demo\nversion: \"2000\"\n")
            .replacing("effective: 2020-01-01", with: "effective: 2000-01-01\nsuperseded: 2005-01-01")
        let b = validFile.replacing("key: demo\n", with: "key: demo\nversion: \"2005\"\n")
            .replacing("effective: 2020-01-01", with: "effective: 2005-01-01")
        let result = try load(["demo-a.yaml": a, "demo-b.yaml": b])
        #expect(result.diagnostics.diagnostics.isEmpty)
    }

    @Test func twoFilesOfOneKeyWithoutVersions() throws {
        let later = validFile.replacing("effective: 2020-01-01", with: "effective: 2021-01-01")
        let result = try load(["demo-1.yaml": validFile, "demo-2.yaml": later])
        let found = result.diagnostics.sorted.map {
            "\($0.id) \($0.location.map { "\($0.path.split(separator: "/").last ?? ""):\($0.line):\($0.column)" } ?? "")"
        }
        #expect(found == [
            "catalog.missingVersion demo-1.yaml:1:6",
            "catalog.missingVersion demo-2.yaml:1:6",
            "catalog.versionOverlap demo-2.yaml:4:12",
        ])
        #expect(result.diagnostics.sorted.first?.message == "法规代码 'demo' 有多个文件，每个文件都必须写明版本 (version)")
        #expect(result.diagnostics.sorted.first?.notes.first?.location?.path.hasSuffix("/demo-2.yaml") == true)
    }

    @Test func duplicateVersion() throws {
        let a = validFile.replacing("key: demo\n", with: "key: demo\nversion: \"2000\"\n")
            .replacing("effective: 2020-01-01", with: "effective: 2000-01-01\nsuperseded: 2005-01-01")
        let b = validFile.replacing("key: demo\n", with: "key: demo\nversion: \"2000\"\n")
            .replacing("effective: 2020-01-01", with: "effective: 2005-01-01")
        let result = try load(["a.yaml": a, "b.yaml": b])
        #expect(summary(result.diagnostics) == ["catalog.duplicateVersion 2:10"])
        #expect(result.diagnostics.sorted.first?.message == "法规 'demo' 的版本 '2000' 重复")
        #expect(result.diagnostics.sorted.first?.notes.first?.location?.path.hasSuffix("/a.yaml") == true)
    }

    @Test func yamlErrorsAreReportedAndOtherFilesStillLoad() throws {
        let broken = "key: broken\ntitle: [unclosed\n"
        let result = try load(["broken.yaml": broken, "demo.yaml": validFile])
        #expect(result.diagnostics.hasErrors)
        #expect(result.diagnostics.sorted.allSatisfy { $0.id.rawValue.hasPrefix("yaml.") })
        #expect(result.catalog.keys == ["demo"])
    }

    @Test func aMissingFolder() {
        let result = RegulationCatalog.load(directory: "/nonexistent/bianzhi/catalog")
        #expect(summary(result.diagnostics) == ["catalog.notFound 1:1"])
        #expect(result.catalog.keys.isEmpty)
    }

    @Test func anEmptyFolder() throws {
        let result = try load(["README.md": "# nothing here\n"])
        #expect(summary(result.diagnostics) == ["catalog.empty 1:1"])
    }

    @Test func aRootThatIsNotAMapping() throws {
        let result = try load(["demo.yaml": "- key: demo\n"])
        #expect(summary(result.diagnostics) == ["catalog.typeMismatch 1:1"])
        #expect(result.diagnostics.sorted.first?.message == "法规条目 (regulation) 应为映射 (mapping)，实际是列表 (sequence)")
    }
}
