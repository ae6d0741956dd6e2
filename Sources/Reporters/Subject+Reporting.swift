import AuditEngine

extension Subject {
    /// The kind in Chinese, as reports show it.
    var kindLabel: String {
        switch kind {
        case .region: "地区"
        case .institution: "机构"
        case .person: "人员"
        case .event: "机构编制事项"
        case .coordinationBody: "议事协调机构"
        }
    }

    /// The institution a finding on this subject belongs under: itself, or a person's or an event's
    /// institution; the region and coordination bodies stand on their own.
    var owner: (id: String, name: String) {
        switch kind {
        case .person, .event: (institution ?? "", institutionName ?? "")
        default: (id, name ?? "")
        }
    }
}

extension Finding {
    /// The evidence as `name = value`, one after another.
    var evidenceText: String {
        evidence.map { "\($0.name) = \($0.value.rendered(pretty: false))" }.joined(separator: "，")
    }

    var citationText: String {
        citations.map(\.text).joined(separator: "；")
    }

    /// 错误 / 警告 / 提示, or the status when the finding does not simply count.
    var statusText: String {
        status == .violation ? "违规" : status.label
    }
}
