import AuditEngine
import RuleSet

/// The report for people, in Chinese: a summary, then the findings grouped by institution,
/// each with the article it breaks as a Chinese reader writes it.
public struct TextReporter: Reporter {
    public var useColor: Bool

    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    public func render(_ report: AuditReport) -> String {
        var lines: [String] = []
        let violations = report.findings.filter { $0.status.counts }
        let exempted = report.findings.filter { $0.status == .exempted }
        lines.append(bold("机构编制审计报告 · \(report.regionName)（\(report.regionCode)）"))
        lines.append("数据日期 \(report.asOf)；适用规则 \(report.rulesApplied) 条（规则包：\(report.packs.joined(separator: "、"))）；审计对象 \(report.subjects) 个")
        let counts = [RuleSeverity.error, .warning, .info].map { severity in
            "\(severity.label) \(violations.filter { $0.severity == severity }.count)"
        }.joined(separator: "，")
        lines.append("发现违规 \(violations.count) 项（\(counts)），已批准例外 \(exempted.count) 项")
        if report.findings.isEmpty {
            lines.append("")
            lines.append("未发现违规。")
        }
        let groups = FindingGroup.grouping(report.findings)
        for group in groups {
            lines.append("")
            lines.append(bold("■ " + group.title))
            for finding in group.findings {
                let marker: String
                switch finding.status {
                case .violation: marker = paint("[\(finding.severity.label)]", finding.severity == .error ? "31" : finding.severity == .warning ? "33" : "36")
                case .exempted: marker = paint("[已批准例外]", "32")
                case .exemptionExpired: marker = paint("[例外已过期]", "31")
                }
                lines.append("  \(marker) \(finding.ruleID) \(finding.title)")
                lines.append("    \(finding.message)")
                if !finding.citations.isEmpty {
                    lines.append("    依据：" + finding.citations.map(\.text).joined(separator: "；"))
                }
                if let exemption = finding.exemption {
                    lines.append("    例外：\(exemption.documentNumber)，有效期至 \(exemption.until)（\(exemption.reason)）")
                }
                if let location = finding.location {
                    lines.append("    位置：\(location.path):\(location.line):\(location.column)")
                }
            }
        }
        for failure in report.failures {
            lines.append("")
            lines.append("  [计算错误] \(failure.ruleID) \(failure.subject.id)：\(failure.message)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func paint(_ text: String, _ code: String) -> String { useColor ? "\u{1B}[1;\(code)m\(text)\u{1B}[0m" : text }
}
