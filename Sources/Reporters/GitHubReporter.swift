import AuditEngine

/// The audit as GitHub Actions workflow commands: one annotation per finding at its subject's
/// snapshot line (`error`, `warning` or `notice` by severity; an exempted finding is a `notice`).
public struct GitHubReporter: Reporter {
    public init() {}

    public func render(_ report: AuditReport) -> String {
        var output = report.findings.map { annotation($0).rendered }.joined()
        for failure in report.failures {
            output += GitHubAnnotation(level: .error, file: failure.ruleLocation.path, line: failure.ruleLocation.line,
                                       column: failure.ruleLocation.column, title: "\(failure.ruleID) 计算未完成",
                                       message: failure.diagnostic.message).rendered
        }
        return output
    }

    func annotation(_ finding: Finding) -> GitHubAnnotation {
        let level: GitHubAnnotation.Level
        if !finding.status.counts {
            level = .notice
        } else {
            switch finding.severity {
            case .error: level = .error
            case .warning: level = .warning
            case .info: level = .notice
            }
        }
        var message = finding.message
        if !finding.citations.isEmpty { message += "\n依据：" + finding.citations.map(\.text).joined(separator: "；") }
        if let exemption = finding.exemption {
            message += "\n\(finding.status.label)：\(exemption.documentNumber)，有效期至 \(exemption.until)（\(exemption.reason)）"
        }
        let status = finding.status == .violation ? "" : "［\(finding.status.label)］"
        return GitHubAnnotation(level: level, file: finding.location?.path, line: finding.location?.line, column: finding.location?.column,
                                title: "\(finding.ruleID) \(finding.title)\(status)", message: message)
    }
}
