import AuditEngine
import RuleSet
import Schema

/// The report for people, in Chinese: a summary, then the findings grouped by institution,
/// each with the article it breaks as a Chinese reader writes it.
public struct TextReporter: Reporter {
    public var useColor: Bool

    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    public func render(_ report: AuditReport) -> String {
        var sink = ByteSink()
        write(report, into: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Writes the report into `sink` line by line, handing it on after each group of findings: a large report never
    /// exists whole in memory.
    public func write(_ report: AuditReport, into sink: inout ByteSink) {
        let violations = report.findings.count { $0.status.counts }
        let exempted = report.findings.count { $0.status == .exempted }
        TextReporter.line(bold("机构编制审计报告 · \(report.regionName)（\(report.regionCode)）"), into: &sink)
        let date = report.dataDate.map { "审计基准日 \(report.asOf)（快照数据日期 \($0)）" } ?? "数据日期 \(report.asOf)"
        TextReporter.line("\(date)；适用规则 \(report.rulesApplied) 条（规则包：\(report.packs.joined(separator: "、"))）；审计对象 \(report.subjects) 个", into: &sink)
        let counts = [RuleSeverity.error, .warning, .info].map { severity in
            "\(severity.label) \(report.findings.count { $0.status.counts && $0.severity == severity })"
        }.joined(separator: "，")
        TextReporter.line("发现违规 \(violations) 项（\(counts)），已批准例外 \(exempted) 项", into: &sink)
        if report.findings.isEmpty {
            TextReporter.line("", into: &sink)
            TextReporter.line("未发现违规。", into: &sink)
        }
        let groups = FindingGroup.grouping(report.findings)
        for group in groups {
            TextReporter.line("", into: &sink)
            TextReporter.line(bold("■ " + group.title), into: &sink)
            for position in group.positions {
                let finding = report.findings[position]
                let marker: String
                switch finding.status {
                case .violation: marker = paint("[\(finding.severity.label)]", finding.severity == .error ? "31" : finding.severity == .warning ? "33" : "36")
                case .exempted: marker = paint("[已批准例外]", "32")
                case .exemptionExpired: marker = paint("[例外已过期]", "31")
                }
                TextReporter.line("  \(marker) \(finding.ruleID) \(finding.title) · 编号 \(finding.fingerprint.prefix(8))", into: &sink)
                TextReporter.line("    \(finding.message)", into: &sink)
                if !finding.citations.isEmpty {
                    TextReporter.line("    依据：" + finding.citationText, into: &sink)
                }
                if let exemption = finding.exemption {
                    TextReporter.line("    例外：\(exemption.documentNumber)，有效期至 \(exemption.until)（\(exemption.reason)）", into: &sink)
                }
                if let location = finding.location {
                    TextReporter.line("    位置：\(location.path):\(location.line):\(location.column)", into: &sink)
                }
            }
            sink.flushIfFull()
        }
        for failure in report.failures {
            TextReporter.line("", into: &sink)
            TextReporter.line("  [计算错误] \(failure.ruleID) \(failure.subject.id)：\(failure.message)", into: &sink)
        }
    }

    /// A line written as its UTF-8 bytes and a line feed.
    private static func line(_ text: String, into sink: inout ByteSink) {
        sink.bytes.append(contentsOf: text.utf8)
        sink.bytes.append(UInt8(ascii: "\n"))
    }

    private func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func paint(_ text: String, _ code: String) -> String { useColor ? "\u{1B}[1;\(code)m\(text)\u{1B}[0m" : text }
}
