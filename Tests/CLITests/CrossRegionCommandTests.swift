import _BianzhiTestSupport
import Foundation
import Testing

@Suite struct CrossRegionCommandTests {
    private static let header = "#bianzhi-roster-index v1\tas_of=2024-06-30\tregion=X\nperson\tregion\tinstitution\tinstitution_name\testablishment\n"

    @Test func rosterIndexWritesTheSortedIndexOfASnapshot() throws {
        let result = try CLIRunner.run(["roster-index", "Cases/qinghe-county/snapshot"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("#bianzhi-roster-index v1\tas_of=2024-06-30\tregion=999001") == true)
        #expect(lines.dropFirst().first == "person\tregion\tinstitution\tinstitution_name\testablishment")
        let persons = lines.dropFirst(2).map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }
        #expect(persons.count > 2_000)
        #expect(zip(persons, persons.dropFirst()).allSatisfy { !$1.utf8.lexicographicallyPrecedes($0.utf8) })
    }

    @Test func crossRegionReportsAPersonOnTwoRegionsRosters() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = try TestSupport.write(CrossRegionCommandTests.header + "P1\tA\tA-1\t甲局\tadministrative\nP2\tA\tA-1\t甲局\tnone\n", to: "a.tsv", in: directory)
        let b = try TestSupport.write(CrossRegionCommandTests.header + "P1\tB\tB-1\t乙局\tpublic_service\nP3\tB\tB-1\t乙局\tworker\n", to: "b.tsv", in: directory)
        let result = try CLIRunner.run(["cross-region", a, b, "--format", "json"], environment: ["SOURCE_DATE_EPOCH": "1767225600"])
        #expect(result.status == 1, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["GW-RY-001", "GW-RY-001"])
        #expect(findings.map { $0["key"] as? String } == ["A/A-1", "B/B-1"])
        #expect(result.stderr.contains("1 名人员在两个以上地区的名册中"))
    }

    @Test func badIndexesAreExitTwoWithTheirLine() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = try TestSupport.write(CrossRegionCommandTests.header + "P2\tA\tA-1\t甲局\tadministrative\nP1\tA\tA-1\t甲局\tnone\n", to: "a.tsv", in: directory)
        let b = try TestSupport.write(CrossRegionCommandTests.header + "P1\tB\tB-1\t乙局\tworker\n", to: "b.tsv", in: directory)
        let unsorted = try CLIRunner.run(["cross-region", a, b])
        #expect(unsorted.status == 2 && unsorted.stdout.isEmpty)
        #expect(unsorted.stderr.contains("a.tsv:4:1"), "\(unsorted.stderr)")
        let alone = try CLIRunner.run(["cross-region", b])
        #expect(alone.status == 2 && alone.stderr.contains("至少需要两个"))
    }
}
