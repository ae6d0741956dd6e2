import AuditEngine

/// The audit as a SARIF 2.1.0 log, for code-scanning dashboards: one result per finding, located
/// at the snapshot line of its subject; every rule that ran described with its title, help text and
/// citations; an exempted finding carries an accepted external suppression naming the exemption.
public struct SARIFReporter: Reporter {
    public var context: ReportContext

    public init(context: ReportContext) {
        self.context = context
    }

    public func render(_ report: AuditReport) -> String {
        log(report).rendered()
    }

    func log(_ report: AuditReport) -> SARIFLog {
        let rules = context.rules.completed(with: report)
        var index: [String: Int] = [:]
        for (position, rule) in rules.enumerated() { index[rule.id] = position }
        let results = report.findings.map { result($0, ruleIndex: index[$0.ruleID]) }
        let notifications = report.failures.map { failure in
            SARIFLog.Notification(
                level: "error",
                message: .init(text: "规则 \(failure.ruleID) 对 \(failure.subject.id) 的计算未完成：\(failure.message)"),
                locations: [SARIFLog.Location(physicalLocation: .init(
                    artifactLocation: .init(uri: SARIFLog.uri(forPath: failure.ruleLocation.path)),
                    region: .init(startLine: failure.ruleLocation.line, startColumn: failure.ruleLocation.column)))],
                descriptor: .init(id: "audit.evaluation"),
                associatedRule: .init(id: failure.ruleID, index: index[failure.ruleID]))
        }
        let violations = report.findings.count { $0.status.counts }
        let run = SARIFLog.Run(
            tool: .init(driver: .init(version: context.toolVersion, semanticVersion: context.toolVersion,
                                      fullName: "bianzhi 机构编制合规检查", rules: rules.map(descriptor))),
            invocations: [.init(executionSuccessful: report.failures.isEmpty, endTimeUtc: context.generatedAt,
                                toolExecutionNotifications: notifications.isEmpty ? nil : notifications)],
            results: results,
            properties: [
                "snapshot": .object([
                    "path": .string(report.snapshotPath), "region": .string(report.regionCode),
                    "region_name": .string(report.regionName), "as_of": .string(report.asOf.description),
                ]),
                "rules": .object(["count": .int(report.rulesApplied), "packs": .array(report.packs.map(JSONValue.string))]),
                "summary": .object([
                    "subjects": .int(report.subjects), "violations": .int(violations),
                    "exempted": .int(report.findings.count { $0.status == .exempted }),
                ]),
            ])
        return SARIFLog(runs: [run])
    }

    func descriptor(_ rule: RuleDescriptor) -> SARIFLog.ReportingDescriptor {
        let citations = rule.citations.isEmpty ? "" : "依据：" + rule.citations.joined(separator: "；")
        let description = rule.description ?? rule.title
        var help = description
        var markdown = "**\(rule.title)**\n\n\(description)"
        if !citations.isEmpty {
            help += "\n" + citations
            markdown += "\n\n依据：\n" + rule.citations.map { "- \($0)" }.joined(separator: "\n")
        }
        var properties: [String: JSONValue] = [
            "tags": .array(([rule.pack, rule.scope].filter { !$0.isEmpty }).map(JSONValue.string)),
            "citations": .array(rule.citations.map(JSONValue.string)),
        ]
        if let location = rule.location {
            properties["source"] = .string(location.description)
        }
        return SARIFLog.ReportingDescriptor(
            id: rule.id, name: nil,
            shortDescription: .init(text: rule.title),
            fullDescription: .init(text: description),
            help: .init(text: help, markdown: markdown),
            defaultConfiguration: .init(level: SARIFLog.level(rule.severity.rawValue)),
            properties: properties)
    }

    func result(_ finding: Finding, ruleIndex: Int?) -> SARIFLog.Result {
        var physical: SARIFLog.PhysicalLocation?
        if let location = finding.location {
            physical = .init(artifactLocation: .init(uri: SARIFLog.uri(forPath: location.path)),
                             region: .init(startLine: location.line, startColumn: location.column))
        }
        let subjectName = finding.subject.name.map { "\($0)（\(finding.subject.id)）" } ?? finding.subject.id
        var qualified = finding.subject.id
        if let institution = finding.subject.institution, institution != finding.subject.id { qualified = institution + "/" + qualified }
        let logical = SARIFLog.LogicalLocation(name: subjectName, fullyQualifiedName: qualified, kind: finding.subject.kind.rawValue)
        var text = finding.message
        if !finding.citations.isEmpty {
            text += "（依据：" + finding.citationText + "）"
        }
        var suppressions: [SARIFLog.Suppression]?
        if finding.status == .exempted, let exemption = finding.exemption {
            suppressions = [.init(justification: "批准例外 \(exemption.documentNumber)，有效期至 \(exemption.until)：\(exemption.reason)")]
        }
        var properties: [String: JSONValue] = [
            "status": .string(finding.status.rawValue),
            "title": .string(finding.title),
            "citations": .array(finding.citations.map { .string($0.text) }),
            "evidence": .object(Dictionary(finding.evidence.map { ($0.name, JSONValue($0.value)) }, uniquingKeysWith: { first, _ in first })),
        ]
        if let key = finding.key { properties["key"] = .string(key) }
        if let exemption = finding.exemption {
            properties["exemption"] = .object([
                "document_number": .string(exemption.documentNumber),
                "until": .string(exemption.until.description),
                "reason": .string(exemption.reason),
            ])
        }
        return SARIFLog.Result(
            ruleId: finding.ruleID, ruleIndex: ruleIndex, kind: nil,
            level: SARIFLog.level(finding.severity.rawValue),
            message: .init(text: text),
            locations: [SARIFLog.Location(physicalLocation: physical, logicalLocations: [logical])],
            partialFingerprints: ["bianzhiFingerprint/v1": finding.fingerprint],
            suppressions: suppressions,
            properties: properties)
    }
}
