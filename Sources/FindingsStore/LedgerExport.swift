import Schema

/// The ledger's contents for export: the findings (already filtered and ordered), the runs
/// they refer to, and the date overdue is judged on.
public struct LedgerExport: Sendable {
    public var entries: [LedgerEntry]
    public var runs: [RunRecord]
    public var date: CivilDate

    public init(entries: [LedgerEntry], runs: [RunRecord], date: CivilDate) {
        self.entries = entries
        self.runs = runs
        self.date = date
    }

    /// `第2次（2025-06-30）`.
    func runText(_ id: Int64?) -> String {
        guard let id else { return "" }
        guard let run = runs.first(where: { $0.id == id }) else { return "第\(id)次" }
        return "第\(id)次（\(run.asOf)）"
    }
}
