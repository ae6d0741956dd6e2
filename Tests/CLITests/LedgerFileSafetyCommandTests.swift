#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import _BianzhiTestSupport
import Foundation
import Testing

/// The ledger file is never harmed by a command: the commands that only read leave it byte for byte as it was
/// (and work on a read-only copy); a file that is not a ledger, or a damaged ledger, is refused with exit 2 and a
/// Chinese message, and left as it was, by every command including `audit --record`.
@Suite struct LedgerFileSafetyCommandTests {
    static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A ledger with the bundled county recorded; returns its path and one finding's id.
    static func recorded(in directory: URL) throws -> (ledger: String, id: String) {
        let ledger = directory.appendingPathComponent("整改台账.sqlite").path
        let audit = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger, "--format", "json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        let export = try CLIRunner.run(["ledger", "export", "--format", "json", "--ledger", ledger])
        let object = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any]
        let first = (object?["findings"] as? [[String: Any]])?.first
        return (ledger, String((first?["id"] as? String ?? "").prefix(8)))
    }

    /// Every command that only reads the ledger.
    static func readingCommands(_ ledger: String, id: String, output: String) -> [[String]] {
        [
            ["ledger", "list", "--ledger", ledger],
            ["ledger", "list", "--overdue", "--ledger", ledger],
            ["ledger", "show", id, "--ledger", ledger],
            ["ledger", "runs", "--ledger", ledger],
            ["ledger", "diff", "1", "1", "--ledger", ledger],
            ["ledger", "export", "--format", "csv", "--ledger", ledger],
            ["ledger", "export", "--format", "json", "--ledger", ledger],
            ["ledger", "export", "--format", "html", "--ledger", ledger],
            ["ledger", "export", "--format", "xlsx", "--output", output, "--ledger", ledger],
        ]
    }

    @Test func readingCommandsLeaveTheLedgerByteIdenticalAndWorkOnAReadOnlyFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (ledger, id) = try Self.recorded(in: directory)
        #expect(id.count == 8)
        let before = try Self.bytes(ledger)
        let output = directory.appendingPathComponent("台账.xlsx").path
        for permissions in [0o644, 0o444] {
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: ledger)
            for arguments in Self.readingCommands(ledger, id: id, output: output) {
                let result = try CLIRunner.run(arguments)
                #expect(result.status == 0, "\(arguments) \(result.stderr)")
                #expect(!result.stdout.isEmpty || arguments.contains("--output"), "\(arguments)")
                #expect(try Self.bytes(ledger) == before, "\(arguments) changed the ledger (mode \(String(permissions, radix: 8)))")
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: ledger)
    }

    /// A ledger in a folder nobody may write to (a copy on a read-only medium): reading works, changing is refused
    /// in Chinese. Root writes through permissions, so this runs only for other users.
    @Test(.enabled(if: geteuid() != 0, "root ignores file permissions"))
    func aLedgerInAReadOnlyFolderCanBeReadButNotChanged() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            try? FileManager.default.removeItem(at: directory)
        }
        let (ledger, id) = try Self.recorded(in: directory)
        let before = try Self.bytes(ledger)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: ledger)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bianzhi-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        for arguments in Self.readingCommands(ledger, id: id, output: output) {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 0, "\(arguments) \(result.stderr)")
        }
        let assign = try CLIRunner.run(["ledger", "assign", id, "--owner", "县交通运输局", "--deadline", "2024-12-31", "--ledger", ledger])
        #expect(assign.status == 2 && assign.stderr.contains("是只读的") && assign.stderr.contains("[store.readOnly]"), "\(assign.stderr)")
        #expect(try Self.bytes(ledger) == before)
    }

    /// Every command given the file as its ledger, `audit --record` included.
    static func everyCommand(_ ledger: String) -> [[String]] {
        [
            ["ledger", "list", "--ledger", ledger],
            ["ledger", "show", "abcd", "--ledger", ledger],
            ["ledger", "runs", "--ledger", ledger],
            ["ledger", "diff", "--ledger", ledger],
            ["ledger", "export", "--format", "csv", "--ledger", ledger],
            ["ledger", "assign", "abcd", "--owner", "县商务局", "--deadline", "2024-12-31", "--ledger", ledger],
            ["ledger", "verify", "abcd", "--by", "县编办", "--ledger", ledger],
            ["audit", "Cases/clean-county/snapshot.yaml", "--record", "--ledger", ledger],
            ["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger],
        ]
    }

    @Test func aFileThatIsNotALedgerIsRefusedByEveryCommandAndLeftAsItWas() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random: UInt64 = 0x2545_F491_4F6C_DD1D
        let noise = (0..<4096).map { _ -> UInt8 in
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            return UInt8(truncatingIfNeeded: random)
        }
        let files: [(String, [UInt8], String)] = [
            ("empty.sqlite", [], "文件是空的（0 字节）"),
            ("notes.txt", Array("整改情况说明\n".utf8), "不是 SQLite 数据库文件"),
            ("noise.bin", noise, "不是 SQLite 数据库文件"),
        ]
        for (name, content, reason) in files {
            let path = try TestSupport.write(content, to: name, in: directory)
            for arguments in Self.everyCommand(path) {
                let result = try CLIRunner.run(arguments)
                #expect(result.status == 2 && result.stdout.isEmpty, "\(arguments) \(result.status) \(result.stderr)")
                #expect(result.stderr.hasPrefix("error: '\(path)' 不是 bianzhi 的整改台账（not a bianzhi ledger）：\(reason) [store.notALedger]"),
                        "\(arguments) \(result.stderr)")
                #expect(result.stderr.contains("该文件未被改动"))
                #expect(try Self.bytes(path) == Data(content), "\(arguments) changed \(name)")
                #expect(!FileManager.default.fileExists(atPath: path + "-wal") && !FileManager.default.fileExists(atPath: path + "-shm"))
            }
        }
        // Nothing was created beside them either.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["empty.sqlite", "noise.bin", "notes.txt"])
    }

    /// The root page of `table`, read from the schema on page 1 of a SQLite file with 4096-byte pages (a table
    /// b-tree leaf after the 100-byte file header; each cell a record of type, name, tbl_name, rootpage, sql).
    static func rootPage(of table: String, in bytes: [UInt8]) -> Int? {
        let header = 100
        guard bytes.count >= 4096, bytes[header] == 0x0D else { return nil }
        let cells = Int(bytes[header + 3]) << 8 | Int(bytes[header + 4])
        for cell in 0..<cells {
            var offset = Int(bytes[header + 8 + 2 * cell]) << 8 | Int(bytes[header + 9 + 2 * cell])
            func varint() -> Int {
                var value = 0
                for index in 0..<9 {
                    let byte = bytes[offset]
                    offset += 1
                    if index == 8 { return value << 8 | Int(byte) }
                    value = value << 7 | Int(byte & 0x7F)
                    if byte < 0x80 { break }
                }
                return value
            }
            _ = varint() // payload size
            _ = varint() // rowid
            let recordStart = offset
            let headerSize = varint()
            var types: [Int] = []
            while offset < recordStart + headerSize { types.append(varint()) }
            var fields: [Any] = []
            for type in types {
                switch type {
                case 0, 8, 9: fields.append(type == 9 ? 1 : 0)
                case 1...6:
                    let size = [1, 2, 3, 4, 6, 8][type - 1]
                    fields.append(bytes[offset..<(offset + size)].reduce(0) { $0 << 8 | Int($1) })
                    offset += size
                default:
                    let size = (type - (type % 2 == 0 ? 12 : 13)) / 2
                    fields.append(String(decoding: bytes[offset..<(offset + size)], as: UTF8.self))
                    offset += size
                }
            }
            if fields.count >= 4, fields[0] as? String == "table", fields[1] as? String == table { return fields[3] as? Int }
        }
        return nil
    }

    @Test func aDamagedLedgerIsRefusedInChineseByEveryCommandAndLeftAsItWas() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (ledger, _) = try Self.recorded(in: directory)
        let sound = try Self.bytes(ledger)

        // The root page of the findings table overwritten (a failing disk, a bad copy): SQLite's header, the schema
        // and the list of migrations are intact, so only checking every page shows it. Recording (and, before, every
        // command) used to write into the file (GRDB's WAL set-up, then the recording) before the damage came to light.
        let root = try #require(Self.rootPage(of: "finding", in: [UInt8](sound)))
        #expect(root > 3, "the schema and the list of migrations stay readable")
        var findingPage = [UInt8](sound)
        for index in ((root - 1) * 4096)..<(root * 4096) { findingPage[index] = 0xFF }
        // The second half of the file overwritten.
        var overwritten = [UInt8](sound)
        for index in (overwritten.count / 2)..<overwritten.count { overwritten[index] = 0xFF }
        // An impossible page size in the header: what SQLite calls "file is not a database".
        var header = [UInt8](sound)
        header[16] = 0x00
        header[17] = 0x03
        #expect(sound.count % 4096 == 0 && sound.count > 4096 * 8)
        for (damaged, sqlite) in [(findingPage, "[SQLite"), (overwritten, "[SQLite"), (header, "[SQLite 26: file is not a database]")] {
            try Data(damaged).write(to: URL(fileURLWithPath: ledger))
            for arguments in Self.everyCommand(ledger) {
                let result = try CLIRunner.run(arguments)
                #expect(result.status == 2 && result.stdout.isEmpty, "\(arguments) \(result.status) \(result.stderr)")
                #expect(result.stderr.hasPrefix("error: 整改台账 '\(ledger)' 已损坏，无法读取（the ledger file is damaged）\(sqlite)"),
                        "\(arguments) \(result.stderr)")
                #expect(result.stderr.contains("[store.damaged]") && result.stderr.contains("该文件未被改动"))
                #expect(try Self.bytes(ledger) == Data(damaged), "\(arguments) changed the damaged ledger")
            }
        }
    }
}
