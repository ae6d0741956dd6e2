import _BianzhiTestSupport
import Foundation
import Testing

@Suite struct ReportFormatsCommandTests {
    static let county = "Cases/qinghe-county/snapshot"

    @Test(arguments: ["sarif", "junit", "github", "html", "csv"])
    func everyTextFormatGoesToStandardOutput(_ format: String) throws {
        let result = try CLIRunner.run(["audit", ReportFormatsCommandTests.county, "--format", format])
        #expect(result.status == 1, "planted violations: \(result.stderr)")
        #expect(!result.stdout.isEmpty)
        #expect(result.stderr.isEmpty, "no progress or messages on a pipe: \(result.stderr)")
        if format == "sarif" {
            let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(log["version"] as? String == "2.1.0")
        }
    }

    @Test func xlsxNeedsAnOutputFile() throws {
        let result = try CLIRunner.run(["audit", ReportFormatsCommandTests.county, "--format", "xlsx"])
        #expect(result.status == 64, "a usage error")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--output"))
        let stats = try CLIRunner.run(["stats", ReportFormatsCommandTests.county, "--format", "xlsx"])
        #expect(stats.status == 64 && stats.stdout.isEmpty)
    }

    @Test func outputIsWrittenWholeAndNothingIsLeftBehind() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("报告.xlsx").path
        let result = try CLIRunner.run(["audit", ReportFormatsCommandTests.county, "--format", "xlsx", "--output", path, "--quiet"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a zip package")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["报告.xlsx"], "no temporary file left")

        // Replacing an existing report is also whole.
        let html = try CLIRunner.run(["audit", ReportFormatsCommandTests.county, "--format", "html", "-o", path])
        #expect(html.status == 1)
        #expect(String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self).hasPrefix("<!DOCTYPE html>"))
    }

    /// The JSON report is written to the file as it is made: the same bytes as on standard output.
    @Test(arguments: [ReportFormatsCommandTests.county, "Cases/over-establishment/snapshot.yaml"])
    func theJSONReportInAFileIsTheOneOnStandardOutput(_ snapshot: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        let environment = ["SOURCE_DATE_EPOCH": "1767225600"]
        let written = try CLIRunner.run(["audit", snapshot, "--format", "json", "--output", path, "--quiet"], environment: environment)
        #expect(written.status == 1, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        let printed = try CLIRunner.run(["audit", snapshot, "--format", "json"], environment: environment)
        #expect(printed.status == 1)
        #expect(printed.stdout.contains("\"fingerprint\""))
        #expect(FileManager.default.contents(atPath: path) == Data(printed.stdout.utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.json"], "no temporary file left")
    }

    /// `--output` that names an input (the snapshot file, a file of the snapshot's folder, the ledger) is refused before
    /// anything is read or written: the report would have replaced what the user stored.
    @Test func theOutputMayNotReplaceAnInput() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        try manager.copyItem(atPath: TestSupport.path(ReportFormatsCommandTests.county), toPath: directory.appendingPathComponent("s").path)
        try manager.copyItem(atPath: TestSupport.path("Cases/over-establishment/snapshot.yaml"), toPath: directory.appendingPathComponent("one.yaml").path)
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("alias.yaml").path, withDestinationPath: "one.yaml")
        // A link to a file not made yet, inside the snapshot folder: the report would be made there.
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("later.yaml").path, withDestinationPath: "s/institutions/later.yaml")
        let rules = ["--rules", TestSupport.path("Rules")]
        let region = try #require(manager.contents(atPath: directory.appendingPathComponent("s/region.yaml").path))
        let one = try #require(manager.contents(atPath: directory.appendingPathComponent("one.yaml").path))
        for arguments in [["audit", "s", "--output", "s/region.yaml"] + rules, ["audit", "s", "--output", "s/institutions/new.json"] + rules,
                          ["audit", "one.yaml", "--format", "json", "--output", "one.yaml"] + rules,
                          ["audit", "one.yaml", "--output", "alias.yaml"] + rules, ["audit", "alias.yaml", "--output", "./one.yaml"] + rules,
                          ["stats", "s", "--output", "s/region.yaml"], ["roster-index", "one.yaml", "--output", "one.yaml"],
                          ["audit", "s", "--output", "later.yaml"] + rules, ["stats", "s", "--output", "later.yaml"]] {
            let result = try CLIRunner.run(arguments, in: directory.path)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: 不能把输出写到 \(arguments[arguments.firstIndex(of: "--output")! + 1])："), "\(arguments): \(result.stderr)")
        }
        #expect(manager.contents(atPath: directory.appendingPathComponent("s/region.yaml").path) == region)
        #expect(manager.contents(atPath: directory.appendingPathComponent("one.yaml").path) == one)
        #expect(!manager.fileExists(atPath: directory.appendingPathComponent("s/institutions/new.json").path))
        #expect(!manager.fileExists(atPath: directory.appendingPathComponent("s/institutions/later.yaml").path))

        // The ledger, by `audit --record` and by `ledger export`.
        let recorded = try CLIRunner.run(["audit", "one.yaml", "--record", "--ledger", "l.sqlite", "--quiet"] + rules, in: directory.path)
        #expect(recorded.status == 1, "\(recorded.stderr)")
        let ledger = try #require(manager.contents(atPath: directory.appendingPathComponent("l.sqlite").path))
        for arguments in [["audit", "one.yaml", "--record", "--ledger", "l.sqlite", "--output", "l.sqlite"] + rules,
                          ["ledger", "export", "--ledger", "l.sqlite", "--output", "l.sqlite"],
                          ["ledger", "export", "--ledger", "l.sqlite", "--output", "l.sqlite-journal"],
                          ["ledger", "export", "--ledger", "l.sqlite", "--output", "l.sqlite-wal"]] {
            let result = try CLIRunner.run(arguments, in: directory.path)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("整改台账 l.sqlite"), "\(arguments): \(result.stderr)")
        }
        #expect(manager.contents(atPath: directory.appendingPathComponent("l.sqlite").path) == ledger)
    }

    @Test func anUnwritableOutputIsExitTwo() throws {
        let result = try CLIRunner.run(["audit", ReportFormatsCommandTests.county, "--format", "csv", "--output", "/nonexistent/dir/r.csv"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("无法写入 /nonexistent/dir/r.csv"))
    }

    @Test(.enabled(if: ExternalTool.find("script") != nil, "needs script(1) from util-linux for a terminal"))
    func progressShowsOnlyOnATerminalAndNotWhenQuiet() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let command = "\(CLIRunner.executable) audit \(ReportFormatsCommandTests.county) --format json --output \(directory.path)/r.json"
        let script = try #require(ExternalTool.find("script"))
        let shown = try ExternalTool.run(script, ["-qec", command, "/dev/null"], in: TestSupport.packageRoot,
                                         environment: ["BIANZHI_PROGRESS_DELAY": "0", "TERM": "xterm"])
        #expect(shown.stdout.contains("读取快照") || shown.stdout.contains("审计"), "a progress line on the terminal: \(shown.stdout.prefix(300))")
        #expect(shown.stdout.contains("\r\u{1B}[K"), "the line is cleared")
        let quiet = try ExternalTool.run(script, ["-qec", command + " --quiet", "/dev/null"], in: TestSupport.packageRoot,
                                         environment: ["BIANZHI_PROGRESS_DELAY": "0", "TERM": "xterm"])
        #expect(!quiet.stdout.contains("读取快照") && !quiet.stdout.contains("\u{1B}[K"), "\(quiet.stdout.prefix(300))")
        let piped = try CLIRunner.run(["audit", ReportFormatsCommandTests.county, "--format", "json"], environment: ["BIANZHI_PROGRESS_DELAY": "0"])
        #expect(piped.stderr.isEmpty, "not a terminal: no progress")
    }

    @Test func statsPrintsTheStaffingStatistics() throws {
        let text = try CLIRunner.run(["stats", ReportFormatsCommandTests.county])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("编制统计 · 青禾县（999001）"))
        for label in ["行政编制", "空编", "超编", "领导职务", "政府工作部门限额"] { #expect(text.stdout.contains(label), "\(label)") }
        let json = try CLIRunner.run(["stats", ReportFormatsCommandTests.county, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["statistics"] as? String == "v1")
        #expect(object["institutions"] as? Int == 108)
        let csv = try CLIRunner.run(["stats", ReportFormatsCommandTests.county, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("\u{FEFF}机构代码,机构名称,机构类别,"))
        let missing = try CLIRunner.run(["stats", "/nonexistent"])
        #expect(missing.status == 2 && missing.stdout.isEmpty)
    }

    @Test func validateSpeaksSARIFAndTestSpeaksJSONSARIFAndGitHub() throws {
        let validate = try CLIRunner.run(["validate", "Rules", "--format", "sarif"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(validate.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")

        let json = try CLIRunner.run(["test", "--format", "json"])
        #expect(json.status == 0, "\(json.stdout.suffix(500))")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["summary"] as? [String: Any])?["failed"] as? Int == 0)

        let sarif = try CLIRunner.run(["test", "--format", "sarif"])
        #expect(sarif.status == 0)
        #expect(sarif.stdout.contains("\"columnKind\" : \"unicodeCodePoints\""))

        let github = try CLIRunner.run(["test", "--format", "github"])
        #expect(github.status == 0)
        #expect(github.stdout.range(of: #"^\d+ passed, 0 failed\n$"#, options: .regularExpression) != nil, "\(github.stdout.suffix(300))")
    }
}

/// Standard output that cannot be written (a full disk behind `>`; `/dev/full` fails every write with ENOSPC): every
/// command stops with exit 2 and says so on standard error, instead of crashing (Foundation's FileHandle trapped) or
/// ending as if the report had been written.
@Suite struct FullStandardOutputTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full (Linux)"),
          arguments: [
              ["validate", "Rules"], ["validate", "Rules", "--format", "json"], ["check", "Cases/qinghe-county/snapshot"],
              ["audit", "Cases/qinghe-county/snapshot"], ["audit", "Cases/qinghe-county/snapshot", "--format", "json"],
              ["audit", "Cases/qinghe-county/snapshot", "--format", "html"], ["stats", "Cases/qinghe-county/snapshot"],
              ["explain", "GW-ST-001", "QH-JYJ", "Cases/qinghe-county/snapshot"], ["schema", "rules"],
          ])
    func aFullStandardOutputIsAnErrorNotACrash(_ arguments: [String]) throws {
        let quoted = ([CLIRunner.executable] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let result = try ExternalTool.run("/bin/sh", ["-c", "exec \(quoted) > /dev/full"], in: TestSupport.packageRoot,
                                          environment: ["NO_COLOR": "1"], timeout: 120)
        #expect(result.status == 2, "\(arguments): exit \(result.status)\n\(result.stderr.suffix(500))")
        #expect(result.stderr.contains("无法写入标准输出：磁盘空间不足"), "\(arguments): \(result.stderr.suffix(500))")
    }
}
