import Diagnostics
import Foundation
import RuleSet
import Schema
import SnapshotLoader
import YAMLLoader

/// The outcome of one test: a rule example or an audit case.
public struct TestOutcome: Sendable {
    public var name: String
    public var passed: Bool
    /// Why it failed, line by line.
    public var details: [String]
    public var location: SourceLocation?
}

/// Runs every rule's inline examples and every case under `Cases/`.
public struct RuleTester: Sendable {
    public var engine: AuditEngine

    public init(engine: AuditEngine) {
        self.engine = engine
    }

    /// A compliant example must give no finding of its rule; a violating one at least one (or exactly `findings:`).
    public func runExamples() -> [TestOutcome] {
        var outcomes: [TestOutcome] = []
        for rule in engine.ruleSet.rules {
            // An example is about the rule itself: a local rule's examples run as if in its jurisdiction.
            var unscoped = rule
            unscoped.regions = nil
            let single = AuditEngine(ruleSet: RuleSet(rules: [unscoped], packs: engine.ruleSet.packs, catalog: engine.ruleSet.catalog,
                                                      directory: engine.ruleSet.directory), stepLimit: engine.stepLimit)
            for example in rule.examples {
                let report = single.audit(example.snapshot)
                let count = report.findings.filter { $0.ruleID == rule.id }.count
                let name = "\(rule.id) \(example.kind == .compliant ? "合规示例" : "违规示例") #\(example.index + 1)"
                var details: [String] = []
                if report.rulesApplied == 0 {
                    details.append("示例的数据日期 \(example.snapshot.asOf) 不在规则的有效期内，规则没有运行")
                }
                switch example.kind {
                case .compliant where count > 0:
                    details.append("标为合规，却产生了 \(count) 条发现：" + report.findings.map { $0.message }.joined(separator: "；"))
                case .violating where example.expectedFindings.map({ count != $0 }) ?? (count == 0):
                    details.append("标为违规，应产生\(example.expectedFindings.map { " \($0)" } ?? "至少 1") 条发现，实际 \(count) 条")
                default:
                    break
                }
                // The example is where the test is (its 位置 line); the failing step is in the rule, and said here.
                for failure in report.failures { details.append("计算错误（\(failure.ruleLocation.description)）：\(failure.message)") }
                outcomes.append(TestOutcome(name: name, passed: details.isEmpty, details: details, location: example.location))
            }
        }
        return outcomes
    }

    /// Every `Cases/<name>/case.yaml`: the audit must produce exactly the listed findings.
    public func runCases(in directory: String) -> (outcomes: [TestOutcome], diagnostics: DiagnosticEngine) {
        var outcomes: [TestOutcome] = []
        var engineDiagnostics = DiagnosticEngine()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names {
            let path = directory + "/" + name + "/case.yaml"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            switch CaseFile.load(path: path) {
            case .failure(let error):
                engineDiagnostics.emit(contentsOf: error.diagnostics)
                // At the first problem in case.yaml, where the author fixes it.
                let first = error.diagnostics.lazy.compactMap(\.location).first
                outcomes.append(TestOutcome(name: "案例 \(name)", passed: false, details: error.diagnostics.map { $0.message },
                                            location: first ?? SourceLocation(path: path, line: 1, column: 1)))
            case .success(let testCase):
                outcomes.append(run(testCase, name: name))
            }
        }
        return (outcomes, engineDiagnostics)
    }

    func run(_ testCase: CaseFile, name: String) -> TestOutcome {
        let location = SourceLocation(path: testCase.path, line: 1, column: 1)
        let loaded = SnapshotLoader().load(path: testCase.snapshotPath)
        guard let snapshot = loaded.snapshot else {
            let details = loaded.diagnostics.sorted
            // At the first error in the snapshot, in the order listed; without a location, where case.yaml names the snapshot.
            let firstError = details.lazy.filter { $0.severity == .error }.compactMap(\.location).first
            return TestOutcome(name: "案例 \(name)", passed: false,
                               details: ["快照无效："] + details.map { "\($0.location?.description ?? ""): \($0.message)" },
                               location: firstError ?? testCase.snapshotLocation ?? location)
        }
        let known = Set(engine.ruleSet.rules.map(\.id))
        var details: [String] = []
        if let only = testCase.only {
            for id in only.sorted() where !known.contains(id) { details.append("only 中的规则 \(id) 不存在") }
        }
        for id in Set(testCase.expect.map(\.rule)).sorted() where !known.contains(id) {
            details.append("expect 中的规则 \(id) 不存在" + (Suggestion.closest(to: id, in: Array(known)).map { "；是否要写 \($0)？" } ?? ""))
        }
        let report = engine.audit(snapshot, only: testCase.only)
        var expected = testCase.expect
        var extra: [String] = []
        for finding in report.findings {
            let full = CaseFile.Expectation(rule: finding.ruleID, subject: finding.subject.id, status: finding.status.rawValue, key: finding.key)
            let withoutKey = CaseFile.Expectation(rule: full.rule, subject: full.subject, status: full.status, key: nil).signature
            if let index = expected.firstIndex(where: { $0.signature == full.signature }) ?? expected.firstIndex(where: { $0.signature == withoutKey }) {
                expected.remove(at: index)
            } else {
                // Where the finding's subject is in the snapshot, to add the expectation or to look at the data.
                extra.append("多出的发现：\(full.signature) —— \(finding.message)" + (finding.location.map { "（\($0.description)）" } ?? ""))
            }
        }
        // A missing finding is shown with the line of case.yaml that expects it.
        details += expected.map { "缺少的发现：\($0.signature)" + ($0.location.map { "（\($0.description)）" } ?? "") } + extra
        details += report.failures.map { "计算错误（\($0.ruleLocation.description)）：\($0.ruleID) \($0.subject.id)：\($0.message)" }
        // At the first missing finding's line; with only extra findings, at `expect:`.
        return TestOutcome(name: "案例 \(name)", passed: details.isEmpty, details: details,
                           location: expected.first?.location ?? (extra.isEmpty ? location : testCase.expectLocation ?? location))
    }
}

/// `Cases/<name>/case.yaml`: which snapshot, which rules, and exactly which findings.
public struct CaseFile: Sendable {
    public struct Expectation: Sendable, Hashable {
        public var rule: String
        public var subject: String
        public var status: String
        public var key: String?
        /// Where the expectation is written in case.yaml.
        public var location: SourceLocation?

        var signature: String { "\(rule) \(subject)\(key.map { " [\($0)]" } ?? "") \(status)" }
    }

    public var path: String
    public var description: String?
    public var snapshotPath: String
    public var only: Set<String>?
    public var expect: [Expectation]
    /// Where `snapshot:` is written in case.yaml, when it is.
    public var snapshotLocation: SourceLocation?
    /// Where `expect:` is written in case.yaml, when it is.
    public var expectLocation: SourceLocation?

    public static func load(path: String) -> Result<CaseFile, CaseFileError> {
        guard let bytes = RegularFile.bytes(at: path) else {
            return .failure(CaseFileError(diagnostics: [Diagnostic("case.unreadable", message: "无法读取案例文件：\(RegularFile.reason(at: path))",
                                                                   at: SourceLocation(path: path, line: 1, column: 1))]))
        }
        let source = SourceFile(path: path, bytes: bytes)
        let parsed = YAMLParser.parse(source)
        guard parsed.errors.isEmpty, let root = parsed.root else {
            return .failure(CaseFileError(diagnostics: parsed.errors.map {
                $0.diagnostic(emptyFileHelp: "case.yaml 写 `snapshot:`（快照文件名）和 `expect:`（应得的发现列表，可为 []）")
            }))
        }
        var problems: [Diagnostic] = []
        func at(_ node: YAMLNode) -> SourceLocation { SourceLocation(path: path, line: Int(node.start.line), column: Int(node.start.column)) }
        guard case .mapping(let pairs) = root.kind else {
            return .failure(CaseFileError(diagnostics: [Diagnostic("case.shape", message: "案例文件应为映射", at: at(root))]))
        }
        let folder = (path as NSString).deletingLastPathComponent
        var snapshot = folder + "/snapshot"
        if !FileManager.default.fileExists(atPath: snapshot) { snapshot = folder + "/snapshot.yaml" }
        var description: String?
        var only: Set<String>?
        var expect: [Expectation] = []
        var snapshotLocation: SourceLocation?
        var expectLocation: SourceLocation?
        let allowed = ["description", "snapshot", "only", "expect"]
        for pair in pairs {
            let key = pair.key.scalar?.value ?? ""
            switch key {
            case "description": description = pair.value.scalar?.value
            case "snapshot":
                if let value = pair.value.scalar?.value { snapshot = folder + "/" + value }
                snapshotLocation = at(pair.key)
            case "only":
                if case .sequence(let items) = pair.value.kind { only = Set(items.compactMap { $0.scalar?.value }) }
            case "expect":
                expectLocation = at(pair.key)
                guard case .sequence(let items) = pair.value.kind else {
                    if pair.value.scalar?.isNull != true { problems.append(Diagnostic("case.shape", message: "expect 应为列表", at: at(pair.value))) }
                    continue
                }
                for item in items {
                    guard case .mapping(let fields) = item.kind else {
                        problems.append(Diagnostic("case.shape", message: "每个预期发现应为 {rule, subject, status}", at: at(item)))
                        continue
                    }
                    var values: [String: String] = [:]
                    for field in fields {
                        let name = field.key.scalar?.value ?? ""
                        guard ["rule", "subject", "status", "key"].contains(name) else {
                            problems.append(Diagnostic("case.unknownField", message: "未知字段 '\(name)'", at: at(field.key),
                                                       help: Suggestion.closest(to: name, in: ["rule", "subject", "status", "key"]).map { "是否要写 '\($0)'？" }))
                            continue
                        }
                        values[name] = field.value.scalar?.value
                    }
                    guard let rule = values["rule"], let subject = values["subject"] else {
                        problems.append(Diagnostic("case.missingField", message: "预期发现需要 rule 和 subject", at: at(item)))
                        continue
                    }
                    let status = values["status"] ?? "violation"
                    if !["violation", "exempted", "exemption_expired"].contains(status) {
                        problems.append(Diagnostic("case.badStatus", message: "status '\(status)' 应为 violation、exempted 或 exemption_expired", at: at(item)))
                    }
                    expect.append(Expectation(rule: rule, subject: subject, status: status, key: values["key"], location: at(item)))
                }
            default:
                problems.append(Diagnostic("case.unknownField", message: "未知字段 '\(key)'", at: at(pair.key),
                                           help: Suggestion.closest(to: key, in: allowed).map { "是否要写 '\($0)'？" }))
            }
        }
        guard problems.isEmpty else { return .failure(CaseFileError(diagnostics: problems)) }
        return .success(CaseFile(path: path, description: description, snapshotPath: snapshot, only: only, expect: expect,
                                 snapshotLocation: snapshotLocation, expectLocation: expectLocation))
    }
}

/// The problems that kept a case file from being read.
public struct CaseFileError: Error, Sendable {
    public var diagnostics: [Diagnostic]
}
