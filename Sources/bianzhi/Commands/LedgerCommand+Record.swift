import ArgumentParser
import AuditEngine
import FindingsStore
import RuleSet

extension AuditCommand {
    /// `audit --record`: stores the run and its findings in the ledger, before any report is printed,
    /// so a failure (the ledger locked, unreadable, or newer) exits 2 with nothing on standard output.
    /// What it prints clears `progress`'s line first.
    func recordInLedger(_ report: AuditReport, ruleSet: RuleSet, progress: ProgressIndicator? = nil) throws {
        guard record else { return }
        // The rules that ran in this region: a central rule a local pack overrides only in part still runs here.
        let rulesRun = Set(ruleSet.activeRules(forRegion: report.regionCode).map(\.id).filter { only.isEmpty || only.contains($0) })
        let summary = try LedgerSupport.run(refusedCode: 2, progress: progress) { () throws(StoreError) in
            let observed = ObservedRun(
                snapshotPath: report.snapshotPath, snapshotHash: try ContentHash.of(path: snapshot),
                regionCode: report.regionCode, regionName: report.regionName, asOf: report.asOf,
                ruleSetVersion: try ContentHash.of(path: reportOptions.rules), rulesApplied: report.rulesApplied, packs: report.packs,
                rulesRun: rulesRun, allRules: only.isEmpty,
                unfinished: Set(report.failures.map { RuleSubject(ruleID: $0.ruleID, subjectID: $0.subject.id) }),
                recordedAt: LedgerSupport.now(), findings: report.findings.map(ObservedFinding.init))
            let store = try FindingsStore(path: ledger, mode: .create, busyTimeout: LedgerSupport.busyTimeout)
            defer { try? store.close() }
            return try store.record(observed)
        }
        var parts = ["新发现 \(summary.new) 项", "仍存在 \(summary.persisting) 项"]
        if summary.reopened > 0 { parts.append("再次出现 \(summary.reopened) 项") }
        parts.append("已整改 \(summary.rectified) 项")
        Terminal.writeError("已记入整改台账 \(ledger)：第 \(summary.run) 次审计（数据日期 \(report.asOf)），\(parts.joined(separator: "，"))\n",
                            clearing: progress)
    }
}

extension ObservedFinding {
    /// The ledger's view of an engine finding: persons by anonymised id only.
    init(_ finding: Finding) {
        let subject = finding.subject
        let status: AuditStatus = switch finding.status {
        case .violation: .violation
        case .exempted: .exempted
        case .exemptionExpired: .exemptionExpired
        }
        self.init(fingerprint: finding.fingerprint, ruleID: finding.ruleID, title: finding.title,
                  severity: finding.severity.rawValue, status: status,
                  subjectKind: subject.kind.rawValue, subjectID: subject.id, subjectName: subject.name,
                  institutionID: subject.kind == .institution ? subject.id : subject.institution,
                  institutionName: subject.kind == .institution ? subject.name : subject.institutionName,
                  key: finding.key, message: finding.message,
                  citations: finding.citations.map(\.text).joined(separator: "；"),
                  exemption: finding.exemption.map { Exemption(documentNumber: $0.documentNumber, until: $0.until, reason: $0.reason) })
    }
}
