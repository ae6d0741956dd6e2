import _BianzhiTestSupport
import Foundation
import Schema
@testable import SnapshotLoader
import Testing
import WorkerPool

/// Every snapshot file of the bundled cases, as (path, is the snapshot file or region.yaml).
private func caseFiles() throws -> [(path: String, root: Bool)] {
    let cases = TestSupport.path("Cases")
    var files: [(String, Bool)] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: cases).sorted() {
        let snapshot = cases + "/" + name + "/snapshot"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: snapshot, isDirectory: &isDirectory), isDirectory.boolValue {
            if let region = ["region.yaml", "region.yml", "region.json"].map({ snapshot + "/" + $0 })
                .first(where: { FileManager.default.fileExists(atPath: $0) }) {
                files.append((region, true))
            }
            files += SnapshotLoader.institutionFiles(in: snapshot + "/institutions").map { ($0, false) }
        }
        for ext in ["yaml", "yml", "json"] where FileManager.default.fileExists(atPath: snapshot + "." + ext) {
            files.append((snapshot + "." + ext, true))
        }
    }
    return files
}

@Suite struct StreamingDecoderTests {
    /// The fast path must give exactly what the full path gives (values and marks) on every valid file.
    @Test func fastAndFullPathsAgreeOnEveryBundledCase() throws {
        let files = try caseFiles()
        #expect(files.count > 60, "expected the bundled cases, found \(files.count) files")
        let plans = DecodingPlans()
        for (index, file) in files.enumerated() {
            let full = FileDecoding.full(path: file.path, fileIndex: Int32(index), root: file.root, limits: .default)
            #expect(full.diagnostics.isEmpty, "\(file.path): \(full.diagnostics)")
            let fast = FileDecoding.fast(path: file.path, fileIndex: Int32(index), root: file.root, plans: plans, limits: .default)
            #expect(fast != nil, "the fast path gave up on the valid file \(file.path)")
            #expect(fast == full.records, "the fast path decoded \(file.path) differently")
        }
    }

    /// Anything unusual goes to the full path, which still reads valid files (an alias) and locates problems.
    @Test(arguments: [
        ("snapshot: v1\nas_of: 2024-06-30\nregion: &r {code: '1', name: 甲, level: county}\nx: *r\n", "alias"),
        ("snapshot: v1\nas_of: 2024-02-30\n", "impossible date"),
        ("snapshot: v1\nsnapshot: v1\n", "duplicate key"),
        ("snapshot: !!str v1\nas_of: 2024-06-30\n", "tag"),
        ("", "empty file"),
        ("a: [1\n", "broken YAML"),
    ])
    func unusualFilesFallBack(text: String, what: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(text, to: "s.yaml", in: directory)
        #expect(FileDecoding.fast(path: path, fileIndex: 0, root: true, plans: DecodingPlans(), limits: .default) == nil, "\(what)")
    }

    @Test func integersAsTheFullPathReadsThem() {
        func integer(_ text: String) -> Int? {
            Array(text.utf8).withUnsafeBufferPointer { StreamingDecoder.integer($0) }
        }
        #expect(integer("42") == 42)
        #expect(integer("+7") == 7)
        #expect(integer("-0012") == -12)
        #expect(integer("9223372036854775807") == Int.max)
        #expect(integer("-9223372036854775808") == Int.min)
        #expect(integer("9223372036854775808") == nil)
        #expect(integer("") == nil)
        #expect(integer("-") == nil)
        #expect(integer("1_000") == nil)
        #expect(integer("0x10") == nil)
    }

    /// A snapshot of `count` institutions, large enough that the prefetching reader hands over many batches.
    private func largeSnapshot(_ count: Int, lastDate: String = "2020-09-01") -> String {
        var text = "snapshot: v1\nas_of: 2024-06-30\nregion: {code: \"999001\", name: 青禾县, level: county}\ninstitutions:\n"
        for index in 0..<count {
            text += """
              - id: I\(index)
                name: "第\(index)局"
                category: government_department
                rank: section
                within_limit: true
                approved: {staffing: {administrative: 9}, leadership: {principal: 1, deputy: 2}, internal_units: [办公室, 综合股]}
                staff:
                  - {id: P\(index)a, establishment: administrative, post: principal, joined: 2019-01-01}
                  - {id: P\(index)b, establishment: administrative, joined: \(index == count - 1 ? lastDate : "2021-03-04")}

            """
        }
        return text
    }

    @Test func thePrefetchingReaderGivesTheSameRecords() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(largeSnapshot(3000), to: "s.yaml", in: directory)
        let plans = DecodingPlans()
        let full = FileDecoding.full(path: path, fileIndex: 0, root: true, limits: .default)
        #expect(full.diagnostics.isEmpty)
        var direct = try #require(StreamingDecoder(path: path, fileIndex: 0, plans: plans, prefetch: false))
        var prefetched = try #require(StreamingDecoder(path: path, fileIndex: 0, plans: plans, prefetch: true))
        let a = try direct.decodeSnapshot()
        let b = try prefetched.decodeSnapshot()
        #expect([a] == full.records)
        #expect(a == b)
        #expect(a[SnapshotSchema.snapshot.requiredSlot("institutions")].listValue?.count == 3000)
    }

    /// A problem near the end: the fast path stops, its parsing thread is stopped, and the full path locates the problem.
    @Test func thePrefetchingReaderStopsCleanlyWhenItGivesUp() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = largeSnapshot(3000, lastDate: "2021-02-30")
        let path = try TestSupport.write(text, to: "s.yaml", in: directory)
        let badLine = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("2021-02-30") }) + 1
        let plans = DecodingPlans()
        for _ in 0..<3 {
            var decoder = try #require(StreamingDecoder(path: path, fileIndex: 0, plans: plans, prefetch: true))
            #expect(throws: StreamingDecoder.Fallback.self) { try decoder.decodeSnapshot() }
        }
        let result = SnapshotLoader(workers: WorkerPool(workers: 2)).load(path: path)
        #expect(result.snapshot == nil)
        let error = try #require(result.diagnostics.diagnostics.first)
        #expect(error.id.rawValue == "snapshot.badDate")
        #expect(error.location?.line == badLine)
    }

    /// A folder read by one worker and by several gives the same snapshot.
    @Test func folderLoadingDoesNotDependOnTheNumberOfWorkers() throws {
        let path = TestSupport.path("Cases/qinghe-county/snapshot")
        let one = SnapshotLoader(workers: WorkerPool(workers: 1)).load(path: path)
        let many = SnapshotLoader(workers: WorkerPool(workers: 4)).load(path: path)
        let a = try #require(one.snapshot)
        let b = try #require(many.snapshot)
        #expect(a.root == b.root)
        #expect(a.files == b.files)
    }
}
