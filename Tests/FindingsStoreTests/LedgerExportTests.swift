@testable import FindingsStore
import Foundation
import Testing

/// What the exports write: words people read in the csv (and the xlsx and html built from its rows), codes in the JSON.
@Suite struct LedgerExportTests {
    /// One finding of each subject kind and severity, recorded and exported.
    static func export() throws -> (LedgerExport, TemporaryLedger) {
        let ledger = try TemporaryLedger()
        let store = try ledger.open()
        defer { try? store.close() }
        var findings = [
            Observe.finding("GW-ST-001", "QH-JYJ"),
            Observe.finding("GW-LD-003", "P000509", kind: "person", institution: "QH-ZJJ"),
            Observe.finding("GW-RL-001", "999001", kind: "region"),
            Observe.finding("GW-EV-001", "QH-RFB-E1", kind: "event", institution: "QH-RFB"),
            Observe.finding("GW-CB-001", "QH-YX-07", kind: "coordination_body"),
        ]
        findings[1].severity = "warning"
        findings[2].severity = "info"
        try store.record(Observe.run("2024-06-30", findings))
        let date = Observe.date("2024-07-01")
        return (LedgerExport(entries: try store.entries(on: date), runs: try store.runs(), date: date), ledger)
    }

    @Test func spreadsheetRowsSaySeverityKindAndStatusInChinese() throws {
        let (export, _) = try Self.export()
        let headings = LedgerCSVExporter.headings
        let severity = try #require(headings.firstIndex(of: "级别"))
        let kind = try #require(headings.firstIndex(of: "对象类型"))
        let state = try #require(headings.firstIndex(of: "台账状态"))
        let conclusion = try #require(headings.firstIndex(of: "审计结论"))
        let rows = LedgerCSVExporter().rows(export)
        var byRule: [String: [String]] = [:]
        for row in rows { byRule[row[3]] = row }
        #expect(byRule["GW-ST-001"]?[severity] == "错误" && byRule["GW-ST-001"]?[kind] == "机构")
        #expect(byRule["GW-LD-003"]?[severity] == "警告" && byRule["GW-LD-003"]?[kind] == "人员")
        #expect(byRule["GW-RL-001"]?[severity] == "提示" && byRule["GW-RL-001"]?[kind] == "地区")
        #expect(byRule["GW-EV-001"]?[kind] == "机构编制事项")
        #expect(byRule["GW-CB-001"]?[kind] == "议事协调机构")
        #expect(rows.allSatisfy { $0[state] == "待整改" && $0[conclusion] == "违规" })
        // No code reaches a column people read.
        let codes: Set = ["error", "warning", "info", "institution", "person", "region", "event", "coordination_body",
                          "pending", "violation", "exempted", "exemption_expired"]
        #expect(rows.allSatisfy { row in row.allSatisfy { !codes.contains($0) } })
        let csv = LedgerCSVExporter().render(export)
        #expect(csv.contains(",错误,机构,QH-JYJ,"))
        #expect(!csv.contains(",error,") && !csv.contains(",institution,"))
    }

    @Test func theJSONExportKeepsTheCodes() throws {
        let (export, _) = try Self.export()
        let text = LedgerJSONExporter().render(export)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        var byRule: [String: [String: Any]] = [:]
        for finding in findings { byRule[finding["rule"] as? String ?? ""] = finding }
        #expect(byRule["GW-ST-001"]?["severity"] as? String == "error")
        #expect(byRule["GW-LD-003"]?["severity"] as? String == "warning")
        #expect((byRule["GW-CB-001"]?["subject"] as? [String: Any])?["kind"] as? String == "coordination_body")
        #expect(byRule["GW-ST-001"]?["state"] as? String == "pending" && byRule["GW-ST-001"]?["state_label"] as? String == "待整改")
        #expect(byRule["GW-ST-001"]?["audit_status"] as? String == "violation")
    }

    @Test func anUnknownCodeIsShownAsItIs() {
        let entry = LedgerEntryFixture.entry(severity: "critical", kind: "budget")
        #expect(entry.severityLabel == "critical" && entry.subjectKindLabel == "budget")
    }
}

/// A ledger entry built directly, for the label fallbacks.
enum LedgerEntryFixture {
    static func entry(severity: String, kind: String) -> LedgerEntry {
        LedgerEntry(fingerprint: "0123456789abcdef", regionCode: "999001", ruleID: "X-1", title: "t", severity: severity,
                    subjectKind: kind, subjectID: "S", subjectName: nil, institutionID: nil, institutionName: nil, key: nil,
                    message: "m", citations: "", auditStatus: .violation, exemptionDocument: nil, exemptionUntil: nil,
                    exemptionReason: nil, state: .pending, owner: nil, deadline: nil, plan: nil, firstRunID: 1, lastSeenRunID: 1,
                    rectifiedOn: nil, rectifiedRunID: nil, verifiedBy: nil, verifiedAt: nil, reopenedCount: 0)
    }
}
