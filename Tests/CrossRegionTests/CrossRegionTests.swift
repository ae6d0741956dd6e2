import _BianzhiTestSupport
import AuditEngine
@testable import CrossRegion
import Diagnostics
import Foundation
import RuleSet
import Schema
import SnapshotLoader
import Testing

private func county(_ name: String = "qinghe-county") throws -> Snapshot {
    let result = SnapshotLoader().load(path: TestSupport.path("Cases/\(name)/snapshot"))
    return try #require(result.snapshot, "\(result.diagnostics.diagnostics)")
}

/// An index file with `rows` (tab-separated fields) after the two header lines.
private func index(_ rows: [String], asOf: String = "2024-06-30", region: String = "R", in directory: URL, name: String) throws -> String {
    let text = "\(RosterIndex.signature)\tas_of=\(asOf)\tregion=\(region)\n" + RosterIndex.columns.joined(separator: "\t") + "\n"
        + rows.map { $0 + "\n" }.joined()
    return try TestSupport.write(text, to: name, in: directory)
}

@Suite struct RosterIndexTests {
    @Test func theIndexListsEveryRosterRowSortedByPersonAndReadsBack() throws {
        let snapshot = try county()
        let staffSlot = SnapshotSchema.institution.requiredSlot("staff")
        let roster = snapshot.institutions.reduce(0) { $0 + ($1.recordValue?[staffSlot].listValue?.count ?? 0) }
        let rows = RosterIndex.rows(of: snapshot)
        #expect(rows.count == roster)
        #expect(zip(rows, rows.dropFirst()).allSatisfy { !RosterIndex.precedes($1.person, $0.person) })
        #expect(Set(rows.map(\.region)) == [snapshot.region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? ""])
        #expect(rows.allSatisfy { SnapshotSchema.establishment.index(of: $0.establishment) != nil && !$0.institutionName.isEmpty })

        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("county.tsv").path
        try Data(RosterIndex.file(of: snapshot)).write(to: URL(fileURLWithPath: path))
        let reader = try RosterIndexReader(path: path)
        #expect(reader.asOf == snapshot.asOf)
        var read: [RosterIndexRow] = []
        while let row = try reader.next() { read.append(row) }
        #expect(read == rows)
    }

    @Test(arguments: ["", "plain", "制表\t符", "换\n行\r回车", "反斜杠\\t不是制表符", "\\", "尾\\"])
    func fieldsRoundTrip(field: String) {
        let escaped = RosterIndex.escape(field)
        #expect(!escaped.contains("\t") && !escaped.contains("\n") && !escaped.contains("\r"))
        #expect(RosterIndex.unescape(Substring(escaped)) == field)
    }

    @Test func aBackslashBeforeAnythingElseIsRefused() {
        #expect(RosterIndex.unescape("a\\x") == nil)
        #expect(RosterIndex.unescape("a\\") == nil)
    }
}

@Suite struct CrossRegionCheckTests {
    @Test func onlyPersonsOnTheRostersOfTwoRegionsAreKeptAndAudited() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = try index(["P1\tA\tA-1\t甲局\tadministrative", "P2\tA\tA-1\t甲局\tpublic_service", "P3\tA\tA-2\t乙中心\tnone"],
                          region: "A", in: directory, name: "a.tsv")
        let b = try index(["P1\tB\tB-9\t丙局\tadministrative", "P3\tB\tB-9\t丙局\tadministrative", "P4\tB\tB-9\t丙局\tworker"],
                          asOf: "2024-09-30", region: "B", in: directory, name: "b.tsv")
        let merged = try CrossRegionCheck.merge([a, b])
        #expect(merged.rowsRead == 6)
        #expect(merged.rows.map(\.person) == ["P1", "P1", "P3", "P3"])
        #expect(merged.asOf.description == "2024-09-30")

        let snapshot = CrossRegionCheck.snapshot(of: merged)
        let id = SnapshotSchema.institution.requiredSlot("id")
        #expect(snapshot.institutions.compactMap { $0.recordValue?[id].stringValue } == ["A/A-1", "A/A-2", "B/B-9"])

        let loaded = RuleSet.load(directory: TestSupport.path("Rules"))
        #expect(!loaded.diagnostics.hasErrors)
        let across = Set(loaded.ruleSet.rules.filter(\.usesRoster).map(\.id))
        #expect(across.contains("GW-RY-001"))
        let report = AuditEngine(ruleSet: loaded.ruleSet).audit(snapshot, only: across)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
        // P1 holds an establishment in both regions: both places are reported. P3's place in A is 编外 (none): one holding only.
        #expect(report.findings.map { "\($0.ruleID) \($0.subject.id) \($0.key ?? "")" } == ["GW-RY-001 P1 A/A-1", "GW-RY-001 P1 B/B-9"])
        #expect(report.findings.first?.subject.institutionName == "甲局（A）")
        // Each names the other place, with its region.
        let others = report.findings.map { finding in report.findings.first { $0.key != finding.key }?.subject.institutionName ?? "?" }
        for (finding, other) in zip(report.findings, others) {
            #expect(finding.message.contains("同时在\(other)的实名制名册中"), "\(finding.message)")
        }
    }

    /// Two snapshots of the same region (a county a year apart) share their persons, but not across regions.
    @Test func theSameRegionTwiceIsNoCrossRegionFinding() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("2024.tsv").path
        let second = directory.appendingPathComponent("2025.tsv").path
        try Data(RosterIndex.file(of: county())).write(to: URL(fileURLWithPath: first))
        try Data(RosterIndex.file(of: county("qinghe-county-2025"))).write(to: URL(fileURLWithPath: second))
        let merged = try CrossRegionCheck.merge([first, second])
        #expect(merged.rowsRead > 4_000)
        #expect(merged.rows.isEmpty)
    }

    @Test func badIndexesAreRefusedWhereTheyAreWrong() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try index(["P1\tA\tA-1\t甲局\tadministrative"], in: directory, name: "good.tsv")
        func failure(_ paths: [String]) -> CrossRegionError? {
            do {
                _ = try CrossRegionCheck.merge(paths)
                return nil
            } catch {
                return error
            }
        }
        // By bytes "P10" comes before "P2": a list sorted as numbers is out of order.
        let unsorted = try index(["P1\tA\tA-1\t甲局\tadministrative", "P2\tA\tA-1\t甲局\tadministrative", "P10\tA\tA-1\t甲局\tnone"],
                                 in: directory, name: "unsorted.tsv")
        #expect(failure([good, unsorted]) == CrossRegionError(.outOfOrder(previous: "P2", person: "P10"),
                                                               at: SourceLocation(path: unsorted, line: 5, column: 1)))
        let kind = try index(["P1\tA\tA-1\t甲局\tadminstrative"], in: directory, name: "kind.tsv")
        #expect(failure([good, kind]) == CrossRegionError(.unknownEstablishment("adminstrative"), at: SourceLocation(path: kind, line: 3, column: 13)))
        let short = try index(["P1\tA\tA-1"], in: directory, name: "short.tsv")
        #expect(failure([good, short]) == CrossRegionError(.fieldCount(3), at: SourceLocation(path: short, line: 3, column: 1)))
        let other = try TestSupport.write("person\tregion\n", to: "other.tsv", in: directory)
        #expect(failure([good, other]) == CrossRegionError(.notAnIndex, at: SourceLocation(path: other, line: 1, column: 1)))
        let long = try index(["P1\tA\tA-1\t" + String(repeating: "局", count: 30_000) + "\tnone"], in: directory, name: "long.tsv")
        #expect(failure([good, long]) == CrossRegionError(.lineTooLong(64 * 1024), at: SourceLocation(path: long, line: 3, column: 1)))
        #expect(failure([good])?.kind == .notEnoughFiles)
        #expect(failure([good, directory.appendingPathComponent("missing.tsv").path])?.kind == .unreadable("No such file or directory"))
        // Every error reads as a located diagnostic.
        #expect(failure([good, unsorted])?.diagnostic.location?.line == 5)
    }
}
