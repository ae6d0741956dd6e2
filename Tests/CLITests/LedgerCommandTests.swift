import _BianzhiTestSupport
import Foundation
import Testing

/// The 整改 cycle end to end on the bundled county, a year apart (docs/ledger.md walks through the same steps).
@Suite struct LedgerCommandTests {
    /// Noon UTC on a date, for `SOURCE_DATE_EPOCH`.
    static func epoch(_ date: String) -> [String: String] {
        let formatter = ISO8601DateFormatter()
        let seconds = formatter.date(from: date + "T12:00:00Z")?.timeIntervalSince1970 ?? 0
        return ["SOURCE_DATE_EPOCH": String(Int(seconds))]
    }

    /// The findings of `ledger export --format json`, by `rule subject`.
    static func findings(_ ledger: String, date: String) throws -> [String: [String: Any]] {
        let result = try CLIRunner.run(["ledger", "export", "--format", "json", "--ledger", ledger, "--date", date])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        var byKey: [String: [String: Any]] = [:]
        for finding in findings {
            let subject = finding["subject"] as? [String: Any]
            let key = "\(finding["rule"] as? String ?? "") \(subject?["id"] as? String ?? "")"
            byKey[key] = finding
        }
        return byKey
    }

    static func id(_ finding: [String: Any]?) -> String {
        String((finding?["id"] as? String ?? "").prefix(8))
    }

    @Test func theRectificationCycleAcrossTwoSnapshotsAYearApart() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = directory.appendingPathComponent("青禾县整改台账.sqlite").path

        // 1. 2024: the audit is recorded; every finding is 待整改, the exempted one 已批准例外.
        let first = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger], environment: Self.epoch("2024-07-01"))
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("机构编制审计报告 · 青禾县（999001）"))
        #expect(first.stderr.contains("已记入整改台账 \(ledger)：第 1 次审计（数据日期 2024-06-30），新发现"))
        var findings = try Self.findings(ledger, date: "2024-07-01")
        let jyj = Self.id(findings["GW-ST-001 QH-JYJ"])
        let swj = Self.id(findings["GW-IU-001 QH-SWJ"])
        let zjj = Self.id(findings["GW-LD-003 P000509"])
        #expect(!jyj.isEmpty && !swj.isEmpty && !zjj.isEmpty)
        #expect(findings.values.allSatisfy { ($0["state"] as? String) == ((($0["subject"] as? [String: Any])?["id"] as? String) == "QH-NYJ" ? "exempted" : "pending") })
        let nyj = try #require(findings["GW-ST-001 QH-NYJ"]?["exemption"] as? [String: Any])
        #expect(nyj["document_number"] as? String == "澄编〔2024〕11号" && nyj["until"] as? String == "2025-12-31")
        // Persons are in the ledger by their anonymised id only.
        #expect((findings["GW-LD-003 P000509"]?["subject"] as? [String: Any])?["name"] is NSNull)

        // 2. Each finding is assigned: owner, deadline, plan.
        for (id, owner, deadline) in [(jyj, "县交通运输局", "2024-12-31"), (swj, "县商务局", "2024-09-30"), (zjj, "县委组织部", "2025-03-31")] {
            let assigned = try CLIRunner.run(["ledger", "assign", id, "--owner", owner, "--deadline", deadline, "--plan", "按期整改", "--ledger", ledger],
                                             environment: Self.epoch("2024-07-10"))
            #expect(assigned.status == 0, "\(assigned.stderr)")
            #expect(assigned.stdout.hasPrefix("已交办 \(id) "))
        }

        // 3. Overdue findings come first, earliest deadline first.
        let overdue = try CLIRunner.run(["ledger", "list", "--ledger", ledger, "--date", "2025-01-15"])
        #expect(overdue.status == 0)
        let blocks = overdue.stdout.components(separatedBy: "\n\n").dropFirst()
        #expect(blocks.first?.hasPrefix("[逾期] \(swj) 整改中 GW-IU-001") == true, "\(overdue.stdout)")
        #expect(blocks.dropFirst().first?.hasPrefix("[逾期] \(jyj) 整改中 GW-ST-001") == true)
        #expect(overdue.stdout.contains("期限 2024-09-30（已逾期 107 天）"))
        let onlyOverdue = try CLIRunner.run(["ledger", "list", "--overdue", "--ledger", ledger, "--date", "2025-01-15"])
        #expect(onlyOverdue.stdout.contains("符合条件的 2 项"))

        // Closing before a later audit confirms it is refused, and changes nothing.
        let early = try CLIRunner.run(["ledger", "verify", jyj, "--by", "县编办监督检查股", "--ledger", ledger])
        #expect(early.status == 1)
        #expect(early.stderr.contains("当前为“整改中”，不能销号") && early.stderr.contains("[store.transitionRefused]"))

        // 4. 2025: the next snapshot is recorded. Fixed problems are 已整改 with that date and run.
        let second = try CLIRunner.run(["audit", "Cases/qinghe-county-2025/snapshot", "--record", "--ledger", ledger], environment: Self.epoch("2025-07-01"))
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("第 2 次审计（数据日期 2025-06-30），新发现 1 项"), "\(second.stderr)")
        findings = try Self.findings(ledger, date: "2025-07-01")
        for key in ["GW-ST-001 QH-JYJ", "GW-IU-001 QH-SWJ", "GW-CB-001 QH-YX-07", "SF-JD-001 P001064", "SF-JD-002 P001064"] {
            #expect(findings[key]?["state"] as? String == "rectified", "\(key)")
            #expect(findings[key]?["rectified_on"] as? String == "2025-06-30" && findings[key]?["rectified_run"] as? Int == 2, "\(key)")
        }
        #expect(findings["GW-LD-003 P000509"]?["state"] as? String == "in_progress")
        #expect(findings["GW-LD-003 P000509"]?["overdue"] as? Bool == true)
        #expect(findings["GW-IU-001 QH-WLJ"]?["state"] as? String == "pending")
        #expect(findings["GW-ST-001 QH-NYJ"]?["state"] as? String == "exempted")

        // 5. The diff between the runs: new, resolved, persisting.
        let diff = try CLIRunner.run(["ledger", "diff", "1", "2", "--ledger", ledger])
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("  + \(Self.id(findings["GW-IU-001 QH-WLJ"])) GW-IU-001 县文化广电旅游局（QH-WLJ）"))
        #expect(diff.stdout.contains("  - \(jyj) GW-ST-001 县交通运输局（QH-JYJ）"))
        #expect(diff.stdout.contains("  = \(zjj) GW-LD-003 人员 P000509，县住房和城乡建设局（QH-ZJJ）"))
        let diffJSON = try CLIRunner.run(["ledger", "diff", "--format", "json", "--ledger", ledger])
        let diffObject = try #require(try JSONSerialization.jsonObject(with: Data(diffJSON.stdout.utf8)) as? [String: Any])
        let resolved = (diffObject["resolved"] as? [[String: Any]] ?? []).map { "\($0["rule"] ?? "") \($0["subject"] ?? "")" }
        #expect(resolved.contains("GW-ST-001 QH-JYJ") && resolved.contains("GW-CB-001 QH-YX-07"))
        #expect(resolved.contains { $0.hasSuffix(" QH-SLJ") }, "the deputies of 县水利局 are back within the approved number")
        #expect((diffObject["new"] as? [[String: Any]])?.count == 1)

        // 6. The inspector verifies: 已销号.
        let verified = try CLIRunner.run(["ledger", "verify", jyj, "--by", "县编办监督检查股", "--note", "已核对2025年6月实名制名册", "--ledger", ledger],
                                         environment: Self.epoch("2025-07-15"))
        #expect(verified.status == 0, "\(verified.stderr)")
        let closed = try CLIRunner.run(["ledger", "list", "--status", "已销号", "--ledger", ledger, "--date", "2025-07-15"])
        #expect(closed.stdout.contains("\(jyj) 已销号 GW-ST-001"))
        #expect(closed.stdout.contains("已于 2025-07-15T12:00:00Z 由 县编办监督检查股 核实销号"))

        // 7. Half a year on, the over-establishment is back: reopened, with its history kept.
        let later = directory.appendingPathComponent("2025-12")
        try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent("Cases/qinghe-county-2025/snapshot"), to: later)
        let jyjFile = "institutions/government/qh-jyj.yaml"
        try FileManager.default.removeItem(at: later.appendingPathComponent(jyjFile))
        try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent("Cases/qinghe-county/snapshot/" + jyjFile),
                                         to: later.appendingPathComponent(jyjFile))
        let region = later.appendingPathComponent("region.yaml")
        try String(contentsOf: region, encoding: .utf8).replacingOccurrences(of: "as_of: 2025-06-30", with: "as_of: 2025-12-31")
            .write(to: region, atomically: true, encoding: .utf8)
        let third = try CLIRunner.run(["audit", later.path, "--record", "--ledger", ledger], environment: Self.epoch("2026-01-05"))
        #expect(third.stderr.contains("第 3 次审计") && third.stderr.contains("再次出现"), "\(third.stderr)")
        let show = try CLIRunner.run(["ledger", "show", jyj, "--ledger", ledger, "--date", "2026-01-05"])
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("发现 \(jyj)") && show.stdout.contains(" · 待整改"))
        let history = show.stdout.components(separatedBy: "历史：\n").last?.split(separator: "\n").map(String.init) ?? []
        #expect(history.count == 5, "\(show.stdout)")
        #expect(history.first?.contains("审计发现（第 1 次审计）：待整改") == true)
        #expect(history.dropFirst().first?.contains("交办整改：待整改 → 整改中；责任人 县交通运输局；期限 2024-12-31；按期整改") == true)
        #expect(history.dropFirst(2).first?.contains("审计不再发现（已整改）（第 2 次审计）：整改中 → 已整改") == true)
        #expect(history.dropFirst(3).first?.contains("核实销号：已整改 → 已销号；核实人 县编办监督检查股；已核对2025年6月实名制名册") == true)
        #expect(history.last?.contains("销号后再次发现，重新打开（第 3 次审计）：已销号 → 待整改") == true)
        #expect(show.stdout.contains("发现于：第 1 次（2024-06-30）、第 3 次（2025-12-31）"))

        // 8. An older snapshot cannot be recorded after a newer one: exit 2, no report, ledger unchanged.
        let stale = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger])
        #expect(stale.status == 2 && stale.stdout.isEmpty)
        #expect(stale.stderr.contains("[store.staleSnapshot]"))
        let runs = try CLIRunner.run(["ledger", "runs", "--ledger", ledger])
        #expect(runs.stdout.split(separator: "\n").filter { $0.hasPrefix("第 ") }.count == 3)
        #expect(runs.stdout.contains("第 2 次  数据日期 2025-06-30  青禾县（999001）  Cases/qinghe-county-2025/snapshot"))

        // 9. The ledger for spreadsheets: BOM, CRLF, Chinese headings, a row per finding.
        let csv = try CLIRunner.run(["ledger", "export", "--format", "csv", "--ledger", ledger, "--date", "2026-01-05"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("\u{FEFF}编号,台账状态,是否逾期,规则,问题,"))
        let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let json = try CLIRunner.run(["ledger", "export", "--format", "json", "--ledger", ledger, "--date", "2026-01-05"])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(rows.count == (all["findings"] as? [Any] ?? []).count + 1)
        #expect((all["runs"] as? [Any])?.count == 3)
    }

    @Test func errorsSayWhatToDo() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("none.sqlite").path
        let list = try CLIRunner.run(["ledger", "list", "--ledger", missing])
        #expect(list.status == 2 && list.stdout.isEmpty)
        #expect(list.stderr == "error: 整改台账 '\(missing)' 不存在 [store.ledgerMissing]\n      = 帮助 help: 先运行 bianzhi audit SNAPSHOT --record 记录一次审计，或用 --ledger 指定台账文件\n")
        #expect(!FileManager.default.fileExists(atPath: missing))

        let notLedger = try TestSupport.write("snapshot: v1\n", to: "snapshot.yaml", in: directory)
        let wrongFile = try CLIRunner.run(["audit", "Cases/clean-county/snapshot.yaml", "--record", "--ledger", notLedger])
        #expect(wrongFile.status == 2 && wrongFile.stdout.isEmpty && wrongFile.stderr.contains("[store.notALedger]"))

        let ledger = directory.appendingPathComponent("ledger.sqlite").path
        let clean = try CLIRunner.run(["audit", "Cases/clean-county/snapshot.yaml", "--record", "--ledger", ledger])
        #expect(clean.status == 0 && clean.stderr.contains("新发现 0 项"), "\(clean.stderr)")
        let empty = try CLIRunner.run(["ledger", "list", "--ledger", ledger])
        #expect(empty.stdout.contains("台账中还没有发现。"))
        let unknown = try CLIRunner.run(["ledger", "show", "abcdef", "--ledger", ledger])
        #expect(unknown.status == 1 && unknown.stderr.contains("台账中没有编号为 'abcdef' 的发现 [store.unknownFinding]"))
        let invalid = try CLIRunner.run(["ledger", "assign", "QH-JYJ", "--owner", "x", "--deadline", "2024-12-31", "--ledger", ledger])
        #expect(invalid.status == 1 && invalid.stderr.contains("[store.invalidFindingID]"))
        for owner in ["", "  "] {
            let noOwner = try CLIRunner.run(["ledger", "assign", "abcdef", "--owner", owner, "--deadline", "2024-12-31", "--ledger", ledger])
            #expect(noOwner.status != 0 && noOwner.stderr.contains("--owner 不能为空"), "\(noOwner.stderr)")
        }
        let badDate = try CLIRunner.run(["ledger", "assign", "abcdef", "--owner", "x", "--deadline", "2024-02-30", "--ledger", ledger])
        #expect(badDate.status != 0 && badDate.stderr.contains("2024-02-30"))
        let noRun = try CLIRunner.run(["ledger", "diff", "1", "7", "--ledger", ledger])
        #expect(noRun.status == 1 && noRun.stderr.contains("[store.unknownRun]"))
    }

    @Test func helpShowsTheCycle() throws {
        let help = try CLIRunner.run(["ledger", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("verify 核实后“已销号”"))
        for command in ["list", "show", "assign", "verify", "diff", "runs", "export"] {
            #expect(help.stdout.contains("  \(command) "), "\(command)")
        }
        let audit = try CLIRunner.run(["audit", "--help"])
        #expect(audit.stdout.contains("--record") && audit.stdout.contains("--ledger"))
    }
}
