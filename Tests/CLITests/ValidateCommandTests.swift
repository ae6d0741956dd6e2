import _BianzhiTestSupport
import Foundation
import Testing

/// Bad rules: `validate` refuses each with exit 1 and a message at the exact line and column.
@Suite struct ValidateBadRuleTests {
    static let rule = """
    - id: T-ST-001
      title: 超编
      severity: error
      scope: institution
      let:
        actual: count(it.staff, p -> p.establishment == administrative)
        approved: it.approved.staffing.administrative
      require: actual <= approved
      message: "{it.name}超编{actual - approved}名"
      cite:
        - {source: gwy486, article: 6, paragraph: 2}
      examples:
        compliant:
          - {approved: {staffing: {administrative: 1}}, staff: [{id: P1, establishment: administrative}]}
        violating:
          - {approved: {staffing: {administrative: 0}}, staff: [{id: P1, establishment: administrative}]}

    """

    /// A rules folder with the real catalogue and one pack holding `text`.
    static func rulesFolder(_ text: String, extra: String? = nil) throws -> URL {
        let directory = try TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: TestSupport.path("Rules/catalog"), toPath: directory.appendingPathComponent("catalog").path)
        try TestSupport.write(text, to: "test/rules.yaml", in: directory)
        if let extra { try TestSupport.write(extra, to: "test/more.yaml", in: directory) }
        return directory
    }

    /// Line and column (in characters) of the first occurrence of `token` on a line containing `context`.
    static func position(of token: String, onLineWith context: String, in text: String) -> String {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(context) {
            if let range = line.range(of: token) {
                return "\(index + 1):\(line[..<range.lowerBound].count + 1)"
            }
        }
        return "?"
    }

    struct BadRule: Sendable, CustomTestStringConvertible {
        var name: String
        var old: String
        var new: String
        var token: String
        var context: String
        var id: String
        var testDescription: String { name }
    }

    static let cases: [BadRule] = [
        BadRule(name: "unknown field", old: "  severity: error\n", new: "  severity: error\n  descripton: 说明\n",
                token: "descripton", context: "descripton", id: "rule.unknownField"),
        BadRule(name: "misspelt enum value", old: "p.establishment == administrative)", new: "p.establishment == administrativ)",
                token: "administrativ)", context: "actual: count", id: "sema.unknownEnumValue"),
        BadRule(name: "type mismatch", old: "require: actual <= approved", new: "require: actual <= it.rank",
                token: "actual <= it.rank", context: "require:", id: "sema.typeMismatch"),
        BadRule(name: "optional value used without saying what happens when it is missing",
                old: "require: actual <= approved", new: "require: actual <= approved and it.established < as_of",
                token: "it.established", context: "require:", id: "sema.optionalUse"),
        BadRule(name: "citation of an article the catalogue lacks", old: "article: 6, paragraph: 2", new: "article: 99, paragraph: 2",
                token: "2}", context: "article: 99", id: "rule.unknownArticle"),
        BadRule(name: "rule without examples", old: "  examples:\n    compliant:\n      - {approved: {staffing: {administrative: 1}}, staff: [{id: P1, establishment: administrative}]}\n    violating:\n      - {approved: {staffing: {administrative: 0}}, staff: [{id: P1, establishment: administrative}]}\n",
                new: "", token: "id", context: "- id: T-ST-001", id: "rule.missingExamples"),
        BadRule(name: "violating example that expects no finding",
                old: "violating:\n      - {approved: {staffing: {administrative: 0}}, staff: [{id: P1, establishment: administrative}]}",
                new: "violating:\n      - {approved: {staffing: {administrative: 0}}, staff: [{id: P1, establishment: administrative}], findings: 00}",
                token: "00}", context: "findings: 00", id: "rule.typeMismatch"),
        BadRule(name: "example that does not behave as its label says",
                old: "    compliant:\n      - {approved: {staffing: {administrative: 1}}",
                new: "    compliant:\n      - {approved: {staffing: {administrative: 0}}",
                token: "{approved: {staffing: {administrative: 0}}", context: "administrative: 0}}, staff", id: "rule.exampleMismatch"),
    ]

    /// An example that is not a valid snapshot is refused by `validate` and `test` at its line; `audit` only checks the form of the
    /// examples (it never runs them), so it audits with the rule. A rule without examples is refused by all three.
    @Test func anExampleThatDoesNotDecodeIsForValidateAndTestNotForAudit() throws {
        let text = ValidateBadRuleTests.rule.replacingOccurrences(of: "staff: [{id: P1, establishment: administrative}]}\n    violating:",
                                                                 with: "staff: [{id: P1, establishment: administrativ}]}\n    violating:")
        #expect(text != ValidateBadRuleTests.rule)
        let directory = try ValidateBadRuleTests.rulesFolder(text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let validate = try CLIRunner.run(["validate", directory.path])
        #expect(validate.status == 1)
        let where_ = ValidateBadRuleTests.position(of: "administrativ}", onLineWith: "administrativ}", in: text)
        #expect(validate.stdout.contains("test/rules.yaml:\(where_)") || validate.stderr.contains("test/rules.yaml:\(where_)"),
                "\(validate.stdout)\(validate.stderr)")
        let cases = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cases) }
        #expect(try CLIRunner.run(["test", directory.path, "--cases", cases.path, "--quiet"]).status != 0)
        let audit = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--rules", directory.path, "--format", "json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty && findings.allSatisfy { $0["rule"] as? String == "T-ST-001" })

        let withoutExamples = ValidateBadRuleTests.rule.components(separatedBy: "  examples:\n")[0]
        let bare = try ValidateBadRuleTests.rulesFolder(withoutExamples)
        defer { try? FileManager.default.removeItem(at: bare) }
        let refused = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--rules", bare.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("rule.missingExamples"), "\(refused.stderr)")
    }

    /// Errors inside multi-line expressions (`|`, `>-`, a plain scalar over two lines, a double-quoted one folded) are
    /// at their own line and column, and so are errors after escapes (`\"`, `''`, `\u201c`); they were placed at the
    /// start of the line, or some columns off.
    @Test func errorsAreLocatedInEveryScalarStyle() throws {
        func rule(_ id: String, _ require: String) -> String {
            "- id: \(id)\n  title: 测试\n  severity: error\n  scope: institution\n  require: \(require)\n  message: \"x\"\n"
                + "  cite: [{source: gwy486, article: 6}]\n  examples:\n    compliant: [{}]\n    violating: [{findings: 1}]\n"
        }
        let text = rule("T-XX-001", "|\n    count(it.staff) >= 0\n      and it.nosuch1 == 1")
            + rule("T-XX-002", ">-\n    count(it.staff) >= 0\n\n      and it.nosuch2 == 1")
            + rule("T-XX-003", "count(it.staff) >= 0\n      and it.nosuch3 == 1")
            + rule("T-XX-004", "\"\\\"a\\\" == \\\"a\\\" and it.nosuch4 == 1\"")
            + rule("T-XX-005", "'it.name == ''a'' and it.nosuch5 == 1'")
            + rule("T-XX-006", "\"it.name == \\u201ca\\u201d or\n    it.nosuch6 == 1\"")
        let directory = try ValidateBadRuleTests.rulesFolder(text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path])
        #expect(result.status == 1)
        for index in 1...6 {
            let where_ = ValidateBadRuleTests.position(of: "nosuch\(index)", onLineWith: "nosuch\(index)", in: text)
            #expect(result.stderr.contains("test/rules.yaml:\(where_): error: 机构 (Institution) 没有字段 'nosuch\(index)'"),
                    "nosuch\(index) at \(where_): \(result.stderr)")
        }
        // Chinese quotes are no string quotes: said so, with the escape they came from underlined whole.
        let quote = ValidateBadRuleTests.position(of: "\\u201ca", onLineWith: "\\u201ca", in: text)
        #expect(result.stderr.contains("test/rules.yaml:\(quote): error: 未知的名称 '“a”'：中文引号不是字符串的引号"), "\(result.stderr)")
        #expect(result.stderr.contains("^~~~~~~~~~~~~\n"), "\(result.stderr)")
    }

    /// Messages for rule authors that pointed at the wrong place or said the wrong thing.
    @Test func theRulesFolderItsFilesAndTheirShapeAreExplained() throws {
        let directory = try ValidateBadRuleTests.rulesFolder(ValidateBadRuleTests.rule)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A rule file given instead of the folder: said so (it was "the folder does not exist"), with the folder to give.
        let file = try CLIRunner.run(["validate", directory.appendingPathComponent("test/rules.yaml").path])
        #expect(file.status == 2)
        #expect(file.stderr.contains("给出的是一个文件，不是规则文件夹 [rules.notAFolder]"), "\(file.stderr)")
        #expect(file.stderr.contains("bianzhi validate \(directory.path)"), "\(file.stderr)")
        #expect(!file.stderr.contains("catalog.notFound"))
        // `test` says the same as `validate` for rules with errors: 1, not 2 (2 is for a folder that is not there).
        let bad = try ValidateBadRuleTests.rulesFolder(ValidateBadRuleTests.rule.replacingOccurrences(of: "require: actual <= approved", with: "require: actual <= it.rank"))
        defer { try? FileManager.default.removeItem(at: bad) }
        let cases = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cases) }
        #expect(try CLIRunner.run(["validate", bad.path]).status == 1)
        #expect(try CLIRunner.run(["test", bad.path, "--cases", cases.path]).status == 1)
        #expect(try CLIRunner.run(["test", "/nonexistent/rules", "--cases", cases.path]).status == 2)
        // An empty rule file gets help about rule files (it had the snapshot's), `rules: 5` is marked at the 5.
        try TestSupport.write("", to: "test/empty.yaml", in: directory)
        try TestSupport.write("rules: 5\n", to: "test/five.yaml", in: directory)
        try TestSupport.write("~\n", to: "test/pack.yaml", in: directory)
        let shapes = try CLIRunner.run(["validate", directory.path])
        #expect(shapes.stderr.contains("test/pack.yaml:1:1: error: pack.yaml 应为映射（字段: 值），实际是空值 (null) [rules.packShape]"), "\(shapes.stderr)")
        #expect(shapes.status == 1)
        #expect(shapes.stderr.contains("test/empty.yaml:1:1: error: 文件为空"), "\(shapes.stderr)")
        #expect(shapes.stderr.contains("规则文件是规则的列表，每条以 `- id: …` 开始"), "\(shapes.stderr)")
        #expect(!shapes.stderr.contains("快照文件至少需要"))
        #expect(shapes.stderr.contains("test/five.yaml:1:8: error: 'rules:' 应为规则列表 [rule.fileShape]"), "\(shapes.stderr)")
    }

    /// An id `validate` passed but the published JSON Schema of rule files refuses: both now say the same.
    @Test func ruleIDsHaveTheSchemasForm() throws {
        let directory = try ValidateBadRuleTests.rulesFolder(ValidateBadRuleTests.rule.replacingOccurrences(of: "- id: T-ST-001", with: "- id: zz-st-1"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("test/rules.yaml:1:7: error: 规则编号 'zz-st-1' 的写法不对"), "\(result.stderr)")
        #expect(result.stderr.contains("是否要写 'ZZ-ST-1'？"))
        let schema = try CLIRunner.run(["schema", "rules"])
        #expect(schema.stdout.contains("\"pattern\": \"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$\""), "\(schema.stdout.prefix(2000))")
    }

    /// `test` names a failing example and says where it is, to the line and column.
    @Test func aFailingExampleIsShownWithItsLocation() throws {
        let old = "    compliant:\n      - {approved: {staffing: {administrative: 1}}"
        let text = ValidateBadRuleTests.rule.replacingOccurrences(of: old, with: "    compliant:\n      - {approved: {staffing: {administrative: 0}}")
        let directory = try ValidateBadRuleTests.rulesFolder(text)
        let cases = try TestSupport.temporaryDirectory()
        let result = try CLIRunner.run(["test", directory.path, "--cases", cases.path, "--quiet"])
        #expect(result.status == 1)
        let where_ = ValidateBadRuleTests.position(of: "{approved: {staffing: {administrative: 0}}", onLineWith: "administrative: 0}}, staff", in: text)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let failure = try #require(lines.firstIndex { $0.hasPrefix("✗ T-ST-001") }, "\(result.stdout)")
        let location = try #require(lines[failure...].first { $0.hasPrefix("    位置：") })
        #expect(location.hasSuffix("test/rules.yaml:\(where_)"), "\(location)")
        #expect(lines.last == "1 passed, 1 failed", "\(result.stdout)")
    }

    @Test(arguments: cases)
    func badRuleIsRefusedAtItsLocation(bad: BadRule) throws {
        guard let range = ValidateBadRuleTests.rule.range(of: bad.old) else {
            Issue.record("fixture has no \(bad.old)")
            return
        }
        let text = ValidateBadRuleTests.rule.replacingCharacters(in: range, with: bad.new)
        let directory = try ValidateBadRuleTests.rulesFolder(text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path])
        #expect(result.status == 1, "\(result.stderr)")
        let expected = directory.path + "/test/rules.yaml:" + ValidateBadRuleTests.position(of: bad.token, onLineWith: bad.context, in: text) + ":"
        let errorLines = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errorLines.contains { $0.hasPrefix(expected) && $0.hasSuffix("[\(bad.id)]") },
                "expected \(expected) … [\(bad.id)] in:\n\(result.stderr)")
    }

    @Test func duplicateRuleIDAcrossFilesHasANoteAtTheFirst() throws {
        let directory = try ValidateBadRuleTests.rulesFolder(ValidateBadRuleTests.rule, extra: ValidateBadRuleTests.rule)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(directory.path)/test/rules.yaml:1:3: error: 规则编号 'T-ST-001' 重复"), "\(result.stderr)")
        #expect(result.stderr.contains("\(directory.path)/test/more.yaml:1:3: note: 'T-ST-001' 第一次定义在此"), "\(result.stderr)")
    }

    @Test func aGoodRuleValidates() throws {
        let directory = try ValidateBadRuleTests.rulesFolder(ValidateBadRuleTests.rule)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 条规则"))
    }

    @Test func githubFormatAnnotatesTheLine() throws {
        let text = ValidateBadRuleTests.rule.replacingOccurrences(of: "article: 6, paragraph: 2", with: "article: 99")
        let directory = try ValidateBadRuleTests.rulesFolder(text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path, "--format", "github"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("::error file=\(directory.path)/test/rules.yaml,line=11,col="), "\(result.stdout)")
    }

    @Test func theProjectRulesValidate() throws {
        let result = try CLIRunner.run(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
