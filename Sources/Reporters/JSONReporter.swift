import AuditEngine
import Schema

/// The JSON report of `shared/spec/report-json-v1.md`: stable field names, findings sorted,
/// the same bytes for the same input apart from `generated_at`.
public struct JSONReporter: Reporter, Sendable {
    public var generatedAt: String

    public init(generatedAt: String) {
        self.generatedAt = generatedAt
    }

    public func render(_ report: AuditReport) -> String {
        String(decoding: bytes(report), as: UTF8.self)
    }

    /// The report as UTF-8 bytes, ending with a newline (`render` without making a `String`).
    public func bytes(_ report: AuditReport) -> [UInt8] {
        // A finding takes 1–2 KB: room for 2 KB each, so that the bytes of a large report are not copied as they grow.
        var sink = ByteSink(expectedSize: 4096 + 2048 * (report.findings.count + report.failures.count))
        write(report, into: &sink)
        return sink.bytes
    }

    /// Writes the report (the bytes of `bytes(_:)`) into `sink`, which may hand them on as they are made, a few findings
    /// at a time: a report of 100,000 institutions is about 75 MB, and need not be held whole.
    public func write(_ report: AuditReport, into sink: inout ByteSink) {
        document(report).write(into: &sink)
        sink.bytes.append(UInt8(ascii: "\n"))
    }

    public func document(_ report: AuditReport) -> OrderedJSON {
        // Counted, not filtered: a copy of a large report's findings is several megabytes.
        var bySeverity: [(String, OrderedJSON)] = []
        for severity in ["error", "warning", "info"] {
            let count = report.findings.count { $0.status.counts && $0.severity.rawValue == severity }
            bySeverity.append((severity, .int(count)))
        }
        let violations = report.findings.count { $0.status.counts }
        let exempted = report.findings.count { $0.status == .exempted }
        var members: [(String, OrderedJSON)] = [
            ("report", .string("v1")),
            ("generated_at", .string(generatedAt)),
            ("snapshot", .object([
                ("path", .string(report.snapshotPath)),
                ("region", .string(report.regionCode)),
                ("region_name", .string(report.regionName)),
                ("as_of", .string(report.asOf.description)),
                // Only when audited as of another date (`--as-of`): the date the data are of.
            ] + (report.dataDate.map { [("data_as_of", OrderedJSON.string($0.description))] } ?? []))),
            ("rules", .object([("count", .int(report.rulesApplied)), ("packs", .array(report.packs.map { .string($0) }))])),
            ("summary", .object([
                ("subjects", .int(report.subjects)),
                ("violations", .int(violations)),
                ("exempted", .int(exempted)),
                ("by_severity", .object(bySeverity)),
            ])),
            // Each finding made as JSON when it is written, then dropped.
            ("findings", .generated(count: report.findings.count) { [self] in finding(report.findings[$0]) }),
        ]
        if !report.failures.isEmpty {
            members.append(("errors", .array(report.failures.map { failure in
                .object([("rule", .string(failure.ruleID)), ("subject", .string(failure.subject.id)), ("message", .string(failure.message))])
            })))
        }
        return .object(members)
    }

    func finding(_ finding: Finding) -> OrderedJSON {
        var subject: [(String, OrderedJSON)] = [("kind", .string(finding.subject.kind.rawValue)), ("id", .string(finding.subject.id))]
        if let name = finding.subject.name { subject.append(("name", .string(name))) }
        if let institution = finding.subject.institution { subject.append(("institution", .string(institution))) }
        if finding.subject.kind == .person, let name = finding.subject.institutionName { subject.append(("institution_name", .string(name))) }
        var members: [(String, OrderedJSON)] = [
            ("rule", .string(finding.ruleID)),
            ("title", .string(finding.title)),
            ("severity", .string(finding.severity.rawValue)),
            ("status", .string(finding.status.rawValue)),
            ("subject", .object(subject)),
        ]
        if let key = finding.key { members.append(("key", .string(key))) }
        members.append(("message", .string(finding.message)))
        members.append(("citations", .array(finding.citations.map(citation))))
        members.append(("evidence", .object(finding.evidence.map { ($0.name, $0.value) })))
        if let location = finding.location {
            members.append(("location", .object([("file", .string(location.path)), ("line", .int(location.line)), ("column", .int(location.column))])))
        }
        if let exemption = finding.exemption {
            members.append(("exemption", .object([
                ("document_number", .string(exemption.documentNumber)),
                ("until", .string(exemption.until.description)),
                ("reason", .string(exemption.reason)),
            ])))
        }
        members.append(("fingerprint", .string(finding.fingerprint)))
        return .object(members)
    }

    func citation(_ citation: ResolvedCitation) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("source", .string(citation.source)), ("title", .string(citation.title))]
        if let number = citation.documentNumber { members.append(("document_number", .string(number))) }
        if let article = citation.article { members.append(("article", .int(article))) }
        if let part = citation.part { members.append(("part", .int(part))) }
        if let paragraph = citation.paragraph { members.append(("paragraph", .int(paragraph))) }
        if let item = citation.item { members.append(("item", .int(item))) }
        if let version = citation.version { members.append(("version", .string(version))) }
        members.append(("text", .string(citation.text)))
        members.append(("verified", .bool(citation.verified)))
        return .object(members)
    }
}
