import _BianzhiTestSupport
import AuditEngine
import Diagnostics
import Foundation
import Reporters
import RuleSet
import Schema
import SnapshotLoader
import Testing
import WorkerPool

private func projectRules() throws -> RuleSet {
    let result = RuleSet.load(directory: TestSupport.path("Rules"))
    #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.diagnostics)")
    return result.ruleSet
}

private func sample(_ text: String = SampleSnapshot.text) throws -> Snapshot {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try TestSupport.write(text, to: "s.yaml", in: directory)
    let result = SnapshotLoader().load(path: path)
    return try #require(result.snapshot, "\(result.diagnostics.diagnostics)")
}

@Suite struct AuditEngineTests {
    @Test func generatedRuleReferenceIsCurrent() throws {
        let pages = RuleReference.pages(for: try projectRules())
        for page in pages {
            let committed = try String(contentsOfFile: TestSupport.path("docs/rules/" + page.name), encoding: .utf8)
            #expect(committed == page.content, "docs/rules/\(page.name) is stale: run `swift run bianzhi docs rules`")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("docs/rules")).filter { $0.hasSuffix(".md") }
        #expect(Set(files) == Set(pages.map(\.name)))
    }

    @Test func coverageReportIsCurrentAndComplete() throws {
        let coverage = Coverage(ruleSet: try projectRules())
        let committed = try String(contentsOfFile: TestSupport.path("docs/coverage.md"), encoding: .utf8)
        #expect(committed == coverage.markdown(), "docs/coverage.md is stale: run `swift run bianzhi coverage --format markdown > docs/coverage.md`")
        let open = coverage.openArticles(in: ["tiaoli", "gwy486", "gwy227"])
        #expect(open.isEmpty, "unclassified: \(open.map { "\($0.regulation.key) \($0.article.number)" })")
        let counts = Dictionary(uniqueKeysWithValues: coverage.regulations.map { ($0.regulation.key + ($0.regulation.version ?? ""), $0.entries.count) })
        #expect(counts.filter { $0.key.hasPrefix("tiaoli") }.values.first == 33)
    }

    @Test func coverageCountsArticlesByStatus() throws {
        let coverage = Coverage(ruleSet: try projectRules())
        for regulation in coverage.regulations {
            #expect(regulation.checked + regulation.notCheckable + regulation.open == regulation.entries.count)
            for entry in regulation.entries {
                if case .checked(let rules) = entry.status { #expect(!rules.isEmpty) }
            }
        }
    }

    @Test func everyRuleHasACaseWhereItFiresAndOneWhereItDoesNot() throws {
        let ruleSet = try projectRules()
        let folder = TestSupport.path("Cases")
        var fired: Set<String> = []
        var silent: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            guard case .success(let testCase) = CaseFile.load(path: folder + "/" + name + "/case.yaml") else { continue }
            let expected = Set(testCase.expect.map(\.rule))
            for rule in ruleSet.rules where testCase.only?.contains(rule.id) ?? true {
                if expected.contains(rule.id) { fired.insert(rule.id) } else { silent.insert(rule.id) }
            }
        }
        let ids = Set(ruleSet.rules.map(\.id))
        #expect(ids.subtracting(fired).isEmpty, "rules with no case where they fire: \(ids.subtracting(fired).sorted())")
        #expect(ids.subtracting(silent).isEmpty, "rules with no case where they stay silent: \(ids.subtracting(silent).sorted())")
    }

    @Test func jsonReportIsDeterministicAndSorted() throws {
        let ruleSet = try projectRules()
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let engine = AuditEngine(ruleSet: ruleSet)
        let first = JSONReporter(generatedAt: "2026-01-01T00:00:00Z").render(engine.audit(snapshot))
        let second = JSONReporter(generatedAt: "2026-01-01T00:00:00Z").render(engine.audit(snapshot))
        #expect(first == second)
        let report = engine.audit(snapshot)
        let keys = report.findings.map { [$0.subject.id, $0.ruleID, $0.key ?? "", $0.message] }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(report.findings.map(\.fingerprint)).count == report.findings.count, "fingerprints are unique")
    }

    @Test func theReportDoesNotDependOnTheNumberOfWorkers() throws {
        let ruleSet = try projectRules()
        let path = TestSupport.path("Cases/qinghe-county/snapshot")
        let reporter = JSONReporter(generatedAt: "2026-01-01T00:00:00Z")
        let one = try #require(SnapshotLoader(workers: WorkerPool(workers: 1)).load(path: path).snapshot)
        let single = reporter.render(AuditEngine(ruleSet: ruleSet, workers: WorkerPool(workers: 1)).audit(one))
        let many = try #require(SnapshotLoader(workers: WorkerPool(workers: 3)).load(path: path).snapshot)
        let parallel = reporter.render(AuditEngine(ruleSet: ruleSet, workers: WorkerPool(workers: 3)).audit(many))
        #expect(single == parallel)
        #expect(single.contains("\"findings\""))
    }

    /// The rules that call `rosters_of` are evaluated after the others, once the roster index is built (on one worker
    /// while the others evaluate the rest): each rule finds the same, in the same order, whether it runs with all the
    /// others or alone.
    @Test func eachRuleFindsTheSameAloneAsWithAllTheOthers() throws {
        let ruleSet = try projectRules()
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let engine = AuditEngine(ruleSet: ruleSet, workers: WorkerPool(workers: 2))
        let all = engine.audit(snapshot)
        func summary(_ findings: [Finding]) -> [String] {
            findings.map { "\($0.ruleID) \($0.subject.id) \($0.key ?? "") \($0.status.rawValue) \($0.message)" }
        }
        let usingRoster = ruleSet.rules.filter(\.usesRoster).map(\.id)
        #expect(!usingRoster.isEmpty)
        #expect(usingRoster.contains { id in all.findings.contains { $0.ruleID == id } })
        for rule in ruleSet.rules {
            let alone = engine.audit(snapshot, only: [rule.id])
            #expect(summary(alone.findings) == summary(all.findings.filter { $0.ruleID == rule.id }), "\(rule.id)")
            #expect(alone.failures.count == all.failures.filter { $0.ruleID == rule.id }.count, "\(rule.id)")
        }
    }

    /// Measuring each rule's time evaluates rule by rule instead of institution by institution: the report is the same,
    /// and every applied rule has a time.
    @Test func measuringTheRulesDoesNotChangeTheReport() throws {
        let ruleSet = try projectRules()
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let reporter = JSONReporter(generatedAt: "2026-01-01T00:00:00Z")
        let engine = AuditEngine(ruleSet: ruleSet, workers: WorkerPool(workers: 2))
        let plain = engine.audit(snapshot)
        let measured = engine.audit(snapshot, measuringRules: true)
        #expect(reporter.render(plain) == reporter.render(measured))
        #expect(plain.ruleTimings.isEmpty)
        #expect(measured.ruleTimings.count == measured.rulesApplied)
    }

    /// A failing case says where to look: a missing finding at its line of case.yaml, an extra one at its subject in the snapshot.
    @Test func aFailingCaseShowsWhereEachDifferenceIs() throws {
        let directory = try TestSupport.temporaryDirectory()
        let folder = directory.appendingPathComponent("wrong")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.path("Cases/qinghe-county/snapshot"), toPath: folder.appendingPathComponent("snapshot").path)
        try TestSupport.write("""
        only: [GW-ST-001]
        expect:
          - {rule: GW-ST-001, subject: QH-JYJ, status: violation}
          - {rule: GW-ST-001, subject: QH-NOPE, status: violation}

        """, to: "wrong/case.yaml", in: directory)
        let outcome = try #require(RuleTester(engine: AuditEngine(ruleSet: try projectRules())).runCases(in: directory.path).outcomes.first)
        #expect(!outcome.passed)
        let casePath = folder.appendingPathComponent("case.yaml").path
        #expect(outcome.details.contains("缺少的发现：GW-ST-001 QH-NOPE violation（\(casePath):4:5）"), "\(outcome.details)")
        #expect(outcome.location == SourceLocation(path: casePath, line: 4, column: 5))
        // QH-NYJ is over establishment too, with an exemption in force: a finding the case does not list.
        let extra = try #require(outcome.details.first { $0.hasPrefix("多出的发现：GW-ST-001 QH-NYJ exempted") }, "\(outcome.details)")
        #expect(extra.contains("（\(folder.path)/snapshot/institutions/"), "\(extra)")
        #expect(extra.hasSuffix(":2:1）"), "\(extra)")
    }

    /// A case that cannot run points where the author fixes it: an invalid snapshot at its first error,
    /// a case.yaml that cannot be read at its first problem, and extra findings alone at `expect:`.
    @Test func aCaseThatCannotRunShowsWhereToFixIt() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // An invalid snapshot: text where a count is expected, and a second error further down.
        let snapshotText = SampleSnapshot.replacing("staffing: {administrative: 2}", with: "staffing: {administrative: many}")
            .replacingOccurrences(of: "staffing: {public_service: 5}", with: "staffing: {public_service: five}")
        let snapshotPath = try TestSupport.write(snapshotText, to: "a-invalid/data.yaml", in: directory)
        try TestSupport.write("""
        description: 快照有误
        snapshot: data.yaml
        expect: []

        """, to: "a-invalid/case.yaml", in: directory)
        let lines = snapshotText.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains("administrative: many") }) + 1
        let column = try #require(lines[line - 1].range(of: "many")).lowerBound.utf16Offset(in: lines[line - 1]) + 1
        #expect(line == 15 && column == 34, "the sample moved: \(line):\(column)")
        // A case.yaml with a misspelt key on its second line.
        try TestSupport.write("""
        snapshot: data.yaml
        expcet: []

        """, to: "b-misspelt/case.yaml", in: directory)
        // A case that expects nothing of a snapshot with findings: only extra findings.
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("c-extra"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.path("Cases/qinghe-county/snapshot"),
                                         toPath: directory.appendingPathComponent("c-extra/snapshot").path)
        try TestSupport.write("""
        only: [GW-ST-001]
        # none expected
        expect: []

        """, to: "c-extra/case.yaml", in: directory)

        let outcomes = RuleTester(engine: AuditEngine(ruleSet: try projectRules())).runCases(in: directory.path).outcomes
        try #require(outcomes.count == 3, "\(outcomes.map(\.name))")
        #expect(outcomes.allSatisfy { !$0.passed })
        #expect(outcomes[0].details.first == "快照无效：", "\(outcomes[0].details)")
        #expect(outcomes[0].location == SourceLocation(path: snapshotPath, line: line, column: column), "\(String(describing: outcomes[0].location))")
        let misspelt = directory.appendingPathComponent("b-misspelt/case.yaml").path
        #expect(outcomes[1].location == SourceLocation(path: misspelt, line: 2, column: 1), "\(String(describing: outcomes[1].location))")
        let extra = directory.appendingPathComponent("c-extra/case.yaml").path
        #expect(outcomes[2].details.contains { $0.hasPrefix("多出的发现：GW-ST-001 ") }, "\(outcomes[2].details)")
        #expect(outcomes[2].location == SourceLocation(path: extra, line: 3, column: 1), "\(String(describing: outcomes[2].location))")
    }

    /// The report lists the packs of the rules applied, not every pack loaded.
    @Test func theReportListsThePacksOfTheRulesApplied() throws {
        let ruleSet = try projectRules()
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let engine = AuditEngine(ruleSet: ruleSet)
        #expect(engine.audit(snapshot, only: ["GW-ST-001"]).packs == ["gwy486"])
        #expect(engine.audit(snapshot, only: ["GW-ST-001", "TZ-RY-001"]).packs == ["gwy486", "tz2007-2"])
        let all = engine.audit(snapshot)
        #expect(all.packs.count > 2 && all.packs.allSatisfy(ruleSet.packs.contains))
        // Dated 2018, before the catalogued 公务员法 (gwyf) took effect: none of that pack's rules applies.
        let earlier = engine.audit(snapshot.with(asOf: CivilDate(year: 2018, month: 6, day: 30) ?? snapshot.asOf))
        #expect(all.packs.contains("gwyf") && !earlier.packs.contains("gwyf"))
        #expect(earlier.packs.count == all.packs.count - 1)
    }

    @Test func jsonReportFollowsTheContract() throws {
        let ruleSet = try projectRules()
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let text = JSONReporter(generatedAt: "2026-01-01T00:00:00Z").render(AuditEngine(ruleSet: ruleSet).audit(snapshot))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["report"] as? String == "v1")
        let summary = try #require(object["summary"] as? [String: Any])
        for key in ["subjects", "violations", "exempted", "by_severity"] { #expect(summary[key] != nil, "summary.\(key)") }
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for finding in findings {
            for key in ["rule", "title", "severity", "status", "subject", "message", "citations", "evidence", "location", "fingerprint"] {
                #expect(finding[key] != nil, "finding.\(key)")
            }
            let citations = try #require(finding["citations"] as? [[String: Any]])
            #expect(!citations.isEmpty)
            for citation in citations {
                #expect(citation["source"] is String && citation["text"] is String)
            }
        }
        let exempted = findings.filter { $0["status"] as? String == "exempted" }
        #expect(exempted.count == summary["exempted"] as? Int)
    }

    @Test func aRuleCitingOnlyTheTiaoliDoesNotApplyBeforeAugust2019() throws {
        let ruleSet = try projectRules()
        let snapshot = try sample().with(asOf: try #require(CivilDate(parsing: "2018-06-30")))
        let report = AuditEngine(ruleSet: ruleSet).audit(snapshot)
        for finding in report.findings {
            #expect(!finding.citations.contains { $0.source == "tiaoli" }, "\(finding.ruleID) cites the 条例 in 2018")
        }
        // Which rules ran: audit with one rule at a time.
        let date = try #require(CivilDate(parsing: "2018-06-30"))
        for rule in ruleSet.activeRules {
            let single = AuditEngine(ruleSet: RuleSet(rules: [rule], packs: ruleSet.packs, catalog: ruleSet.catalog, directory: ruleSet.directory))
            let applied = single.audit(snapshot).rulesApplied == 1
            let sources = rule.citations.compactMap { citation -> String? in
                if case .catalog(let reference) = citation.target { return reference.source }
                return nil
            }
            let anyInForce = sources.contains { ruleSet.catalog.version(of: $0, on: date) != nil }
            let expected = (rule.effectiveFrom.map { $0 <= date } ?? true) && (sources.isEmpty || anyInForce || rule.effectiveFrom != nil)
            #expect(applied == expected, "\(rule.id) applied=\(applied) in 2018")
            if !sources.isEmpty, sources.allSatisfy({ $0 == "tiaoli" }), rule.effectiveFrom == nil { #expect(!applied, "\(rule.id)") }
        }
    }

    @Test func exemptionInForceAndExpired() throws {
        let ruleSet = try projectRules()
        // QH-JTJ has 2 administrative staff approved; a third makes it over-established. Its exemption runs to 2025-12-31.
        let text = SampleSnapshot.replacing("      - {id: P002, establishment: administrative, joined: 2020-09-01}",
                                            with: "      - {id: P002, establishment: administrative, joined: 2020-09-01}\n      - {id: P009, establishment: administrative}")
        let engine = AuditEngine(ruleSet: ruleSet)
        let inForce = engine.audit(try sample(text)).findings.filter { $0.subject.id == "QH-JTJ" }
        #expect(!inForce.isEmpty)
        #expect(inForce.allSatisfy { $0.status == .exempted && $0.exemption?.documentNumber == "青编〔2023〕5号" })
        let expired = engine.audit(try sample(text).with(asOf: try #require(CivilDate(parsing: "2026-01-01")))).findings.filter { $0.subject.id == "QH-JTJ" }
        #expect(!expired.isEmpty)
        #expect(expired.allSatisfy { $0.status == .exemptionExpired && $0.status.counts })
    }

    @Test func aRunawayRuleIsStoppedAndReported() throws {
        let ruleSet = try oneRule("""
        - id: T-RUN-001
          title: 嵌套遍历
          severity: error
          scope: region
          require: count(roster, a -> count(roster, b -> count(roster, c -> a.person.id == c.person.id) > 0) > 0) >= 0
          message: "x"
          cite: [{source: gwy486, article: 6}]
          examples:
            compliant: [{}]
            violating: [{findings: 1}]
        """)
        let engine = AuditEngine(ruleSet: ruleSet, stepLimit: 100_000)
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let report = engine.audit(snapshot)
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.message.contains("步数上限") == true)
    }

    /// Each evaluation stops at the step limit, but a person rule that reached it on every person of a large roster still
    /// ran for minutes: the persons of one institution share a budget of a hundred evaluations, and those left when it is
    /// spent are reported once, as one failure, rather than evaluated.
    @Test func theSubjectsOfOneInstitutionShareAStepBudget() throws {
        let ruleSet = try personRule("T-RUN-002", "每人遍历名册", require: "count(institution.staff, q -> true) >= 0")
        let snapshot = try sampleWith300Persons()
        // Each person costs about 300 steps: well within a limit of 500 per evaluation, but 300 persons are not
        // within 100 × 500 together.
        let report = AuditEngine(ruleSet: ruleSet, stepLimit: 500, workers: WorkerPool(workers: 2)).audit(snapshot)
        #expect(report.failures.count == 1, "\(report.failures.map(\.message))")
        let failure = try #require(report.failures.first)
        #expect(failure.subject.institution == "QH-JTJ")
        #expect(failure.message.contains("机构 QH-JTJ"), "\(failure.message)")
        #expect(failure.message.contains("累计计算超过 50000 步"), "\(failure.message)")
        let evaluated = try #require(Int(failure.subject.id.dropFirst()))
        #expect(failure.message.contains("其余 \(301 - evaluated) 个未计算"), "\(failure.message)")
        #expect((150...170).contains(evaluated), "\(evaluated)")
        // With the default limits the same rule is an ordinary one.
        #expect(AuditEngine(ruleSet: ruleSet).audit(snapshot).failures.isEmpty)
    }

    /// A person on whom the rule reaches the limit of one evaluation stops the rule for the rest of that institution's
    /// roster: one failure for the institution, saying so (each of three thousand persons took seconds before).
    @Test func aSubjectOverTheLimitStopsTheRestOfItsInstitution() throws {
        let ruleSet = try personRule("T-RUN-003", "每人双重遍历名册", require: "count(institution.staff, q -> count(institution.staff, r -> true) > 0) >= 0")
        let snapshot = try sampleWith300Persons()
        // 301 × 301 steps for each person: over a limit of 50,000 on the first.
        let report = AuditEngine(ruleSet: ruleSet, stepLimit: 50_000).audit(snapshot)
        let failures = report.failures.filter { $0.subject.institution == "QH-JTJ" }
        #expect(failures.count == 1, "\(failures.map(\.message))")
        #expect(failures.first?.subject.id == "P001")
        #expect(failures.first?.message.contains("步数上限 50000") == true)
        #expect(failures.first?.message.hasSuffix("本机构其余 300 个对象不再计算") == true, "\(failures.first?.message ?? "")")
    }

    /// A rule body (from the rule's fifth line) whose `let 'share'`, on line 7 column 12, divides by zero.
    private static let divisionByZeroInALet = """
    let:
      total: count(it.staff)
      share: 100 / (total - total)
    require: share >= 0
    message: "x"
    """

    /// An evaluation that stops (division by zero, the step limit, …) says in which part of the rule, and points at
    /// where that part is written: the named value, the condition or the message, not the rule's first line.
    @Test func aFailurePointsAtThePartWhereTheEvaluationStopped() throws {
        func failure(_ id: String, _ body: String, stepLimit: Int = 10_000_000) throws -> EvaluationFailure {
            let ruleSet = try institutionRule(id, body)
            let report = AuditEngine(ruleSet: ruleSet, stepLimit: stepLimit).audit(try sampleWith300Persons())
            return try #require(report.failures.first)
        }
        // The body starts on the rule's fifth line.
        let division = try failure("T-LOC-001", AuditEngineTests.divisionByZeroInALet)
        #expect(division.message == "计算 let 'share' 时：除以零", "\(division.message)")
        #expect(division.ruleLocation.line == 7 && division.ruleLocation.column == 12, "\(division.ruleLocation)")
        #expect(division.ruleLocation.path.hasSuffix("t/r.yaml"))

        let runaway = try failure("T-LOC-002", """
        when: count(it.staff, a -> count(it.staff, b -> true) > 0) >= 0
        require: true
        message: "x"
        """, stepLimit: 50_000)
        #expect(runaway.message.hasPrefix("计算 when 时：计算超过步数上限 50000"), "\(runaway.message)")
        #expect(runaway.ruleLocation.line == 5 && runaway.ruleLocation.column == 9, "\(runaway.ruleLocation)")

        let message = try failure("T-LOC-003", """
        require: false
        message: "共 {100 / (count(it.staff) - count(it.staff))} 人"
        """)
        #expect(message.message == "计算 message 时：除以零", "\(message.message)")
        // Inside the quotes, where the text starts (as compile errors point).
        #expect(message.ruleLocation.line == 6 && message.ruleLocation.column == 13, "\(message.ruleLocation)")

        // A block scalar: the expression's first line, not the `|` on the key's line.
        let block = try failure("T-LOC-004", """
        when: |
          100 / (count(it.staff) - count(it.staff)) > 0
        require: true
        message: "x"
        """)
        #expect(block.message == "计算 when 时：除以零", "\(block.message)")
        #expect(block.ruleLocation.line == 6 && block.ruleLocation.column == 5, "\(block.ruleLocation)")
    }

    /// `bianzhi test` points a failing example at the example (its 位置 line), and says in the detail where in the rule
    /// the computation stopped: the author fixes the rule there, not the example.
    @Test func aFailingExampleSaysWhereInTheRuleTheComputationStopped() throws {
        let ruleSet = try institutionRule("T-LOC-005", AuditEngineTests.divisionByZeroInALet)
        let outcomes = RuleTester(engine: AuditEngine(ruleSet: ruleSet)).runExamples()
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            #expect(!outcome.passed)
            let detail = try #require(outcome.details.first { $0.hasPrefix("计算错误") }, "\(outcome.details)")
            #expect(detail.hasPrefix("计算错误（") && detail.contains("t/r.yaml:7:12）：计算 let 'share' 时：除以零"), "\(detail)")
            #expect(outcome.location?.path.hasSuffix("t/r.yaml") == true && outcome.location?.line != 7, "\(String(describing: outcome.location))")
        }
    }

    /// `explain` computes the `each` list once, for its step and for going through it: a step budget that fits
    /// one computation of the list is enough to explain every element.
    @Test func explainComputesTheEachListOnce() throws {
        let ruleSet = try oneRule("""
        - id: T-EACH-002
          title: 逐一列举
          severity: error
          scope: institution
          each:
            p: filter(it.staff, s -> true)
          require: "true"
          message: "x"
          cite: [{source: gwy486, article: 6}]
          examples:
            compliant: [{}]
            violating: [{findings: 1}]
        """)
        let (snapshot, staff) = try countyAndStaffOfQHJYJ()
        #expect(staff > 1)
        // `filter` costs one step per element: the list fits the budget once, not twice.
        let explanation = try AuditEngine(ruleSet: ruleSet, stepLimit: staff)
            .explain(ruleID: "T-EACH-002", subjectID: "QH-JYJ", in: snapshot).get()
        let each = try #require(explanation.each)
        #expect(!each.value.hasPrefix("计算错误"), "\(each.value)")
        #expect(explanation.evaluations.count == staff)
        #expect(explanation.evaluations.allSatisfy { $0.steps.map(\.value) == ["是"] && !$0.violated })
    }

    /// `explain` concludes as the audit does when a step cannot be computed: a `when`, an `each` list, the message or the
    /// key of a violation that fails is "计算未完成", not "不适用", "列表为空" or a violation with an empty message.
    @Test func explainSaysUnfinishedWhereTheAuditReportsAFailure() throws {
        let (snapshot, _) = try countyAndStaffOfQHJYJ()
        let zero = "100 / (count(it.staff) - count(it.staff))"
        let bodies = [
            ("T-EXP-001", "when: \(zero) > 0\nrequire: \"true\"\nmessage: \"x\""),
            ("T-EXP-002", "each:\n  p: filter(it.staff, s -> \(zero) > 0)\nrequire: \"false\"\nmessage: \"x\""),
            ("T-EXP-003", "require: \"false\"\nmessage: \"{\(zero)}\""),
            ("T-EXP-004", "each: {p: it.staff}\nkey: \(zero)\nrequire: \"false\"\nmessage: \"x\""),
        ]
        for (id, body) in bodies {
            let ruleSet = try institutionRule(id, body)
            let audited = AuditEngine(ruleSet: ruleSet).audit(snapshot, only: [id])
            #expect(audited.failures.contains { $0.subject.id == "QH-JYJ" }, "\(id): the audit reports a failure")
            let explanation = try AuditEngine(ruleSet: ruleSet).explain(ruleID: id, subjectID: "QH-JYJ", in: snapshot).get()
            #expect(!explanation.evaluations.isEmpty, "\(id)")
            #expect(explanation.evaluations.allSatisfy { !$0.violated && $0.message == Explanation.unfinished },
                    "\(id): \(explanation.evaluations.map(\.message))")
        }
    }

    /// Each named value is computed once too: for its step and for the slot later steps read.
    @Test func explainComputesEachNamedValueOnce() throws {
        let ruleSet = try oneRule("""
        - id: T-LET-002
          title: 命名值
          severity: error
          scope: institution
          let:
            everyone: filter(it.staff, s -> true)
          require: count(everyone) > 0
          message: "x"
          cite: [{source: gwy486, article: 6}]
          examples:
            compliant: [{}]
            violating: [{findings: 1}]
        """)
        let (snapshot, staff) = try countyAndStaffOfQHJYJ()
        #expect(staff > 4)
        // `filter` costs one step per element: the named value and `require` fit the budget with it computed once, not twice.
        let explanation = try AuditEngine(ruleSet: ruleSet, stepLimit: staff + 4)
            .explain(ruleID: "T-LET-002", subjectID: "QH-JYJ", in: snapshot).get()
        let evaluation = try #require(explanation.evaluations.first)
        #expect(evaluation.steps.count == 2)
        #expect(evaluation.steps.allSatisfy { !$0.value.hasPrefix("计算错误") }, "\(evaluation.steps.map(\.value))")
        #expect(evaluation.steps.last?.value == "是")
    }

    /// The bundled county, and the number of persons on QH-JYJ's roster (the budgets of the explain tests are set by it).
    private func countyAndStaffOfQHJYJ() throws -> (Snapshot, Int) {
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let institution = try #require(snapshot.institutions.compactMap(\.recordValue)
            .first { $0[SnapshotSchema.institution.requiredSlot("id")].stringValue == "QH-JYJ" })
        return (snapshot, institution[SnapshotSchema.institution.requiredSlot("staff")].listValue?.count ?? 0)
    }

    /// A person rule that requires `require`, with the usual examples.
    private func personRule(_ id: String, _ title: String, require: String) throws -> RuleSet {
        try oneRule("""
        - id: \(id)
          title: \(title)
          severity: error
          scope: person
          require: \(require)
          message: "x"
          cite: [{source: gwy486, article: 6}]
          examples:
            compliant: [{}]
            violating: [{findings: 1}]
        """)
    }

    /// The sample with 300 more persons on QH-JTJ's roster (P001, then X1 … X300).
    private func sampleWith300Persons() throws -> Snapshot {
        let persons = (1...300).map { "      - {id: X\($0), establishment: administrative}" }.joined(separator: "\n")
        return try sample(SampleSnapshot.replacing("      - {id: P002, establishment: administrative, joined: 2020-09-01}", with: persons))
    }

    /// The catalogue and one rule file with `text` (which must hold exactly one valid rule).
    /// A rule on institutions with this `body` (its `when`, `let`, `require`, `message`… lines, from the rule's fifth
    /// line), citing an existing article, with placeholder examples (never run here).
    private func institutionRule(_ id: String, _ body: String) throws -> RuleSet {
        let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return try oneRule("""
        - id: \(id)
          title: 计算错误
          severity: error
          scope: institution
        \(indented)
          cite: [{source: gwy486, article: 6}]
          examples:
            compliant: [{}]
            violating: [{findings: 1}]
        """)
    }

    private func oneRule(_ text: String) throws -> RuleSet {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: TestSupport.path("Rules/catalog"), toPath: directory.appendingPathComponent("catalog").path)
        try TestSupport.write(text, to: "t/r.yaml", in: directory)
        let result = RuleSet.load(directory: directory.path)
        #expect(result.ruleSet.rules.count == 1, "\(result.diagnostics.diagnostics)")
        return result.ruleSet
    }

    /// A rule whose `each` would run away: every subject for which it is computed fails at the step limit.
    private func runawayEach(when condition: String) throws -> AuditReport {
        let ruleSet = try oneRule("""
        - id: T-EACH-001
          title: 条件与遍历
          severity: error
          scope: institution
          when: \(condition)
          each:
            p: filter(roster, a -> count(roster, b -> count(roster, c -> a.person.id == c.person.id) > 0) > 0)
          require: "true"
          message: "x"
          cite: [{source: gwy486, article: 6}]
          examples:
            compliant: [{}]
            violating: [{findings: 1}]
        """)
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        return AuditEngine(ruleSet: ruleSet, stepLimit: 50_000, workers: WorkerPool(workers: 3)).audit(snapshot)
    }

    @Test func aConditionThatDoesNotNameTheElementIsTestedBeforeTheListIsComputed() throws {
        // Only QH-BG passes `when`: the list is computed (and runs away) for it alone.
        let report = try runawayEach(when: "it.id == \"QH-BG\"")
        #expect(report.failures.map(\.subject.id) == ["QH-BG"])
        #expect(report.failures.first?.message.contains("步数上限") == true)
        // A condition false everywhere: nothing is computed, nothing fails.
        #expect(try runawayEach(when: "it.id == \"none\"").failures.isEmpty)
    }

    @Test func failuresComeInRuleOrderThenInstitutionOrderWhateverTheWorkers() throws {
        let report = try runawayEach(when: "it.category == party_body")
        let snapshot = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/qinghe-county/snapshot")).snapshot)
        let category = SnapshotSchema.institution.requiredSlot("category")
        let partyBody = try #require(SnapshotSchema.category.index(of: "party_body"))
        let expected = snapshot.institutions.compactMap(\.recordValue)
            .filter { $0[category].enumIndex == partyBody }
            .compactMap { $0[SnapshotSchema.institution.requiredSlot("id")].stringValue }
        #expect(expected.count > 3)
        #expect(report.failures.map(\.subject.id) == expected)
    }
}

/// Rule files are compiled in parallel; what a load gives must not depend on the number of workers.
@Suite struct ParallelRuleLoadingTests {
    @Test func theRulesAndTheProblemsAreTheSameWhateverTheNumberOfWorkers() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: TestSupport.path("Rules/catalog"), toPath: directory.appendingPathComponent("catalog").path)
        // Two copies of real packs (so every rule id is there twice: duplicates across packs), and a pack of broken files.
        for (pack, copy) in [("gwy486", "a-gwy486"), ("gwy486", "c-gwy486-again"), ("tiaoli", "d-tiaoli")] {
            try FileManager.default.copyItem(atPath: TestSupport.path("Rules/\(pack)"), toPath: directory.appendingPathComponent(copy).path)
        }
        try TestSupport.write("pack: b\ntitel: 坏的包\n", to: "b-broken/pack.yaml", in: directory)
        try TestSupport.write("- id: [unclosed\n", to: "b-broken/1-syntax.yaml", in: directory)
        try TestSupport.write("- id: B-X-001\n  titel: 拼错的字段\n", to: "b-broken/2-fields.yaml", in: directory)
        let loads = [1, 2, 5].map { RuleSet.load(directory: directory.path, workers: WorkerPool(workers: $0)) }
        let first = try #require(loads.first)
        #expect(first.ruleSet.rules.count > 20)
        #expect(first.diagnostics.diagnostics.count > 20)
        #expect(Set(first.diagnostics.diagnostics.map(\.id.rawValue)).isSuperset(of: ["rules.duplicateID", "rules.unknownField"]))
        for load in loads.dropFirst() {
            #expect(load.ruleSet.rules.map(\.id) == first.ruleSet.rules.map(\.id))
            #expect(load.ruleSet.rules.map(\.location) == first.ruleSet.rules.map(\.location))
            #expect(load.diagnostics.diagnostics == first.diagnostics.diagnostics)
            #expect(load.ruleSet.packs == first.ruleSet.packs)
            for diagnostic in first.diagnostics.diagnostics {
                guard let path = diagnostic.location?.path else { continue }
                #expect(load.sources[path]?.bytes == first.sources[path]?.bytes, "\(path)")
            }
        }
    }

    /// Read for an audit (examples checked for their form only), the project's rules are the same rules, compiled the same
    /// way, without their examples; problems in the form of the examples are still found, at the same place.
    @Test func rulesReadForAnAuditAreTheSameRulesWithoutTheirExamples() throws {
        let decoded = RuleSet.load(directory: TestSupport.path("Rules"))
        let formOnly = RuleSet.load(directory: TestSupport.path("Rules"), examples: .formOnly)
        #expect(!formOnly.diagnostics.hasErrors)
        #expect(formOnly.ruleSet.rules.map(\.id) == decoded.ruleSet.rules.map(\.id))
        #expect(formOnly.ruleSet.rules.map(\.location) == decoded.ruleSet.rules.map(\.location))
        #expect(formOnly.ruleSet.rules.map(\.slotCount) == decoded.ruleSet.rules.map(\.slotCount))
        #expect(formOnly.ruleSet.rules.map(\.fieldsRead) == decoded.ruleSet.rules.map(\.fieldsRead))
        #expect(decoded.ruleSet.rules.allSatisfy { !$0.examples.isEmpty })
        #expect(formOnly.ruleSet.rules.allSatisfy { $0.examples.isEmpty })

        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: TestSupport.path("Rules/catalog"), toPath: directory.appendingPathComponent("catalog").path)
        let rule = """
        - id: T-ST-001
          title: 超编
          severity: error
          scope: institution
          require: count(it.staff, p -> p.establishment == administrative) <= it.approved.staffing.administrative
          message: "{it.name}超编"
          cite:
            - {source: gwy486, article: 6, paragraph: 2}
          examples:
            compliant:
              - {approved: {staffing: {administrative: 1}}, staff: [{id: P1, establishment: administrative}], findings: 1}
            violating:
              - {approved: {staffing: {administrative: 0}}, staff: [{id: P1, establishment: administrativ}]}

        """
        try TestSupport.write(rule, to: "t/rules.yaml", in: directory)
        let full = RuleSet.load(directory: directory.path).diagnostics.diagnostics
        let form = RuleSet.load(directory: directory.path, examples: .formOnly).diagnostics.diagnostics
        // The misplaced `findings` is a problem of form; the misspelt value, inside the example's snapshot, is not.
        #expect(form.map(\.id.rawValue) == ["rule.typeMismatch"])
        #expect(full.contains { $0 == form[0] })
        #expect(full.contains { $0.id.rawValue.hasPrefix("rule.example.") })
    }
}
