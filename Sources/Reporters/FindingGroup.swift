import AuditEngine

/// Findings gathered as reports show them: the region first, then each institution (with the findings
/// on its persons and events), then each coordination body; within a group, in report order.
struct FindingGroup {
    var key: String
    var title: String
    var findings: [Finding]

    static func grouping(_ findings: [Finding]) -> [FindingGroup] {
        var groups: [FindingGroup] = []
        var index: [String: Int] = [:]
        for finding in findings {
            let key: String
            let title: String
            switch finding.subject.kind {
            case .region:
                key = "0"
                title = "地区 \(finding.subject.name ?? "")（\(finding.subject.id)）"
            case .coordinationBody:
                key = "2:" + finding.subject.id
                title = "议事协调机构 \(finding.subject.name ?? "")（\(finding.subject.id)）"
            case .institution, .person, .event:
                let owner = finding.subject.owner
                key = "1:" + owner.id
                title = "\(owner.name)（\(owner.id)）"
            }
            if let position = index[key] {
                groups[position].findings.append(finding)
            } else {
                index[key] = groups.count
                groups.append(FindingGroup(key: key, title: title, findings: [finding]))
            }
        }
        return groups.sorted { $0.key < $1.key }
    }
}
