import _BianzhiTestSupport
import AuditEngine
import Foundation
import Reporters
import RuleSet
import Schema
import SnapshotLoader
import Statistics
import Testing
import WorkerPool

private func projectRules() throws -> RuleSet {
    let result = RuleSet.load(directory: TestSupport.path("Rules"))
    #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.diagnostics)")
    return result.ruleSet
}

/// Writes a snapshot in the folder form: `region.yaml` with all but the institutions, and the institutions
/// `perFile` to a file (a list when more than one), in YAML flow style.
private func writeFolder(_ snapshot: Snapshot, perFile: Int, in directory: URL) throws -> String {
    let institutionsSlot = SnapshotSchema.snapshot.requiredSlot("institutions")
    var root = snapshot.root
    let institutions = snapshot.institutions
    root[institutionsSlot] = .list([])
    let folder = directory.appendingPathComponent("snapshot")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("institutions/sub"), withIntermediateDirectories: true)
    _ = try TestSupport.write(FlowYAML.text(.record(root), type: .record(SnapshotSchema.snapshot)) + "\n", to: "snapshot/region.yaml", in: directory)
    var start = 0
    var file = 0
    while start < institutions.count {
        let group = Array(institutions[start..<min(start + perFile, institutions.count)])
        let type = FieldType.record(SnapshotSchema.institution)
        let text = perFile == 1 ? FlowYAML.text(group[0], type: type) : FlowYAML.text(.list(group), type: .list(type))
        // Some files one folder down: the loader reads institutions/ at any depth, in path order.
        let name = String(format: file % 3 == 2 ? "snapshot/institutions/sub/%04d.yaml" : "snapshot/institutions/%04d.yaml", file)
        _ = try TestSupport.write(text + "\n", to: name, in: directory)
        start += perFile
        file += 1
    }
    return folder.path
}

/// Values written back as YAML flow style, as the schema reads them.
private enum FlowYAML {
    static func text(_ value: Value, type: FieldType) -> String {
        switch (value, type) {
        case (.null, _): return "null"
        case (.bool(let flag), _): return flag ? "true" : "false"
        case (.int(let number), _): return String(number)
        case (.date(let date), _): return date.description
        case (.string(let text), _): return quoted(text)
        case (.enumCase(let index), .enumeration(let enumType)): return enumType.cases[index].name
        case (.list(let items), .list(let element)): return "[" + items.map { text($0, type: element) }.joined(separator: ", ") + "]"
        case (.record(let record), .record(let recordType)):
            let fields = recordType.fields.indices.compactMap { slot -> String? in
                record[slot].isNull ? nil : recordType.fields[slot].name + ": " + text(record[slot], type: recordType.fields[slot].type)
            }
            return "{" + fields.joined(separator: ", ") + "}"
        default: return "null"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Replaces `pattern` (a regular expression) in every institution file of `folder`; returns how many files changed.
private func replace(_ pattern: String, with template: String, in folder: String) throws -> Int {
    var changed = 0
    let base = folder + "/institutions"
    for name in FileManager.default.enumerator(atPath: base)?.compactMap({ $0 as? String }) ?? [] where name.hasSuffix(".yaml") {
        let file = base + "/" + name
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let result = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        if result != text {
            try result.write(toFile: file, atomically: true, encoding: .utf8)
            changed += 1
        }
    }
    return changed
}

@Suite struct StreamingAuditTests {
    private let reporter = JSONReporter(generatedAt: "2026-01-01T00:00:00Z")

    /// The snapshot of every case, written as a folder (one institution a file, and three a file): the streamed audit
    /// reports exactly what the audit of the folder loaded in full reports, on the snapshot's date and on another.
    @Test func aStreamedAuditReportsWhatTheFullAuditReports() throws {
        let ruleSet = try projectRules()
        let cases = try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Cases")).sorted()
        var streamedCases = 0
        var readAgain = 0
        for name in cases {
            let file = TestSupport.path("Cases/\(name)/snapshot.yaml")
            guard FileManager.default.fileExists(atPath: file), let original = SnapshotLoader().load(path: file).snapshot else { continue }
            for perFile in [1, 3] {
                let directory = try TestSupport.temporaryDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let folder = try writeFolder(original, perFile: perFile, in: directory)
                let full = try #require(SnapshotLoader().load(path: folder).snapshot, "\(name): the folder does not load")
                for workers in [1, 2] {
                    let engine = AuditEngine(ruleSet: ruleSet, workers: WorkerPool(workers: workers))
                    for date in [nil, CivilDate(parsing: "2031-01-01")] {
                        let expected = reporter.render(engine.audit(date.map { full.with(asOf: $0) } ?? full))
                        // The statistics (of the html and xlsx reports) tallied on one of the dates: those of the full snapshot.
                        let streamed = try #require(engine.auditStreaming(path: folder, loader: SnapshotLoader(workers: WorkerPool(workers: workers)),
                                                                          asOf: date, statistics: date != nil),
                                                    "\(name) did not stream")
                        #expect(reporter.render(streamed.report) == expected, "\(name), \(perFile) a file, \(workers) workers, as of \(String(describing: date))")
                        #expect(streamed.statistics == date.map { StaffingStatistics(full.with(asOf: $0)) }, "\(name), \(perFile) a file")
                        readAgain += streamed.filesReadAgain
                        // Reading files again is timed on its own, apart from evaluating the rules.
                        #expect((streamed.filesReadAgain > 0) == (streamed.reread > .zero), "\(name)")
                    }
                }
            }
            streamedCases += 1
        }
        #expect(streamedCases >= 20)
        // Some cases have a person on two rosters, or a secondment to an institution in another file.
        #expect(readAgain > 0)
    }

    @Test func theBundledCountyStreamsWithTheSameReport() throws {
        let ruleSet = try projectRules()
        let path = TestSupport.path("Cases/qinghe-county/snapshot")
        let engine = AuditEngine(ruleSet: ruleSet)
        let full = try #require(SnapshotLoader().load(path: path).snapshot)
        let streamed = try #require(engine.auditStreaming(path: path, loader: SnapshotLoader()))
        #expect(reporter.render(streamed.report) == reporter.render(engine.audit(full)))
        let only: Set<String> = ["GW-RY-001", "SF-JD-001", "GW-LM-001"]
        let some = try #require(engine.auditStreaming(path: path, loader: SnapshotLoader(), only: only))
        #expect(reporter.render(some.report) == reporter.render(engine.audit(full, only: only)))
        // What is kept of an institution: no roster, no events.
        let staff = SnapshotSchema.institution.requiredSlot("staff")
        #expect(full.institutions.contains { !($0.recordValue?[staff].listValue ?? []).isEmpty })
        #expect(streamed.snapshot.institutions.allSatisfy { $0.recordValue?[staff].isNull == true })
        #expect(streamed.snapshot.institutions.count == full.institutions.count)
    }

    /// A snapshot file whose institutions list is empty: no file or batch reaches a visitor, and the statistics asked for
    /// are still those of the snapshot (the region's limits, none used), not missing.
    @Test func aSnapshotWithoutInstitutionsStillHasItsStatistics() throws {
        let ruleSet = try projectRules()
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(SampleSnapshot.cleanCountyWithoutInstitutions(), to: "empty.yaml", in: directory)
        let full = try #require(SnapshotLoader().load(path: path).snapshot)
        for loader in [SnapshotLoader(), SnapshotLoader(splitsFiles: false)] {
            let streamed = try #require(AuditEngine(ruleSet: ruleSet).auditStreaming(path: path, loader: loader, statistics: true))
            #expect(streamed.statistics == StaffingStatistics(full))
        }
    }

    /// A person on the rosters of two files: the first pass sees one row in each, the files are read again together.
    @Test func aPersonOnTwoFilesRostersIsFoundAcrossThem() throws {
        let ruleSet = try projectRules()
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/persons/snapshot.yaml")).snapshot)
        let folder = try writeFolder(original, perFile: 1, in: directory)
        let engine = AuditEngine(ruleSet: ruleSet)
        let streamed = try #require(engine.auditStreaming(path: folder, loader: SnapshotLoader(), only: ["GW-RY-001"]))
        #expect(streamed.filesReadAgain >= 2)
        #expect(Set(streamed.report.findings.map { "\($0.subject.id) \($0.key ?? "")" }) == ["P101 SX-MZJ", "P101 SX-FLY"])
    }

    @Test func aRuleThatReadsEveryInstitutionForEachOneIsNotStreamed() throws {
        var ruleSet = try projectRules()
        let index = try #require(ruleSet.rules.firstIndex { $0.id == "GW-ST-001" })
        ruleSet.rules[index].readsAllSubjects = true
        let path = TestSupport.path("Cases/qinghe-county/snapshot")
        #expect(AuditEngine(ruleSet: ruleSet).auditStreaming(path: path, loader: SnapshotLoader()) == nil)
        #expect(AuditEngine(ruleSet: ruleSet).auditStreaming(path: path, loader: SnapshotLoader(), only: ["GW-LM-001"]) != nil)
    }

    /// Anything the full load would report stops the stream: the caller loads the snapshot in full to say where.
    @Test func aSnapshotWithAProblemIsNotStreamed() throws {
        let ruleSet = try projectRules()
        let engine = AuditEngine(ruleSet: ruleSet)
        let original = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/persons/snapshot.yaml")).snapshot)
        let problems: [(String, (String) throws -> Void)] = [
            ("a file that is not valid", { folder in
                _ = try TestSupport.write("id: X\nname: [", to: "institutions/9999.yaml", in: URL(fileURLWithPath: folder))
            }),
            ("a secondment after the snapshot's date", { folder in
                let changed = try replace("seconded_since: [0-9-]+", with: "seconded_since: 2999-01-01", in: folder)
                #expect(changed > 0)
            }),
            ("a secondment to an institution that does not exist", { folder in
                let changed = try replace("working_at: \"", with: "working_at: \"NOPE-", in: folder)
                #expect(changed > 0)
            }),
            ("two institutions with one id", { folder in
                let text = try String(contentsOfFile: folder + "/institutions/0000.yaml", encoding: .utf8)
                _ = try TestSupport.write(text, to: "institutions/9999.yaml", in: URL(fileURLWithPath: folder))
            }),
        ]
        for (what, spoil) in problems {
            let directory = try TestSupport.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let folder = try writeFolder(original, perFile: 1, in: directory)
            #expect(engine.auditStreaming(path: folder, loader: SnapshotLoader()) != nil, "\(what): streams before")
            try spoil(folder)
            #expect(SnapshotLoader().load(path: folder).diagnostics.hasErrors, "\(what): the full load finds nothing")
            #expect(engine.auditStreaming(path: folder, loader: SnapshotLoader()) == nil, "\(what)")
        }
        // Nothing there.
        #expect(engine.auditStreaming(path: TestSupport.path("Cases/persons/nothing.yaml"), loader: SnapshotLoader()) == nil)
    }

    // MARK: One file

    /// Every case's snapshot file, split into runs of one institution and of the automatic size, and (not split) streamed
    /// in batches of one institution and in one batch: the report is exactly the one of the file loaded in full, on the
    /// snapshot's date and on another, with one worker and two.
    @Test func aStreamedFileReportsWhatTheFullAuditReports() throws {
        let ruleSet = try projectRules()
        let cases = try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Cases")).sorted()
        var streamedCases = 0
        var readAgain = 0
        for name in cases {
            let file = TestSupport.path("Cases/\(name)/snapshot.yaml")
            guard FileManager.default.fileExists(atPath: file), let full = SnapshotLoader().load(path: file).snapshot else { continue }
            let ways: [(String, (WorkerPool) -> SnapshotLoader)] = [
                ("runs of one", { SnapshotLoader(workers: $0, splitBytes: 1) }),
                ("runs", { SnapshotLoader(workers: $0) }),
                ("batches of one", { SnapshotLoader(workers: $0, batchWeight: 1, splitsFiles: false) }),
                ("batches", { SnapshotLoader(workers: $0, splitsFiles: false) }),
            ]
            for (way, makeLoader) in ways {
                for workers in [1, 2] {
                    let engine = AuditEngine(ruleSet: ruleSet, workers: WorkerPool(workers: workers))
                    let loader = makeLoader(WorkerPool(workers: workers))
                    for date in [nil, CivilDate(parsing: "2031-01-01")] {
                        let expected = reporter.render(engine.audit(date.map { full.with(asOf: $0) } ?? full))
                        let streamed = try #require(engine.auditStreaming(path: file, loader: loader, asOf: date, statistics: date != nil),
                                                    "\(name) did not stream")
                        #expect(reporter.render(streamed.report) == expected,
                                "\(name), \(way), \(workers) workers, as of \(String(describing: date))")
                        #expect(streamed.statistics == date.map { StaffingStatistics(full.with(asOf: $0)) }, "\(name), \(way)")
                        readAgain += streamed.filesReadAgain
                        // Reading files again is timed on its own, apart from evaluating the rules.
                        #expect((streamed.filesReadAgain > 0) == (streamed.reread > .zero), "\(name)")
                    }
                }
            }
            streamedCases += 1
        }
        #expect(streamedCases >= 20)
        #expect(readAgain > 0)
    }

    /// Exemptions after the institutions, naming a person: they are applied to what was found before they were read,
    /// and a person they name who is on no roster stops the stream (the full load reports it).
    @Test func exemptionsAfterTheInstitutionsApplyToWhatWasFoundBefore() throws {
        let ruleSet = try projectRules()
        let engine = AuditEngine(ruleSet: ruleSet)
        let text = try String(contentsOfFile: TestSupport.path("Cases/persons/snapshot.yaml"), encoding: .utf8)
        let original = try #require(SnapshotLoader().load(path: TestSupport.path("Cases/persons/snapshot.yaml")).snapshot)
        #expect(original.exemptions.isEmpty)
        let full = engine.audit(original, only: ["GW-RY-001"])
        let subject = try #require(full.findings.first?.subject.id)
        for (person, streams) in [(subject, true), ("P-NOBODY", false)] {
            let directory = try TestSupport.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let exemption = """
                exemptions:
                - rule: "*"
                  subject: \(person)
                  document_number: 县编委〔2024〕1号
                  authority: {level: county, body: staffing_committee}
                  until: 2099-12-31
                  reason: 过渡期
                """
            let file = try TestSupport.write(text + "\n" + exemption + "\n", to: "snapshot.yaml", in: directory)
            let loaded = SnapshotLoader().load(path: file)
            #expect(loaded.snapshot != nil || !streams)
            for (batchWeight, splits) in [(1, false), (2_048, false), (2_048, true)] {
                let streamed = engine.auditStreaming(path: file, loader: SnapshotLoader(batchWeight: batchWeight, splitsFiles: splits))
                #expect((streamed != nil) == streams, "\(person), batches of \(batchWeight), split: \(splits)")
                if let streamed, let snapshot = loaded.snapshot {
                    #expect(reporter.render(streamed.report) == reporter.render(engine.audit(snapshot)))
                    #expect(streamed.report.findings.contains { $0.subject.id == person && $0.status == .exempted })
                }
            }
        }
    }

    /// A file that gives its institutions before its date and region: split, its top-level text is read first, and it is
    /// streamed with the report of the full audit; read by one thread (not split), it is loaded in full.
    @Test func aFileWithItsInstitutionsFirstStreamsWhenSplit() throws {
        let engine = AuditEngine(ruleSet: try projectRules())
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The persons case with its first lines (version, date, region) moved after its institutions.
        let lines = try String(contentsOfFile: TestSupport.path("Cases/persons/snapshot.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[4] == "institutions:")
        let file = try TestSupport.write((lines[4...] + lines[1..<4]).joined(separator: "\n") + "\n", to: "snapshot.yaml", in: directory)
        let full = try #require(SnapshotLoader().load(path: file).snapshot)
        let streamed = try #require(engine.auditStreaming(path: file, loader: SnapshotLoader(splitBytes: 1)))
        #expect(reporter.render(streamed.report) == reporter.render(engine.audit(full)))
        #expect(engine.auditStreaming(path: file, loader: SnapshotLoader(splitsFiles: false)) == nil)
    }
}
