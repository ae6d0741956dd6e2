import _BianzhiTestSupport
import Foundation
import Schema
@testable import SnapshotLoader
import Testing
import WorkerPool

/// Whether a streamed snapshot's top-level record is the fully loaded one's, marks included, but for the institutions
/// (projected in the streamed one): those are compared by the list's own mark. Nil when they agree, else what differs.
private func topLevelDifference(_ streamed: Snapshot, _ full: Snapshot) -> String? {
    let (a, b) = (streamed.root, full.root)
    guard a.mark == b.mark, a.count == b.count else { return "record mark or size" }
    for slot in 0..<a.count {
        if a.mark(at: slot) != b.mark(at: slot) { return "mark of slot \(slot): \(a.mark(at: slot)) against \(b.mark(at: slot))" }
        if slot != Slots.institutions, a[slot] != b[slot] { return "value of slot \(slot)" }
    }
    return nil
}

@Suite struct FileSplitTests {
    /// Each case file split into runs of one institution and into runs of the automatic size, with one worker and three:
    /// the visitors see every institution once, in order; the header holds what the full load's top-level record holds,
    /// with the same marks; each run read again is what the full load has.
    @Test func splitRunsReadAsTheFullLoad() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Cases")).sorted()
            .map { TestSupport.path("Cases/\($0)/snapshot.yaml") }
            .filter { FileManager.default.fileExists(atPath: $0) }
        #expect(files.count >= 20)
        var split = 0
        for file in files {
            let full = try #require(SnapshotLoader().load(path: file).snapshot, "\(file) does not load")
            let ids = full.institutions.compactMap { $0.recordValue?[Slots.institutionID].stringValue }
            for (workers, bytes) in [(1, 1), (3, 1), (3, nil)] as [(Int, Int?)] {
                let loader = SnapshotLoader(workers: WorkerPool(workers: workers), splitBytes: bytes)
                guard let streamed = loader.stream(splitFile: file, start: keepingNothing) else {
                    // Only a file without a block list of institutions is not split.
                    #expect(full.institutions.isEmpty, "\(file) was not split")
                    continue
                }
                split += 1
                let parts = streamed.outputs.flatMap { $0 }
                #expect(parts.map(\.part) == parts.indices.map { Int32($0) })
                #expect(parts.flatMap(\.ids) == ids, "\(file)")
                if bytes == 1 { #expect(parts.allSatisfy { $0.ids.count == 1 }, "\(file): a run of one institution each") }
                #expect(streamed.snapshot.institutions.count == full.institutions.count)
                #expect(topLevelDifference(streamed.snapshot, full) == nil, "\(file): \(topLevelDifference(streamed.snapshot, full) ?? "")")
                guard case .chunks = streamed.layout.parts else {
                    Issue.record("\(file): not streamed in runs")
                    continue
                }
                let all = Array(parts.indices)
                let again = try #require(loader.institutions(ofParts: all, in: streamed))
                #expect(Array(again.joined()) == full.institutions, "\(file): a run read again differs")
                let some = all.filter { $0 % 2 == 1 }
                #expect(loader.institutions(ofParts: some, in: streamed) == some.map { again[$0] })
            }
        }
        #expect(split >= 60)
    }

    /// The same snapshot written in other layouts the split reads: lines ending in `\r\n`, items indented further
    /// under the key, comments and blank lines between the items, the header after the list, an item whose `-` is alone on
    /// its line, no line break at the end. Each is split, and reads as its full load.
    @Test func otherLayoutsAreSplitAndReadAsLoaded() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOfFile: TestSupport.path("Cases/persons/snapshot.yaml"), encoding: .utf8)
        let (head, list, tail) = try Self.parts(of: text)
        let indented = list.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        let commented = list.replacingOccurrences(of: "\n  - id:", with: "\n# 下一个机构\n\n   # 缩进的注释\n  - id:")
        let dashAlone = list.replacingOccurrences(of: "\n  - id:", with: "\n  -\n    id:")
        let variants: [(String, String)] = [
            ("crlf", text.replacingOccurrences(of: "\n", with: "\r\n")),
            ("indented", head + indented + tail),
            ("comments", head + commented + tail),
            ("dash alone", head + dashAlone + tail),
            ("header after", "institutions:\n" + list + head.replacingOccurrences(of: "institutions:\n", with: "") + tail),
            ("no final break", (head + list + tail).trimmingCharacters(in: .newlines)),
        ]
        for (name, variant) in variants {
            let file = try TestSupport.write(variant, to: "\(name).yaml", in: directory)
            let full = try #require(SnapshotLoader().load(path: file).snapshot, "\(name) does not load")
            #expect(!full.institutions.isEmpty)
            let loader = SnapshotLoader(splitBytes: 1)
            let streamed = try #require(loader.stream(splitFile: file, start: keepingNothing), "\(name) was not split")
            #expect(topLevelDifference(streamed.snapshot, full) == nil, "\(name): \(topLevelDifference(streamed.snapshot, full) ?? "")")
            let all = Array(streamed.outputs.flatMap { $0 }.indices)
            #expect(all.count == full.institutions.count, "\(name)")
            #expect(try #require(loader.institutions(ofParts: all, in: streamed)).joined().elementsEqual(full.institutions), "\(name)")
        }
    }

    /// Lines that only look like items or like the list's end (inside a quoted string), line breaks other than `\n`, a flow
    /// list, a tab before an item's `-`: no split, or a split that its parts refuse; the file then streams in one pass and
    /// still reads as its full load.
    @Test func linesThatOnlyLookLikeItemsAreNotTrusted() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOfFile: TestSupport.path("Cases/persons/snapshot.yaml"), encoding: .utf8)
        let (head, list, tail) = try Self.parts(of: text)
        let variants: [(String, String)] = [
            // The continuation of a quoted name reading as an item, and one at the start of a line reading as the list's end.
            ("quoted item", text.replacingOccurrences(of: "name: 县民政局", with: "name: \"县民政局\n  - id: 不是机构\n    的名称\"")),
            // Line breaks libyaml counts but the split does not (`\r` alone; U+0085, U+2028, U+2029 inside a quoted name):
            // the lines after them would be numbered differently.
            ("cr", text.replacingOccurrences(of: "\n", with: "\r")),
            ("unicode", text.replacingOccurrences(of: "name: 县民政局", with: "name: \"县民\u{85}政\u{2028}局\u{2029}\"")),
            ("quoted end", text.replacingOccurrences(of: "name: 县民政局", with: "name: \"县民政局\nexemptions: x\n\"")),
            ("flow", head.replacingOccurrences(of: "institutions:\n", with: "institutions: [\n") + "{id: X}]\n" + tail),
            ("tab", head + list.replacingOccurrences(of: "\n  - id:", with: "\n \t - id:") + tail),
        ]
        for (name, variant) in variants {
            let file = try TestSupport.write(variant, to: "\(name).yaml", in: directory)
            // Each item a run of its own (a run may end inside the string), and all in one run (it may hold the string).
            for bytes in [1, 1 << 20] {
                #expect(SnapshotLoader(splitBytes: bytes).stream(splitFile: file, start: keepingNothing) == nil, "\(name) was split (\(bytes))")
            }
            let loader = SnapshotLoader(splitBytes: 1)
            guard let full = SnapshotLoader().load(path: file).snapshot else {
                // The quoted names are valid YAML: those files must load, and be streamed.
                #expect(!name.hasPrefix("quoted") && name != "unicode" && name != "cr", "\(name) does not load")
                continue
            }
            let streamed = try #require(loader.stream(path: file, start: keepingNothing), "\(name) did not stream")
            #expect(streamed.outputs.flatMap { $0 }.flatMap(\.ids) == full.institutions.compactMap {
                $0.recordValue?[Slots.institutionID].stringValue
            }, "\(name)")
        }
    }

    /// What the scan finds in a small file: the key's line, where each run begins (one item a run, and both in one), its
    /// line breaks, where the list ends; a line longer than the buffer gives no split, and a longer buffer reads it.
    @Test func theScanFindsTheItemsAndTheEndOfTheList() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "snapshot: v1\ninstitutions:  # 机构\n  - id: A\n    name: 甲\n\n  - id: B\n# 注释\nexemptions: []\n"
        let file = try TestSupport.write(text, to: "scan.yaml", in: directory)
        let bytes = Array(text.utf8)
        for size in [64, 1 << 20] {
            let split = try #require(FileSplit.scan(path: file, runBytes: 1, bufferSize: size))
            #expect(split.keyLine == 2)
            #expect(split.indent == 2)
            #expect(split.chunks.firstLines == [3, 6])
            #expect(split.chunks.ranges.map { bytes[$0.lowerBound + 2] } == [UInt8(ascii: "-"), UInt8(ascii: "-")])
            #expect(split.chunks.ranges.map(\.upperBound) == [split.chunks.ranges[1].lowerBound, split.endOffset])
            #expect(split.chunks.lineBreaks == [3, 2])
            #expect(split.chunks.counts == [1, 1])
            #expect(split.endLine == 8)
            #expect(Array(bytes[split.endOffset...]) == Array("exemptions: []\n".utf8))
            #expect(split.lineShift == (3, 5))
            // Both items in one run.
            let one = try #require(FileSplit.scan(path: file, runBytes: 1 << 20, bufferSize: size))
            #expect(one.chunks.ranges == [split.chunks.ranges[0].lowerBound..<split.endOffset])
            #expect(one.chunks.counts == [2] && one.chunks.lineBreaks == [5])
        }
        let long = try TestSupport.write("institutions:\n- id: " + String(repeating: "a", count: 200) + "\n", to: "long.yaml", in: directory)
        #expect(FileSplit.scan(path: long, runBytes: 1, bufferSize: 64) == nil)
        #expect(try #require(FileSplit.scan(path: long, runBytes: 1, bufferSize: 1 << 10)).chunks.firstLines == [2])
    }

    /// The text before the list (ending with `institutions:` and its line break), the list's lines, and the text after.
    private static func parts(of text: String) throws -> (String, String, String) {
        let key = try #require(text.range(of: "\ninstitutions:\n"))
        let head = String(text[..<key.upperBound])
        let rest = text[key.upperBound...]
        guard let after = rest.range(of: "\n[a-z_]+:", options: .regularExpression) else { return (head, String(rest), "") }
        return (head, String(rest[..<after.lowerBound]) + "\n", String(rest[rest.index(after: after.lowerBound)...]))
    }
}
