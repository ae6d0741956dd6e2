import Schema
import SnapshotLoader

extension StaffingStatistics {
    /// The statistics of the snapshot at `path`, read as a stream (`SnapshotLoader.stream`): each file's institutions are
    /// tallied while they are whole and then only their projection is kept, so memory does not grow with the rosters.
    /// `asOf` replaces the snapshot's date. The same as `StaffingStatistics(snapshot)` of the snapshot loaded in full.
    ///
    /// Nil when the snapshot cannot be streamed (it has a problem, as far as the stream can tell): load it in full then,
    /// which reports every problem with its location.
    public static func streamed(path: String, loader: SnapshotLoader, asOf: CivilDate? = nil) -> StaffingStatistics? {
        var date: CivilDate?
        let streamed = loader.stream(path: path) { header -> (projection: RecordProjection, makeVisitor: @Sendable () -> TallyVisitor)? in
            let day = asOf ?? header.asOf
            date = day
            return (RecordProjection.institutions(keeping: [:]), { TallyVisitor(tally: Tally(asOf: day)) })
        }
        guard let streamed, let date else { return nil }
        // A file with no institutions gives no visitor anything: its statistics are those of no institution.
        var tally = Tally(asOf: date)
        tally.append(contentsOf: streamed.outputs)
        return StaffingStatistics(region: streamed.snapshot.region, tally: tally)
    }
}

/// Tallies the statistics of a run of files as they are read (see `StaffingStatistics.streamed`).
public struct TallyVisitor: InstitutionVisitor {
    private var tally: StaffingStatistics.Tally

    public init(tally: StaffingStatistics.Tally) {
        self.tally = tally
    }

    public mutating func visit(_ institutions: [Value], file: Int32) {
        tally.add(institutions)
    }

    public func finish() -> StaffingStatistics.Tally { tally }
}
