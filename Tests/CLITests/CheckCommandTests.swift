import _BianzhiTestSupport
import Foundation
import Testing

/// Every bad input of the snapshot issue: exit 2, nothing on standard output,
/// and a message located at `file:line:column`, never a crash or a hang.
@Suite struct CheckBadInputTests {
    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var bytes: [UInt8]
        var location: String
        var id: String
        var testDescription: String { name }
    }

    static let sample = SampleSnapshot.text
    static let cases: [BadInput] = [
        BadInput(name: "broken YAML", file: "s.yaml", bytes: Array("snapshot: v1\nas_of: [2024-06-30\nregion: x\n".utf8),
                 location: "s.yaml:3:7:", id: "yaml.syntax"),
        BadInput(name: "tab in indentation", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("  code: \"999001\"", with: "\tcode: \"999001\"").utf8),
                 location: "s.yaml:4:1:", id: "yaml.tab"),
        BadInput(name: "unknown field", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("staffing: {administrative: 2}", with: "staffng: {administrative: 2}").utf8),
                 location: "s.yaml:15:7:", id: "snapshot.unknownField"),
        BadInput(name: "wrong type", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("leadership: {principal: 1, deputy: 2}", with: "leadership: {principal: 1, deputy: 两名}").utf8),
                 location: "s.yaml:16:42:", id: "snapshot.typeMismatch"),
        BadInput(name: "bad enum value", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("level: county", with: "level: 县").utf8),
                 location: "s.yaml:6:10:", id: "snapshot.badEnum"),
        BadInput(name: "impossible date", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("as_of: 2024-06-30", with: "as_of: 2024-02-30").utf8),
                 location: "s.yaml:2:8:", id: "snapshot.badDate"),
        BadInput(name: "duplicate key", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("  name: 青禾县\n", with: "  name: 青禾县\n  name: 青禾\n").utf8),
                 location: "s.yaml:6:3:", id: "yaml.duplicateKey"),
        BadInput(name: "duplicate id", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("  - id: QH-JYZX", with: "  - id: QH-JTJ").utf8),
                 location: "s.yaml:22:9:", id: "snapshot.duplicateID"),
        BadInput(name: "missing required field", file: "s.yaml", bytes: Array(SampleSnapshot.replacing("as_of: 2024-06-30\n", with: "").utf8),
                 location: "s.yaml:1:1:", id: "snapshot.missingField"),
        BadInput(name: "invalid UTF-8", file: "s.yaml", bytes: Array("snapshot: v1\nas_of: 2024-06-30\nregion: {code: \"1\", name: ".utf8) + [0xC7, 0xE0, 0xBA, 0xCC] + Array(", level: county}\n".utf8),
                 location: "s.yaml:3:28:", id: "yaml.invalidUTF8"),
        BadInput(name: "empty file", file: "s.yaml", bytes: [], location: "s.yaml:1:1:", id: "yaml.empty"),
        BadInput(name: "billion laughs", file: "s.yaml", bytes: Array(HostileInput.billionLaughs.utf8),
                 location: "s.yaml:", id: "yaml.aliasBudget"),
        BadInput(name: "100,000 levels of nesting", file: "s.yaml", bytes: Array(HostileInput.deepNesting(100_000).utf8),
                 location: "s.yaml:1:129:", id: "yaml.tooDeep"),
        BadInput(name: "no region", file: "s.yaml", bytes: Array("snapshot: v1\nas_of: 2024-06-30\ninstitutions: []\n".utf8),
                 location: "s.yaml:1:1:", id: "snapshot.missingField"),
        BadInput(name: "empty region", file: "s.yaml", bytes: Array("snapshot: v1\nas_of: 2024-06-30\nregion:\n".utf8),
                 location: "s.yaml:3:8:", id: "snapshot.missingField"),
        BadInput(name: "region is a number", file: "s.yaml", bytes: Array("snapshot: v1\nas_of: 2024-06-30\nregion: 5\n".utf8),
                 location: "s.yaml:3:9:", id: "snapshot.typeMismatch"),
        BadInput(name: "only an unknown field", file: "s.yaml", bytes: Array("foo: 1\n".utf8),
                 location: "s.yaml:1:1:", id: "snapshot.unknownField"),
        BadInput(name: "top level is a list", file: "s.yaml", bytes: Array("- 1\n- 2\n".utf8),
                 location: "s.yaml:1:1:", id: "snapshot.typeMismatch"),
        BadInput(name: "top level is a number", file: "s.yaml", bytes: Array("5\n".utf8),
                 location: "s.yaml:1:1:", id: "snapshot.typeMismatch"),
        BadInput(name: "top level is null", file: "s.yaml", bytes: Array("~\n".utf8),
                 location: "s.yaml:1:1:", id: "snapshot.missingField"),
        BadInput(name: "number beyond the limit", file: "s.yaml",
                 bytes: Array(SampleSnapshot.replacing("leadership: {principal: 1, deputy: 2}", with: "leadership: {principal: 1, deputy: 100000000}").utf8),
                 location: "s.yaml:16:42:", id: "snapshot.outOfRange"),
        BadInput(name: "number at Int64.max", file: "s.yaml",
                 bytes: Array(SampleSnapshot.replacing("leadership: {principal: 1, deputy: 2}", with: "leadership: {principal: 1, deputy: 9223372036854775807}").utf8),
                 location: "s.yaml:16:42:", id: "snapshot.outOfRange"),
        BadInput(name: "a control character made by an escape", file: "s.yaml",
                 bytes: Array(SampleSnapshot.replacing("  name: 青禾县", with: "  name: \"青禾县\\e]0;x\\a\\e[2J\"").utf8),
                 location: "s.yaml:5:9:", id: "snapshot.controlCharacter"),
        BadInput(name: "JSON with trailing garbage", file: "s.json",
                 bytes: Array("{\"snapshot\": \"v1\", \"as_of\": \"2024-06-30\", \"region\": {\"code\": \"1\", \"name\": \"x\", \"level\": \"county\"}}\n}garbage\n".utf8),
                 location: "s.json:2:1:", id: "yaml.syntax"),
    ]

    @Test(arguments: cases)
    func badInputIsRejectedWithALocation(input: BadInput) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write(input.bytes, to: input.file, in: directory)
        let result = try CLIRunner.run(["check", input.file], in: directory.path, timeout: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix(input.location), "\(result.stderr)")
        #expect(firstLine.hasSuffix("[\(input.id)]"), "\(result.stderr)")
        // Nothing the file holds reaches the terminal as a control character (only line feeds, and the tabs of an excerpt).
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "\(result.stderr)")
        // The snippet and the caret follow the header line.
        if !input.bytes.isEmpty && input.id != "yaml.invalidUTF8" {
            #expect(result.stderr.contains(" | "), "\(result.stderr)")
        }
    }

    /// A snapshot without a region mapping crashed every command that goes on to the cross-record checks (the region's
    /// code was read from a record with no fields); each must stop with exit 2 and the missing or mistyped field.
    @Test(arguments: ["snapshot: v1\nas_of: 2024-06-30\n", "snapshot: v1\nas_of: 2024-06-30\nregion:\n", "- 1\n", "5\n", "~\n"])
    func everyCommandRefusesASnapshotWithoutARegion(text: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write(text, to: "s.yaml", in: directory)
        try TestSupport.write(text, to: "folder/region.yaml", in: directory)
        try TestSupport.write("id: A\nname: 甲\ncategory: party_body\nrank: section\nwithin_limit: true\napproved: {leadership: {principal: 1, deputy: 2}}\n",
                              to: "folder/institutions/a.yaml", in: directory)
        let rules = ["--rules", TestSupport.path("Rules")]
        for path in ["s.yaml", "folder"] {
            for arguments in [["check", path], ["audit", path] + rules, ["audit", path, "--format", "html", "--output", "r.html"] + rules,
                              ["stats", path], ["explain", "GW-ST-001", "X", path] + rules, ["roster-index", path]] {
                let result = try CLIRunner.run(arguments, in: directory.path, timeout: 60)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("[snapshot."), "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("crashed"), "\(arguments): \(result.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.html").path))
    }

    /// Numbers near Int64.max passed `check` and then crashed `stats` and the HTML audit when summed; the schema now bounds
    /// every integer, in the streaming reader of `audit` as in `check`, and the bound itself is accepted.
    @Test func integersAreBoundedByTheSchemaInEveryCommand() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let huge = SampleSnapshot.replacing("{administrative: 2}", with: "{administrative: 9223372036854775807}")
        try TestSupport.write(huge, to: "huge.yaml", in: directory)
        let rules = ["--rules", TestSupport.path("Rules")]
        for arguments in [["audit", "huge.yaml"] + rules, ["audit", "huge.yaml", "--format", "html", "--output", "r.html"] + rules,
                          ["stats", "huge.yaml"]] {
            let result = try CLIRunner.run(arguments, in: directory.path, timeout: 60)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("[snapshot.outOfRange]"), "\(arguments): \(result.stderr)")
        }
        let limit = SampleSnapshot.replacing("{administrative: 2}", with: "{administrative: 99999999}")
        try TestSupport.write(limit, to: "limit.yaml", in: directory)
        for arguments in [["check", "limit.yaml"], ["stats", "limit.yaml"]] {
            let result = try CLIRunner.run(arguments, in: directory.path, timeout: 60)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
    }

    /// A named pipe among the snapshot's files, or given as the snapshot, made `check` and `audit` wait forever for a
    /// writer; a device never ends. Each is refused at once, named for what it is.
    @Test func pipesAndDevicesAreRefusedNotWaitedOn() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("s").path
        try FileManager.default.copyItem(atPath: TestSupport.path("Cases/qinghe-county/snapshot"), toPath: folder)
        #expect(mkfifo(folder + "/institutions/zz.yaml", 0o644) == 0)
        #expect(mkfifo(directory.appendingPathComponent("p.yaml").path, 0o644) == 0)
        let rules = ["--rules", TestSupport.path("Rules")]
        for (arguments, file) in [(["check", "s"], "s/institutions/zz.yaml"), (["audit", "s"] + rules, "s/institutions/zz.yaml"),
                                  (["check", "p.yaml"], "p.yaml"), (["audit", "p.yaml"] + rules, "p.yaml"),
                                  (["audit", "/dev/zero"] + rules, "/dev/zero")] {
            let result = try CLIRunner.run(arguments, in: directory.path, timeout: 30)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("\(file):1:1: error: 无法读取文件："), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(file == "/dev/zero" ? "设备文件" : "命名管道"), "\(arguments): \(result.stderr)")
        }
    }

    /// A folder under `institutions/` that cannot be listed was skipped: the audit was "valid" without its institutions.
    /// (Made here with a path longer than the system allows, which fails for every user, root included.)
    @Test func aFolderThatCannotBeListedIsAnError() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { removeDeepTree(directory.path) }
        let folder = directory.appendingPathComponent("s").path
        try FileManager.default.copyItem(atPath: TestSupport.path("Cases/qinghe-county/snapshot"), toPath: folder)
        // Twenty-five folders of 200 letters: deeper than PATH_MAX (4,096 bytes), made one at a time relative to the last.
        var descriptor = open(folder + "/institutions", O_RDONLY | O_DIRECTORY)
        #expect(descriptor >= 0)
        let name = String(repeating: "d", count: 200)
        for _ in 0..<25 {
            #expect(mkdirat(descriptor, name, 0o755) == 0)
            let next = openat(descriptor, name, O_RDONLY | O_DIRECTORY)
            close(descriptor)
            descriptor = next
        }
        close(descriptor)
        let rules = ["--rules", TestSupport.path("Rules")]
        for arguments in [["check", "s"], ["audit", "s"] + rules] {
            let result = try CLIRunner.run(arguments, in: directory.path, timeout: 60)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("无法列出这个文件夹中的文件（路径太长），其中的机构会被漏掉 [snapshot.unreadable]"),
                    "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func jsonFormatIsMachineReadable() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write(SampleSnapshot.replacing("level: county", with: "level: countty"), to: "s.yaml", in: directory)
        let result = try CLIRunner.run(["check", "--format", "json", "s.yaml"], in: directory.path)
        #expect(result.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0]["id"] as? String == "snapshot.badEnum")
        #expect(diagnostics[0]["help"] as? String == "是否要写 'county'？")
        let location = try #require(diagnostics[0]["location"] as? [String: Any])
        #expect(location["file"] as? String == "s.yaml")
        #expect(location["line"] as? Int == 6)
        #expect(location["column"] as? Int == 10)
    }

    @Test func missingPathIsExitTwo() throws {
        let result = try CLIRunner.run(["check", "/nonexistent/snapshot.yaml"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("snapshot.notFound"))
    }

    @Test func colourNeverWithNoColor() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write("", to: "e.yaml", in: directory)
        let result = try CLIRunner.run(["check", "e.yaml"], in: directory.path)
        #expect(!result.stderr.contains("\u{1B}["))
    }
}

@Suite struct CheckValidInputTests {
    @Test func validSnapshotExitsZeroWithASummary() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestSupport.write(SampleSnapshot.text, to: "s.yaml", in: directory)
        let result = try CLIRunner.run(["check", "s.yaml"], in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("快照有效"))
        #expect(result.stdout.contains("机构 2 个"))
        #expect(result.stderr.isEmpty)
    }

    @Test func bundledExampleIsValid() throws {
        let result = try CLIRunner.run(["check", "Cases/qinghe-county/snapshot"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("青禾县"))
    }
}

@Suite struct HelpTests {
    @Test(arguments: [["--help"], ["check", "--help"], ["schema", "--help"]])
    func everyCommandHasHelpWithAnExample(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("示例 Example"), "\(result.stdout)")
    }

    @Test func schemaCommandPrintsTheJSONSchema() throws {
        let result = try CLIRunner.run(["schema", "snapshot"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["$ref"] as? String == "#/definitions/Snapshot")
    }
}

/// Removes a tree too deep for `FileManager` (its paths exceed PATH_MAX); `rm -r` walks it relative to each folder.
private func removeDeepTree(_ path: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/rm")
    process.arguments = ["-rf", path]
    try? process.run()
    process.waitUntilExit()
}
