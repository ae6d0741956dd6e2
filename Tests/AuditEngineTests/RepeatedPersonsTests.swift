@testable import AuditEngine
import Testing

/// The files read again in a streamed audit: those with a person whose id's hash is met more than once, in any file.
@Suite struct RepeatedPersonsTests {
    /// Outputs of `runs` runs of files, `perFile` persons a file; hashes spread over the whole range (a 64-bit
    /// generator), so that a large list is searched a part of the range at a time.
    private static func outputs(runs: Int, filesPerRun: Int, perFile: Int, repeating: [(file: Int32, copyOf: Int32)]) -> [AuditVisitor.Output] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
        var hashesOfFile: [Int32: [UInt64]] = [:]
        var outputs: [AuditVisitor.Output] = []
        for run in 0..<runs {
            var hashes: [UInt64] = []
            var ends: [(file: Int32, end: Int)] = []
            for index in 0..<filesPerRun {
                let file = Int32(run * filesPerRun + index + 1)
                var own = (0..<perFile).map { _ in next() }
                // A person also on an earlier file's roster.
                for (repeated, earlier) in repeating where repeated == file { own[perFile / 2] = hashesOfFile[earlier]?[1] ?? 0 }
                hashesOfFile[file] = own
                hashes.append(contentsOf: own)
                ends.append((file, hashes.count))
            }
            outputs.append(AuditVisitor.Output(local: [], speculative: [], missedLookups: [], personHashes: ChunkedHashes(hashes), fileEnds: ends,
                                               evaluation: .zero))
        }
        return outputs
    }

    @Test(arguments: [(2, 3, 4), (2, 400, 100), (3, 500, 60)])
    func filesWithAPersonMetTwiceAreFound(runs: Int, filesPerRun: Int, perFile: Int) {
        let files = runs * filesPerRun
        // File 2 repeats a person of file 1; the last file one of file 2; the one after the middle one of the middle one.
        let repeating: [(file: Int32, copyOf: Int32)] = [(2, 1), (Int32(files), 2), (Int32(files / 2 + 1), Int32(files / 2))]
        let outputs = RepeatedPersonsTests.outputs(runs: runs, filesPerRun: filesPerRun, perFile: perFile, repeating: repeating)
        let expected = Set(repeating.flatMap { [$0.file, $0.copyOf] }).sorted()
        #expect(AuditVisitor.filesWithRepeatedPersons(outputs) == expected)
        // Nobody repeated: no file.
        #expect(AuditVisitor.filesWithRepeatedPersons(RepeatedPersonsTests.outputs(runs: runs, filesPerRun: filesPerRun,
                                                                                   perFile: perFile, repeating: [])).isEmpty)
    }
}

/// The hashes kept a chunk at a time read as the one list they were appended as.
@Suite struct ChunkedHashesTests {
    @Test func theChunksReadAsOneList() {
        var flat: [UInt64] = []
        var chunked = ChunkedHashes()
        var value: UInt64 = 1
        // Pieces that end inside a chunk, on its end, and span several.
        for size in [0, 7, ChunkedHashes.chunkSize - 7, 1, 3 * ChunkedHashes.chunkSize + 5, 1000, 0, 2] {
            let piece = (0..<size).map { _ -> UInt64 in
                value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return value
            }
            flat += piece
            chunked.append(contentsOf: piece)
            #expect(chunked.count == flat.count)
        }
        var read: [UInt64] = []
        chunked.forEach { read.append($0) }
        #expect(read == flat)
        let size = ChunkedHashes.chunkSize
        let ranges = [0..<0, 0..<1, 0..<flat.count, size - 1..<size + 1, size..<2 * size, 2 * size + 3..<4 * size + 1, flat.count - 1..<flat.count]
        for range in ranges {
            for target in [flat[range.lowerBound < flat.count ? range.lowerBound : 0], flat[max(range.upperBound - 1, 0)], 0] {
                #expect(chunked.contains(in: range, where: { $0 == target }) == flat[range].contains(target), "\(range) \(target)")
            }
        }
        // Found on the other side of a chunk's end only.
        #expect(chunked.contains(in: size - 1..<size + 1, where: { $0 == flat[size] }))
        #expect(!chunked.contains(in: size - 1..<size, where: { $0 == flat[size] }))
    }
}
