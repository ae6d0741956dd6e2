import _BianzhiTestSupport
import Foundation
import Testing

@Suite struct AuditCommandTests {
    @Test func bundledCountyHasViolationsAndExitsOne() throws {
        let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("机构编制审计报告 · 青禾县（999001）"))
        #expect(result.stdout.contains("《地方各级人民政府机构设置和编制管理条例》第六条第二款"))
        #expect(result.stdout.contains("[已批准例外]"))
    }

    @Test func jsonFormatIsTheReportContract() throws {
        let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--format", "json"], environment: ["SOURCE_DATE_EPOCH": "1767225600"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["generated_at"] as? String == "2026-01-01T00:00:00Z")
        let snapshot = try #require(object["snapshot"] as? [String: Any])
        #expect(snapshot["region"] as? String == "999001")
        #expect(snapshot["as_of"] as? String == "2024-06-30")
    }

    @Test func failOnInfoWithOnlyExemptedFindingsPasses() throws {
        // Only the exempted over-establishment finding of QH-NYJ is selected: nothing counts.
        let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--only", "GW-ST-001", "--fail-on", "info"])
        #expect(result.stdout.contains("QH-NYJ"))
        #expect(result.status == 1, "QH-JYJ is over establishment too")
        let clean = try CLIRunner.run(["audit", "Cases/clean-county/snapshot.yaml", "--fail-on", "info"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("未发现违规"))
    }

    @Test func onlyWithAnUnknownRuleIsRefused() throws {
        // A misspelt or lowercase id ran no rule and passed (exit 0): now refused before the snapshot is read.
        for id in ["NOPE-001", "gw-st-001"] {
            let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--only", "GW-IU-001", id, "--format", "json"])
            #expect(result.status == 2, "\(id): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("'\(id)' 不存在"), "\(result.stderr)")
            #expect(!result.stderr.contains("GW-IU-001' 不存在"))
        }
        let near = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--only", "GW-ST-01"])
        #expect(near.stderr.contains("是否指 GW-ST-001"), "\(near.stderr)")
    }

    /// `--as-of` another date than the snapshot's: the header says both dates, standard error says what that means,
    /// and such an audit is not recorded in the ledger (a later date recorded there made the next real audit look older).
    @Test func anAuditAsOfAnotherDateSaysSoAndIsNotRecorded() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in ["text", "html"] {
            let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--as-of", "2025-06-30", "--format", format])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stdout.contains(format == "text" ? "审计基准日 2025-06-30（快照数据日期 2024-06-30）"
                                                            : "<dt>审计基准日</dt><dd>2025-06-30</dd></div><div><dt>快照数据日期</dt><dd>2024-06-30</dd>"))
            #expect(result.stderr.contains("快照反映的是数据日期 2024-06-30 的状态"), "\(result.stderr)")
        }
        let json = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--as-of", "2025-06-30", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let snapshot = try #require(object["snapshot"] as? [String: Any])
        #expect(snapshot["as_of"] as? String == "2025-06-30" && snapshot["data_as_of"] as? String == "2024-06-30")
        let ledger = directory.appendingPathComponent("l.sqlite").path
        let refused = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--as-of", "2025-06-30", "--record", "--ledger", ledger])
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("不能记入整改台账"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ledger))
        // The snapshot's own date is an ordinary audit.
        let same = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--as-of", "2024-06-30", "--record", "--ledger", ledger, "--quiet"])
        #expect(same.status == 1, "\(same.stderr)")
        #expect(same.stdout.contains("数据日期 2024-06-30；") && !same.stdout.contains("审计基准日"))
        // Each finding carries the number the ledger knows it by.
        let listed = try CLIRunner.run(["ledger", "list", "--ledger", ledger])
        let numbers = same.stdout.split(separator: "\n").compactMap { line in line.range(of: " · 编号 ").map { String(line[$0.upperBound...]) } }
        #expect(numbers.count > 10)
        #expect(numbers.allSatisfy { $0.count == 8 && listed.stdout.contains($0) }, "\(numbers)")
    }

    /// A central rule that a local pack overrides only in part (GW-LD-002, for institutions other than public ones in
    /// the 示范省) ran but was not counted among the rules run: its findings were never marked rectified in the ledger,
    /// and SARIF's rule list lacked it.
    @Test func aCentralRuleOverriddenInPartCountsAsRun() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let county = directory.appendingPathComponent("county").path
        try FileManager.default.copyItem(atPath: TestSupport.path("Cases/qinghe-county/snapshot"), toPath: county)
        let ledger = directory.appendingPathComponent("l.sqlite").path
        let first = try CLIRunner.run(["audit", county, "--record", "--ledger", ledger, "--only", "GW-LD-002", "--format", "sarif"],
                                      environment: ["SOURCE_DATE_EPOCH": "1719705600"])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout.contains("\"id\" : \"GW-LD-002\"") || first.stdout.contains("\"id\":\"GW-LD-002\""), "\(first.stdout.prefix(3000))")
        // The water bureau gets a fourth deputy post approved: the finding is gone, and the ledger says rectified.
        let file = county + "/institutions/government/qh-slj.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "    principal: 1\n    deputy: 3\n", with: "    principal: 1\n    deputy: 4\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let second = try CLIRunner.run(["audit", county, "--record", "--ledger", ledger, "--only", "GW-LD-002", "--quiet"],
                                       environment: ["SOURCE_DATE_EPOCH": "1719792000"])
        #expect(second.stderr.contains("已整改 1 项"), "\(second.stderr)")
    }

    /// Evidence in the spreadsheet and HTML reports reads as people write it: labels, not English enum names; a missing
    /// value as （空）, not a placeholder date.
    @Test func evidenceIsWrittenForPeople() throws {
        let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--format", "csv"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("kind = 行政编制"), "\(result.stdout)")
        #expect(result.stdout.contains("existed = 是，last = （空）"))
        #expect(!result.stdout.contains("1900-01-01"))
        #expect(!result.stdout.contains("\"\"administrative\"\""))
        #expect(result.stdout.contains("同时在县社会福利院的实名制名册中占用编制"))
    }

    /// `explain` with the id of another kind of subject (a person for a rule on institutions) says what the id is, and
    /// which subject of the rule's kind belongs with it.
    @Test func explainSaysWhenTheIDIsOfAnotherKind() throws {
        let person = try CLIRunner.run(["explain", "GW-ST-001", "P000436", "Cases/qinghe-county/snapshot"])
        #expect(person.status == 2)
        #expect(person.stderr.contains("'P000436' 是人员（县民政局的名册中），而这条规则检查的是机构；请给出机构的代码，如 'QH-MZJ'"), "\(person.stderr)")
        let institution = try CLIRunner.run(["explain", "GW-RY-001", "QH-MZJ", "Cases/qinghe-county/snapshot"])
        #expect(institution.stderr.contains("'QH-MZJ' 是机构，而这条规则检查的是人员"), "\(institution.stderr)")
        let nothing = try CLIRunner.run(["explain", "GW-RY-001", "NOBODY", "Cases/qinghe-county/snapshot"])
        #expect(nothing.stderr.contains("快照中没有人员 'NOBODY'"), "\(nothing.stderr)")
        // The arguments the wrong way round.
        let swapped = try CLIRunner.run(["explain", "QH-SLJ", "GW-LD-002", "Cases/qinghe-county/snapshot"])
        #expect(swapped.status == 2)
        #expect(swapped.stderr.contains("'QH-SLJ' 是快照中的机构；命令的写法是 bianzhi explain 规则编号 对象代码 快照"), "\(swapped.stderr)")
    }

    @Test func jobsDoNotChangeTheReport() throws {
        let environment = ["SOURCE_DATE_EPOCH": "1767225600"]
        let one = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--format", "json", "--jobs", "1"], environment: environment)
        let two = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--format", "json", "--jobs", "2"], environment: environment)
        #expect(one.status == 1 && two.status == 1)
        #expect(!one.stdout.isEmpty && one.stdout == two.stdout)
        let zero = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--jobs", "0"])
        #expect(zero.status != 0 && zero.stdout.isEmpty)
        #expect(zero.stderr.contains("--jobs"))
    }

    @Test func timingsGoToStandardErrorAndLeaveTheReportAlone() throws {
        let environment = ["SOURCE_DATE_EPOCH": "1767225600"]
        let plain = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--format", "json", "--quiet"], environment: environment)
        let timed = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--format", "json", "--quiet", "--timings"], environment: environment)
        #expect(timed.status == plain.status)
        #expect(!plain.stdout.isEmpty && timed.stdout == plain.stdout)
        let lines = timed.stderr.split(separator: "\n").filter { $0.hasPrefix("timings:") }
        let stages = try #require(lines.first)
        for stage in ["rules", "snapshot", "evaluate", "report"] { #expect(stages.contains(" \(stage) "), "\(stages)") }
        // Then the five slowest rules, each a rule id and a time.
        let rules = lines.dropFirst()
        #expect(rules.count == 5, "\(timed.stderr)")
        #expect(rules.allSatisfy { $0.contains("-") && $0.hasSuffix(" ms") })
        #expect(!stages.contains(" ledger "))
        // With --record, writing the ledger is a stage of its own.
        let ledger = try TestSupport.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let recorded = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--quiet", "--timings", "--record", "--ledger", ledger])
        let line = try #require(recorded.stderr.split(separator: "\n").first { $0.hasPrefix("timings: rules") }, "\(recorded.stderr)")
        #expect(line.contains(" ledger ") && line.contains(" report "), "\(line)")
    }

    @Test func unreadableInputIsExitTwoWithNothingOnStdout() throws {
        let missing = try CLIRunner.run(["audit", "/nonexistent"])
        #expect(missing.status == 2 && missing.stdout.isEmpty)
        let badRules = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--rules", "/nonexistent"])
        #expect(badRules.status == 2 && badRules.stdout.isEmpty)
        let badDate = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--as-of", "2024-02-30"])
        #expect(badDate.status != 0 && badDate.stdout.isEmpty)
    }

    /// For a rule with `each`, explain shows the list first, with where its inputs are; an empty list says so.
    @Test func explainShowsTheEachListWithItsLines() throws {
        let found = try CLIRunner.run(["explain", "GW-IU-001", "QH-SWJ", "Cases/qinghe-county/snapshot"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("逐一列举 each unit = filter(it.internal_units"))
        #expect(found.stdout.contains("      → 电子商务股\n"))
        #expect(found.stdout.contains("it.internal_units = 办公室、商贸流通股、对外经济贸易股、电子商务股（4 项）：Cases/qinghe-county/snapshot/institutions/government/qh-swj.yaml:"),
                "\(found.stdout)")
        #expect(found.stdout.contains("结论：违规"))
        let none = try CLIRunner.run(["explain", "GW-IU-001", "QH-WJJ", "Cases/qinghe-county/snapshot"])
        #expect(none.stdout.contains("      → （空列表）\n"), "\(none.stdout)")
        #expect(none.stdout.contains("结论：列表为空"))
        #expect(!none.stdout.contains("结论：违规"))
    }

    @Test func explainShowsEachValueWithItsLine() throws {
        let result = try CLIRunner.run(["explain", "GW-ST-001", "QH-JYJ", "Cases/qinghe-county/snapshot"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("→ 12"))
        // Each field read, with its value and its place.
        #expect(result.stdout.contains("it.approved.staffing.administrative = 10：Cases/qinghe-county/snapshot/institutions/government/qh-jyj.yaml:"),
                "\(result.stdout)")
        #expect(result.stdout.contains("结论：违规"))
        #expect(!result.stdout.contains("审计结果："), "no exemption covers QH-JYJ")
        // An enumeration read is shown by its label.
        let event = try CLIRunner.run(["explain", "GW-EV-001", "QH-RFB/change_rank/2022-08-16", "Cases/qinghe-county/snapshot"])
        #expect(event.stdout.contains("it.authority.level = 县级：") && event.stdout.contains("region.level = 县级："), "\(event.stdout)")
        // A violation the snapshot's exemption covers says what the audit reports: exempted, not a violation.
        let exempted = try CLIRunner.run(["explain", "GW-ST-001", "QH-NYJ", "Cases/qinghe-county/snapshot"])
        #expect(exempted.stdout.contains("结论：违规"))
        #expect(exempted.stdout.contains("审计结果：已批准例外（澄编〔2024〕11号，有效期至 2025-12-31"), "\(exempted.stdout)")
        let expired = try CLIRunner.run(["explain", "GW-ST-001", "SX-NYJ", "Cases/exemption-expired/snapshot.yaml"])
        #expect(expired.stdout.contains("审计结果：例外已过期（示市编〔2022〕5号，有效期至 2023-12-31"), "\(expired.stdout)")
        let unknown = try CLIRunner.run(["explain", "GW-ST-01", "QH-JYJ", "Cases/qinghe-county/snapshot"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("GW-ST-001"))
    }

    @Test func testCommandClosesWithTheCountLine() throws {
        let result = try CLIRunner.run(["test", "--quiet"])
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.range(of: #"^\d+ passed, \d+ failed$"#, options: .regularExpression) != nil, "\(last)")
        #expect(result.status == 0, "\(result.stdout)")
    }
}

/// The README shows the start of what its first command prints: it must be what the command prints.
@Suite struct ReadmeExampleTests {
    @Test func theReadmeShowsWhatTheFirstCommandPrints() throws {
        let readme = try String(contentsOfFile: TestSupport.path("README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "第一条命令读取"))
        let after = readme[marker.upperBound...]
        let start = try #require(after.range(of: "```\n"))
        let end = try #require(after[start.upperBound...].range(of: "```"))
        let shown = after[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { $0 != "……" && !$0.isEmpty }
        #expect(shown.count >= 5)
        let result = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot"])
        #expect(result.status == 1)
        let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        #expect(Array(printed.prefix(shown.count)) == shown)
    }
}
