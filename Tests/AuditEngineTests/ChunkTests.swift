@testable import AuditEngine
import Testing

/// How the institutions are cut into chunks for the workers: every institution in exactly one chunk, in order,
/// and the chunks about equally heavy.
@Suite struct ChunkTests {
    /// A small deterministic generator of weights: most institutions small, a few large.
    private static func weights(_ count: Int, seed: UInt64) -> [Int] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let draw = Int((state >> 33) % 100)
            return draw < 90 ? 1 + draw % 30 : 100 + draw * 5
        }
    }

    @Test(arguments: [(1, 1), (2, 2), (5, 2), (109, 2), (109, 3), (1_000, 16), (640, 16)])
    func chunksCoverEveryInstitutionOnceAndWeighAboutTheSame(count: Int, chunks: Int) {
        for seed in [1, 2, 3] as [UInt64] {
            let weights = ChunkTests.weights(count, seed: seed)
            let bounds = AuditEngine.chunkBounds(weights: weights, chunks: chunks)
            #expect(bounds.count == chunks + 1)
            #expect(bounds.first == 0 && bounds.last == count)
            // No chunk is empty: each begins after the one before.
            #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(bounds)")
            // Each chunk weighs no more than its share and one institution over (an institution is not split).
            let share = weights.reduce(0, +) / chunks
            let heaviest = weights.max() ?? 0
            for chunk in 0..<chunks {
                let weight = weights[bounds[chunk]..<bounds[chunk + 1]].reduce(0, +)
                #expect(weight <= share + heaviest, "chunk \(chunk) of \(bounds): \(weight) > \(share) + \(heaviest)")
            }
        }
    }

    @Test func equalWeightsGiveEqualChunks() {
        #expect(AuditEngine.chunkBounds(weights: Array(repeating: 3, count: 12), chunks: 4) == [0, 3, 6, 9, 12])
    }
}
