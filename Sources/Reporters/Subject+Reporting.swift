import AuditEngine
import Schema

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
    /// The evidence as `name = value`, one after another, each value as a reader writes it.
    var evidenceText: String {
        evidence.map { "\($0.name) = \($0.shown ?? Finding.evidenceValue($0.value))" }.joined(separator: "，")
    }

    /// A value of the evidence as a reader writes it: strings without quotes, lists with 、.
    static func evidenceValue(_ value: OrderedJSON) -> String {
        switch value {
        case .null: return "（空）"
        case .bool(let flag): return flag ? "是" : "否"
        case .int(let number): return String(number)
        case .string(let text): return text
        case .array, .generated:
            let items = value.arrayItems ?? []
            return items.isEmpty ? "（无）" : items.map(evidenceValue).joined(separator: "、")
        case .object: return value.rendered(pretty: false)
        }
    }

    var citationText: String {
        Finding.citationText(citations)
    }

    /// The citations as one text, as a Chinese reader writes several: those of one document after its title once
    /// (《公务员法》第二十七条、第七十一条), documents apart with ；.
    static func citationText(_ citations: [ResolvedCitation]) -> String {
        var text = ""
        var lastTitle: String?
        for citation in citations {
            let title = citation.title.hasPrefix("《") && citation.title.hasSuffix("》") ? citation.title : "《\(citation.title)》"
            if let lastTitle, lastTitle == title, citation.text.hasPrefix(title), citation.text.count > title.count {
                text += "、" + citation.text.dropFirst(title.count)
            } else {
                text += (text.isEmpty ? "" : "；") + citation.text
            }
            lastTitle = title
        }
        return text
    }

    /// 错误 / 警告 / 提示, or the status when the finding does not simply count.
    var statusText: String {
        status == .violation ? "违规" : status.label
    }
}
