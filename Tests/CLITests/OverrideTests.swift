import _BianzhiTestSupport
import Foundation
import Testing

/// A local pack may tighten a central rule, never loosen it: `validate` refuses a raised cap at its `overrides:` line.
@Suite struct OverrideTests {
    static let central = """
    - id: C-LD-001
      title: 副职超过核定职数
      severity: error
      scope: institution
      let:
        actual: count(it.staff, p -> p.post == deputy)
      require: actual <= it.approved.leadership.deputy
      message: "{it.name}副职{actual}名"
      cite: [{source: gwy486, article: 26, item: 5}]
      examples:
        compliant: [{approved: {leadership: {principal: 1, deputy: 1}}, staff: [{id: P1, establishment: administrative, post: deputy}]}]
        violating: [{approved: {leadership: {principal: 1, deputy: 1}}, staff: [{id: P1, establishment: administrative, post: deputy}, {id: P2, establishment: administrative, post: deputy}]}]

    """

    static func local(cap: String) -> String {
        """
        - id: L-LD-001
          title: 副职上限（地方）
          severity: error
          scope: institution
          overrides: C-LD-001
          let:
            actual: count(it.staff, p -> p.post == deputy)
          require: actual <= \(cap)
          message: "{it.name}副职{actual}名"
          cite: [{source: gwy486, article: 26, item: 5}]
          examples:
            compliant: [{approved: {leadership: {principal: 1, deputy: 1}}, staff: []}]
            violating: [{approved: {leadership: {principal: 1, deputy: 0}}, staff: [{id: P1, establishment: administrative, post: deputy}, {id: P2, establishment: administrative, post: deputy}, {id: P3, establishment: administrative, post: deputy}]}]

        """
    }

    static func folder(local: String) throws -> URL {
        let directory = try TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: TestSupport.path("Rules/catalog"), toPath: directory.appendingPathComponent("catalog").path)
        try TestSupport.write(central, to: "central/rules.yaml", in: directory)
        try TestSupport.write("pack: local\nregions: [\"99\"]\n", to: "local/pack.yaml", in: directory)
        try TestSupport.write(local, to: "local/rules.yaml", in: directory)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cases"), withIntermediateDirectories: true)
        return directory
    }

    @Test func aPackThatRaisesTheCapFailsAtItsOverridesLine() throws {
        // The approved number plus one: looser than the central rule.
        let directory = try OverrideTests.folder(local: OverrideTests.local(cap: "it.approved.leadership.deputy + 1"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path, "--cases", directory.appendingPathComponent("cases").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(directory.path)/local/rules.yaml:5:14: error: 覆盖规则 L-LD-001 放宽了中央规则 C-LD-001"), "\(result.stderr)")
        #expect(result.stderr.contains("[rules.overrideLoosens]"))
    }

    @Test func aPackThatTightensTheCapValidates() throws {
        // Never more than the approved number, and at most two in any case.
        let cap = "(if it.approved.leadership.deputy < 2 then it.approved.leadership.deputy else 2)"
        let directory = try OverrideTests.folder(local: OverrideTests.local(cap: cap))
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["validate", directory.path, "--cases", directory.appendingPathComponent("cases").path])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
