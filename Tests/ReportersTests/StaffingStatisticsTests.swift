import _BianzhiTestSupport
import Foundation
import SnapshotLoader
import Schema
@testable import Statistics
import Testing
import WorkerPool

@Suite struct StaffingStatisticsTests {
    static func sample(_ text: String = SampleSnapshot.text) throws -> StaffingStatistics {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(text, to: "s.yaml", in: directory)
        let loaded = SnapshotLoader().load(path: path)
        return StaffingStatistics(try #require(loaded.snapshot, "\(loaded.diagnostics.diagnostics)"))
    }

    @Test func countsApprovedActualVacantAndExcessPerEstablishmentType() throws {
        let statistics = try StaffingStatisticsTests.sample()
        let kinds = StaffingStatistics.establishmentKinds.map(\.name)
        #expect(kinds == ["administrative", "political_legal", "public_service", "worker"])
        let administrative = statistics.establishments[0]
        #expect(administrative == .init(approved: 2, actual: 2, vacant: 0, excess: 0))
        #expect(statistics.establishments[2] == .init(approved: 5, actual: 1, vacant: 4, excess: 0), "事业编制: 4 空编")
        #expect(statistics.institutionCount == 2)
        #expect(statistics.leadership[0] == .init(approved: 2, actual: 1, vacant: 1, excess: 0), "正职")
    }

    @Test func vacancyAndExcessAreCountedPerInstitution() throws {
        // One institution over by one and another under by one: the region is not simply "even".
        let text = SampleSnapshot.replacing("staffing: {public_service: 5}", with: "staffing: {administrative: 1, public_service: 5}")
            .replacing("staffing: {administrative: 2}", with: "staffing: {administrative: 1}")
        let statistics = try StaffingStatisticsTests.sample(text)
        #expect(statistics.establishments[0] == .init(approved: 2, actual: 2, vacant: 1, excess: 1))
        #expect(statistics.institutions[0].staffing[0].excess == 1)
        #expect(statistics.categories.map(\.label) == ["政府工作部门", "事业单位"])
    }

    /// The rows held as numbers read back as the rows they were made of, and sum as the rows do.
    @Test func institutionRowsReadBackAsTheRowsAdded() {
        typealias Count = StaffingStatistics.Count
        let kinds = StaffingStatistics.establishmentKinds.count
        let posts = StaffingStatistics.leadershipKinds.count
        let rows = (0..<7).map { index in
            StaffingStatistics.InstitutionRow(
                id: "I\(index)", name: "机构\(index)", category: index.isMultiple(of: 2) ? "事业单位" : "政府工作部门",
                staffing: (0..<kinds).map { Count(approved: (index * 7 + $0 * 3) % 5, actual: (index + $0) % 4) },
                unestablished: index % 3,
                leadership: (0..<posts).map { Count(approved: ($0 + index) % 3, actual: (index * $0) % 4) })
        }
        // Joined from parts (one of them empty, one of a single row), read across them.
        var held = StaffingStatistics.InstitutionRows(Array(rows[..<3]))
        held.append(contentsOf: StaffingStatistics.InstitutionRows())
        held.append(contentsOf: StaffingStatistics.InstitutionRows([rows[3]]))
        held.append(contentsOf: StaffingStatistics.InstitutionRows(Array(rows[4...])))
        #expect(held.count == rows.count)
        #expect(Array(held) == rows)
        #expect(held.indices.map(held.id(at:)) == rows.map(\.id) && held.indices.map(held.category(at:)) == rows.map(\.category))
        for column in 0..<kinds {
            #expect(held.staffingTotal(column) == rows.reduce(Count()) { $0 + $1.staffing[column] })
        }
        for column in 0..<posts {
            #expect(held.leadershipTotal(column) == rows.reduce(Count()) { $0 + $1.leadership[column] })
        }
        #expect(held.unestablishedTotal == rows.reduce(0) { $0 + $1.unestablished })
        // Equal, and hashed alike, however the same rows are split into parts.
        #expect(held == StaffingStatistics.InstitutionRows(rows) && held.hashValue == StaffingStatistics.InstitutionRows(rows).hashValue)
        #expect(held != StaffingStatistics.InstitutionRows(Array(rows.dropLast())))
        #expect(held != StaffingStatistics.InstitutionRows(rows.reversed()))
        #expect(StaffingStatistics.InstitutionRows().isEmpty && StaffingStatistics.InstitutionRows().staffingTotal(0) == Count())
    }

    @Test func limitsUsedCountInstitutionsWithinTheLimitAndApprovedStaffing() throws {
        let statistics = try StaffingStatisticsTests.sample()
        let limits = Dictionary(uniqueKeysWithValues: statistics.limits.map { ($0.name, $0) })
        #expect(limits["government_departments"]?.limit == 26)
        #expect(limits["government_departments"]?.used == 1)
        #expect(limits["party_bodies"]?.used == 0)
        #expect(limits["administrative_staffing"]?.limit == nil)
        #expect(limits["administrative_staffing"]?.used == 2)
        #expect(limits["public_service_staffing"]?.used == 5)
    }

    @Test func abolishedInstitutionsAreLeftOut() throws {
        let text = SampleSnapshot.replacing("parent: QH-JTJ", with: "parent: QH-JTJ\n    abolished: 2024-01-01")
        let statistics = try StaffingStatisticsTests.sample(text)
        #expect(statistics.institutionCount == 1)
        #expect(statistics.establishments[2].approved == 0)
    }

    @Test func unestablishedPeopleAreCountedApart() throws {
        let text = SampleSnapshot.replacing("- {id: P002, establishment: administrative, joined: 2020-09-01}",
                                            with: "- {id: P002, establishment: none}")
        let statistics = try StaffingStatisticsTests.sample(text)
        #expect(statistics.unestablished == 1)
        #expect(statistics.establishments[0].actual == 1)
        #expect(statistics.establishments[0].vacant == 1)
    }

    /// Tallied as the snapshot streams (a folder file by file, one file in runs or batches of one institution, one and two
    /// threads, on its date and another): the statistics of the snapshot loaded in full, for the bundled county and every
    /// case. A snapshot that cannot stream gives nil (the caller loads it in full and reports its problems).
    @Test func statisticsTalliedWhileStreamingAreThoseOfTheFullSnapshot() throws {
        var paths = [TestSupport.path("Cases/qinghe-county/snapshot")]
        let cases = try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Cases")).sorted()
        paths += cases.map { TestSupport.path("Cases/\($0)/snapshot.yaml") }.filter { FileManager.default.fileExists(atPath: $0) }
        var streamed = 0
        for path in paths {
            guard let full = SnapshotLoader().load(path: path).snapshot else { continue }
            for workers in [1, 2] {
                let loaders = [SnapshotLoader(workers: WorkerPool(workers: workers)),
                               SnapshotLoader(workers: WorkerPool(workers: workers), splitBytes: 1),
                               SnapshotLoader(workers: WorkerPool(workers: workers), batchWeight: 1, splitsFiles: false)]
                for loader in loaders {
                    for date in [nil, CivilDate(parsing: "2031-01-01")] {
                        let statistics = try #require(StaffingStatistics.streamed(path: path, loader: loader, asOf: date), "\(path) did not stream")
                        #expect(statistics == StaffingStatistics(date.map { full.with(asOf: $0) } ?? full), "\(path), \(workers) workers")
                    }
                }
            }
            streamed += 1
        }
        #expect(streamed >= 20)

        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // No institutions: the region's limits, none of them used (a file with an empty list gives the visitors nothing).
        let empty = try TestSupport.write(SampleSnapshot.cleanCountyWithoutInstitutions(), to: "empty.yaml", in: directory)
        let none = try #require(SnapshotLoader().load(path: empty).snapshot)
        #expect(none.institutions.isEmpty)
        for loader in [SnapshotLoader(), SnapshotLoader(splitsFiles: false)] {
            let statistics = try #require(StaffingStatistics.streamed(path: empty, loader: loader))
            #expect(statistics == StaffingStatistics(none))
            #expect(statistics.institutionCount == 0 && statistics.limits.contains { $0.limit != nil })
        }

        let broken = try TestSupport.write(SampleSnapshot.replacing("establishment: administrative", with: "establishment: administrativ"),
                                           to: "broken.yaml", in: directory)
        #expect(StaffingStatistics.streamed(path: broken, loader: SnapshotLoader()) == nil)
    }
}
