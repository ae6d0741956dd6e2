import _BianzhiTestSupport
import Foundation
import Schema
@testable import SnapshotLoader
import Synchronization
import Testing
import WorkerPool

/// The snapshot files of the bundled cases.
private func caseFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Cases")).sorted()
        .map { TestSupport.path("Cases/\($0)/snapshot.yaml") }
        .filter { FileManager.default.fileExists(atPath: $0) }
}

@Suite struct FileStreamTests {
    /// Each case file streamed in batches of one institution, with one worker and three: the visitors see every
    /// institution once, in order, batch by batch; each batch read again on its own lines is what the full load has.
    @Test func batchesCoverTheInstitutionsAndReadAgainAsLoaded() throws {
        let files = try caseFiles()
        #expect(files.count >= 20)
        for file in files {
            let full = try #require(SnapshotLoader().load(path: file).snapshot, "\(file) does not load")
            let ids = full.institutions.compactMap { $0.recordValue?[Slots.institutionID].stringValue }
            for workers in [1, 3] {
                let loader = SnapshotLoader(workers: WorkerPool(workers: workers), batchWeight: 1)
                let streamed = try #require(loader.stream(file: file, start: keepingNothing), "\(file) did not stream")
                let parts = streamed.outputs.flatMap { $0 }
                #expect(parts.map(\.part) == parts.indices.map { Int32($0) })
                #expect(parts.flatMap(\.ids) == ids, "\(file)")
                #expect(streamed.snapshot.institutions.count == full.institutions.count)
                guard case .batches(let batches) = streamed.layout.parts else {
                    Issue.record("\(file): not streamed in batches")
                    continue
                }
                let all = Array(parts.indices)
                // Every case file writes its institutions as a block list: each batch's own lines are read.
                #expect(batches.lines(of: batches.ranges(of: all), in: file, limits: .default) != nil, "\(file): batches not read by their lines")
                let again = try #require(loader.institutions(ofParts: all, in: streamed))
                #expect(Array(again.joined()) == full.institutions, "\(file): a batch read again differs")
                let some = all.filter { $0 % 2 == 1 }
                #expect(loader.institutions(ofParts: some, in: streamed) == some.map { again[$0] })
            }
        }
    }

    /// Lines ending in `\r\n` or `\r`, and line breaks libyaml counts inside a quoted name (U+0085, U+2028, U+2029):
    /// the batches after them are still found on their lines, with the same marks.
    @Test func batchesAreFoundWhateverTheLineBreaks() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOfFile: TestSupport.path("Cases/persons/snapshot.yaml"), encoding: .utf8)
        let variants: [(String, String)] = [
            ("crlf", text.replacingOccurrences(of: "\n", with: "\r\n")),
            ("cr", text.replacingOccurrences(of: "\n", with: "\r")),
            ("unicode", text.replacingOccurrences(of: "name: 县民政局", with: "name: \"县民\u{85}政\u{2028}局\u{2029}\"")),
        ]
        for (name, variant) in variants {
            let file = try TestSupport.write(variant, to: "\(name).yaml", in: directory)
            let full = try #require(SnapshotLoader().load(path: file).snapshot, "\(name) does not load")
            let loader = SnapshotLoader(batchWeight: 1)
            let streamed = try #require(loader.stream(file: file, start: keepingNothing), "\(name) did not stream")
            let all = Array(streamed.outputs.flatMap { $0 }.indices)
            guard case .batches(let batches) = streamed.layout.parts else {
                Issue.record("\(name): not streamed in batches")
                continue
            }
            #expect(batches.lines(of: batches.ranges(of: all), in: file, limits: .default) != nil, "\(name)")
            #expect(try #require(loader.institutions(ofParts: all, in: streamed)).joined().elementsEqual(full.institutions), "\(name)")
        }
    }

    /// Institutions written in flow style cannot be read by their lines: the whole file is read again instead.
    @Test func aFlowListIsReadAgainWhole() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try TestSupport.write("""
            snapshot: v1
            as_of: 2024-06-30
            region: {code: "999103", name: 示例县, level: county}
            institutions: [{id: A, name: 县民政局, category: government_department, rank: section, within_limit: true,
                approved: {staffing: {administrative: 1}, leadership: {principal: 1, deputy: 1}}},
              {id: B, name: 县财政局, category: government_department, rank: section, within_limit: true,
                approved: {staffing: {administrative: 1}, leadership: {principal: 1, deputy: 1}}}]
            """, to: "flow.yaml", in: directory)
        let full = try #require(SnapshotLoader().load(path: file).snapshot)
        let loader = SnapshotLoader(batchWeight: 1)
        let streamed = try #require(loader.stream(file: file, start: keepingNothing))
        guard case .batches(let batches) = streamed.layout.parts else {
            Issue.record("not streamed in batches")
            return
        }
        #expect(batches.counts == [1, 1])
        #expect(batches.lines(of: [0..<1, 1..<2], in: file, limits: .default) == nil)
        #expect(try #require(loader.institutions(ofParts: [1, 0], in: streamed)) == [[full.institutions[1]], [full.institutions[0]]])
    }

    @Test func lineStartsAreCountedAsLibYAMLCountsThem() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = Array("a\r\nb\rc\u{85}d\u{2028}e\u{2029}f\ng".utf8)
        let file = try TestSupport.write(bytes, to: "lines.txt", in: directory)
        let offsets = try #require(LineStarts.offsets(of: Set(1...9), in: file))
        let letters = "abcdefg".map { UInt8(ascii: $0.unicodeScalars.first ?? "a") }
        for (line, letter) in letters.enumerated() {
            let offset = try #require(offsets[Int32(line + 1)])
            #expect(bytes[offset] == letter, "line \(line + 1)")
        }
        // Past the end: the file's end.
        #expect(offsets[8] == bytes.count && offsets[9] == bytes.count)
    }

    /// A file of 3 MB (more than the buffer read at once) with every kind of line break at every place in a block of
    /// sixteen bytes, lines wanted here and there: the offsets are those found byte by byte.
    @Test func lineStartsAgreeWithACountByteByByte() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let breaks: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x0D], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9]]
        let text: [[UInt8]] = [Array("名称：".utf8), Array("x".utf8), Array("—“”".utf8), [0xC2, 0xA0], Array("  - id: P1".utf8)]
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        while bytes.count < 3 << 20 {
            // Not a `\r` line empty: with the next line's `\n` it would be one break.
            for _ in 0..<(bytes.last == 0x0D ? 1 + random(12) : random(12)) { bytes += text[random(text.count)] }
            // Long lines too, so that whole blocks hold no break.
            if random(10) == 0 { bytes += [UInt8](repeating: UInt8(ascii: "a"), count: random(100)) }
            bytes += breaks[random(breaks.count)]
            starts.append(bytes.count)
        }
        let file = try TestSupport.write(bytes, to: "lines.txt", in: directory)
        var wanted: Set<Int32> = [2, Int32(starts.count + 5)]
        for _ in 0..<300 { wanted.insert(Int32(1 + random(starts.count))) }
        let offsets = try #require(LineStarts.offsets(of: wanted, in: file))
        for line in wanted {
            #expect(offsets[line] == (Int(line) <= starts.count ? starts[Int(line) - 1] : bytes.count), "line \(line)")
        }
    }
}

@Suite struct TaskQueueTests {
    /// Tasks that finish out of order give their results in the order they were submitted, never more than
    /// `inFlight` of them waiting or running at once.
    @Test func resultsComeInSubmissionOrder() {
        for workers in [1, 3] {
            let queue = TaskQueue<Int>(workers: WorkerPool(workers: workers), inFlight: 2)
            let running = Atomic<Int>(0)
            let most = Atomic<Int>(0)
            for index in 0..<40 {
                queue.submit {
                    let now = running.wrappingAdd(1, ordering: .relaxed).newValue
                    most.max(now, ordering: .relaxed)
                    usleep(UInt32((40 - index) % 7) * 200)
                    running.wrappingSubtract(1, ordering: .relaxed)
                    return index * index
                }
            }
            #expect(queue.finish() == (0..<40).map { $0 * $0 })
            #expect(most.load(ordering: .relaxed) <= (workers == 1 ? 1 : 2))
        }
    }
}

@Suite struct PersonHashTests {
    /// FNV-1a of the UTF-8 bytes, written out byte by byte.
    private static func reference(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(text.utf8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// The hash of an id is that of its UTF-8 bytes however the string is held: small (inline), long, with Chinese
    /// characters, made from a slice of a longer one; and the hashes of a batch are those of its persons, in roster order.
    @Test func theHashOfAnIdIsThatOfItsBytes() {
        let long = String(repeating: "P0001234-", count: 20)
        let ids = ["", "P000532", "110101199001011234", "县交通运输局-P000532", long, String(long.dropFirst(3).prefix(40)),
                   String(decoding: Array("编办-123".utf8), as: UTF8.self)]
        for id in ids { #expect(PersonHash.of(id) == PersonHashTests.reference(id), "\(id)") }
        #expect(Set(ids.map(PersonHash.of)).count == ids.count)

        let person = SnapshotSchema.person
        let institution = SnapshotSchema.institution
        func record(_ type: RecordType, _ fields: [String: Value]) -> Value {
            var values = [Value](repeating: .null, count: type.fields.count)
            for (name, value) in fields { values[type.requiredSlot(name)] = value }
            return .record(Record(values: values, marks: [], mark: .none))
        }
        let staff = ids.prefix(4).map { record(person, ["id": .string($0)]) } + [record(person, [:])]
        let batch = [record(institution, ["staff": .list(staff)]), record(institution, [:]), record(institution, ["staff": .list(Array(staff.suffix(2)))])]
        let (hashes, ends) = PersonHash.of(batch)
        #expect(hashes == ids.prefix(4).map(PersonHashTests.reference) + [PersonHashTests.reference(ids[3])])
        #expect(ends == [4, 4, 5])
    }
}
