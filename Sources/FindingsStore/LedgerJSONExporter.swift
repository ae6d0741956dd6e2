import Schema

/// The ledger as JSON for other programs: stable English keys, findings in list order,
/// the runs they refer to, nulls written out so every finding has every key. Values are the codes programs match
/// on (`state` `pending`, `severity` `error`, `subject.kind` `institution`, `audit_status` `violation`), never the
/// Chinese labels of the csv, xlsx and html exports; only `state_label` carries the label beside its code.
public struct LedgerJSONExporter: Sendable {
    public init() {}

    public func render(_ export: LedgerExport) -> String {
        document(export).rendered() + "\n"
    }

    public func document(_ export: LedgerExport) -> OrderedJSON {
        .object([
            ("ledger", .string("v1")),
            ("date", .string(export.date.description)),
            ("runs", .array(export.runs.map(run))),
            ("findings", .array(export.entries.map { finding($0, on: export.date) })),
        ])
    }

    func run(_ run: RunRecord) -> OrderedJSON {
        .object([
            ("run", .int(Int(run.number))),
            ("recorded_at", .string(run.recordedAt)),
            ("snapshot", .object([
                ("path", .string(run.snapshotPath)),
                ("hash", .string(run.snapshotHash)),
                ("region", .string(run.regionCode)),
                ("region_name", .string(run.regionName)),
                ("as_of", .string(run.asOf)),
            ])),
            ("rules", .object([
                ("version", .string(run.ruleSetVersion)),
                ("count", .int(run.rulesApplied)),
                ("packs", .array(run.packs.split(separator: ",").map { .string(String($0)) })),
                ("only", run.ruleFilter.map { .array($0.split(separator: ",").map { .string(String($0)) }) } ?? .null),
            ])),
            ("findings", .int(run.findingCount)),
        ])
    }

    func finding(_ entry: LedgerEntry, on date: CivilDate) -> OrderedJSON {
        func text(_ value: String?) -> OrderedJSON { value.map(OrderedJSON.string) ?? .null }
        func number(_ value: Int64?) -> OrderedJSON { value.map { .int(Int($0)) } ?? .null }
        return .object([
            ("id", .string(entry.fingerprint)),
            ("state", .string(entry.state.rawValue)),
            ("state_label", .string(entry.state.label)),
            ("overdue", .bool(entry.isOverdue(on: date))),
            ("rule", .string(entry.ruleID)),
            ("title", .string(entry.title)),
            ("severity", .string(entry.severity)),
            ("subject", .object([
                ("kind", .string(entry.subjectKind)),
                ("id", .string(entry.subjectID)),
                ("name", text(entry.subjectName)),
                ("institution", text(entry.institutionID)),
                ("institution_name", text(entry.institutionName)),
            ])),
            ("key", text(entry.key)),
            ("message", .string(entry.message)),
            ("citations", .string(entry.citations)),
            ("audit_status", .string(entry.auditStatus.rawValue)),
            ("exemption", entry.exemptionDocument.map { document in
                .object([("document_number", .string(document)), ("until", text(entry.exemptionUntil)), ("reason", text(entry.exemptionReason))])
            } ?? .null),
            ("owner", text(entry.owner)),
            ("deadline", text(entry.deadline)),
            ("plan", text(entry.plan)),
            ("first_run", .int(Int(entry.firstRunID))),
            ("last_seen_run", .int(Int(entry.lastSeenRunID))),
            ("rectified_on", text(entry.rectifiedOn)),
            ("rectified_run", number(entry.rectifiedRunID)),
            ("verified_by", text(entry.verifiedBy)),
            ("verified_at", text(entry.verifiedAt)),
            ("reopened", .int(entry.reopenedCount)),
        ])
    }
}
