import FindingsStore
import Foundation
import GRDB
import Schema
import _BianzhiTestSupport

/// A fresh ledger in its own temporary folder, removed when the test is done.
final class TemporaryLedger {
    let directory: URL
    var path: String { directory.appendingPathComponent("ledger.sqlite").path }

    init() throws {
        directory = try TestSupport.temporaryDirectory()
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func open(busyTimeout: Double = 5, trace: (@Sendable (String) -> Void)? = nil) throws -> FindingsStore {
        try FindingsStore(path: path, mode: .create, busyTimeout: busyTimeout, trace: trace)
    }
}

/// SQL statements captured from a store's trace (guarded by a lock: GRDB calls back on its queue).
final class SQLTrace: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String] = []

    var all: [String] { lock.withLock { statements } }

    var handler: @Sendable (String) -> Void {
        { sql in self.lock.withLock { self.statements.append(sql) } }
    }
}

/// Findings and runs written in a line each.
enum Observe {
    static func finding(_ rule: String, _ subject: String, kind: String = "institution", name: String? = nil,
                        institution: String? = nil, status: AuditStatus = .violation, exemption: Exemption? = nil,
                        fingerprint: String? = nil, message: String? = nil) -> ObservedFinding {
        ObservedFinding(fingerprint: fingerprint ?? Observe.fingerprint(rule, subject), ruleID: rule, title: "\(rule) 标题", severity: "error",
                        status: status, subjectKind: kind, subjectID: subject, subjectName: name ?? "机构\(subject)",
                        institutionID: kind == "institution" ? subject : institution, institutionName: kind == "institution" ? name ?? "机构\(subject)" : nil,
                        key: nil, message: message ?? "\(subject) 违反 \(rule)", citations: "《条例》第一条", exemption: exemption)
    }

    static func run(_ asOf: String, _ findings: [ObservedFinding], region: String = "999001", rules: Set<String>? = nil,
                    unfinished: Set<RuleSubject> = [], at seconds: TimeInterval = 1_750_000_000) -> ObservedRun {
        let all = rules ?? Set(["GW-ST-001", "GW-IU-001", "GW-LD-003", "GW-RY-001"]).union(findings.map(\.ruleID))
        return ObservedRun(snapshotPath: "snapshot-\(asOf)", snapshotHash: "sha256:00", regionCode: region, regionName: "青禾县",
                           asOf: CivilDate(parsing: asOf) ?? CivilDate(daysSinceEpoch: 0), ruleSetVersion: "sha256:11",
                           rulesApplied: all.count, packs: ["gwy486"], rulesRun: all, allRules: rules == nil,
                           unfinished: unfinished, recordedAt: Date(timeIntervalSince1970: seconds), findings: findings)
    }

    /// A deterministic 16-hex-digit fingerprint for a rule and a subject.
    static func fingerprint(_ rule: String, _ subject: String) -> String {
        String(SHA256.hex(of: Array("\(rule)|\(subject)".utf8)).prefix(16))
    }

    static func date(_ text: String) -> CivilDate {
        CivilDate(parsing: text) ?? CivilDate(daysSinceEpoch: 0)
    }
}

/// Large snapshots made on the fly for the process tests (too large to keep as fixtures).
enum LargeSnapshot {
    /// `count` public institutions, each with seven findings: over establishment, three unapproved
    /// internal units, deputies over the approved number, and two staff without a vacancy.
    static func yaml(institutions count: Int, asOf: String = "2024-06-30") -> String {
        var lines = ["snapshot: v1", "as_of: \(asOf)", "region:", "  code: \"999777\"", "  name: 压力测试县", "  level: county",
                     "  limits: {party_bodies: 11, government_departments: 26}", "institutions:"]
        lines.reserveCapacity(count * 15 + 10)
        var person = 0
        for index in 0..<count {
            let id = String(index + 100_000).dropFirst()
            lines.append("  - id: T-\(id)")
            lines.append("    name: 测试单位\(id)")
            lines.append("    category: public_institution")
            lines.append("    public_institution_type: public_welfare_1")
            lines.append("    rank: vice_section")
            lines.append("    within_limit: false")
            lines.append("    registration: {status: registered, last_annual_report: 2024-03-15}")
            lines.append("    approved:")
            lines.append("      staffing: {public_service: 0}")
            lines.append("      leadership: {principal: 1, deputy: 0}")
            lines.append("      internal_units: [办公室]")
            lines.append("    internal_units: [办公室, 一股, 二股, 三股]")
            lines.append("    staff:")
            for _ in 0..<2 {
                person += 1
                let pid = String(person + 1_000_000).dropFirst()
                lines.append("      - {id: P\(pid), establishment: public_service, post: deputy, post_rank: vice_section, joined: 2010-01-01}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
