import AuditEngine

/// Findings gathered as reports show them: the region first, then each institution (with the findings
/// on its persons and events), then each coordination body; within a group, in report order.
///
/// A group names its findings by their positions in the report (a slice of one shared order), so that grouping a
/// province's findings copies none of them.
struct FindingGroup {
    var key: String
    var title: String
    /// The positions of the group's findings in the report's list, in report order.
    var positions: ArraySlice<Int>

    static func grouping(_ findings: [Finding]) -> [FindingGroup] {
        var keys: [String] = []
        keys.reserveCapacity(findings.count)
        for finding in findings {
            switch finding.subject.kind {
            case .region: keys.append("0")
            case .coordinationBody: keys.append("2:" + finding.subject.id)
            case .institution, .person, .event: keys.append("1:" + finding.subject.owner.id)
            }
        }
        // By key; within a key, in report order (the position breaks ties, so the order does not depend on the sort).
        let order = findings.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        var groups: [FindingGroup] = []
        var start = 0
        while start < order.count {
            let key = keys[order[start]]
            var end = start + 1
            while end < order.count, keys[order[end]] == key { end += 1 }
            groups.append(FindingGroup(key: key, title: title(of: findings[order[start]]), positions: order[start..<end]))
            start = end
        }
        return groups
    }

    /// The heading of the group a finding is in.
    private static func title(of finding: Finding) -> String {
        switch finding.subject.kind {
        case .region:
            "地区 \(finding.subject.name ?? "")（\(finding.subject.id)）"
        case .coordinationBody:
            "议事协调机构 \(finding.subject.name ?? "")（\(finding.subject.id)）"
        case .institution, .person, .event:
            "\(finding.subject.owner.name)（\(finding.subject.owner.id)）"
        }
    }
}
