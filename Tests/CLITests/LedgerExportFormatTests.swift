import _BianzhiTestSupport
import Foundation
import Testing

/// `ledger export` also writes xlsx (to a file, atomically) and a printable HTML page.
@Suite struct LedgerExportFormatTests {
    @Test func xlsxAndHTMLExportsOfARecordedAudit() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = directory.appendingPathComponent("ledger.sqlite").path
        let audit = try CLIRunner.run(["audit", "Cases/qinghe-county/snapshot", "--record", "--ledger", ledger, "--quiet"])
        #expect(audit.status == 1, "\(audit.stderr)")

        let refused = try CLIRunner.run(["ledger", "export", "--ledger", ledger, "--format", "xlsx"])
        #expect(refused.status != 0 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("--output"))

        let xlsx = directory.appendingPathComponent("台账.xlsx").path
        let written = try CLIRunner.run(["ledger", "export", "--ledger", ledger, "--format", "xlsx", "--output", xlsx])
        #expect(written.status == 0, "\(written.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: xlsx)))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a zip archive")
        #expect(String(decoding: bytes, as: UTF8.self).contains("xl/worksheets/sheet1.xml"))

        let html = try CLIRunner.run(["ledger", "export", "--ledger", ledger, "--format", "html"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(html.stdout.contains("<th>台账状态</th>"))
        #expect(html.stdout.contains("GW-ST-001"))
        #expect(!html.stdout.contains("http://") && !html.stdout.contains("https://"), "self-contained")

        // Columns people read say 错误 and 机构, not the codes; the JSON keeps the codes for programs.
        let codes = ["error", "warning", "info", "institution", "person", "region", "event", "coordination_body", "pending", "violation"]
        #expect(html.stdout.contains("<td>错误</td><td>机构</td>") && html.stdout.contains("<td>人员</td>")
                && html.stdout.contains("<td>议事协调机构</td>") && html.stdout.contains("<td>待整改</td>"))
        #expect(codes.filter { html.stdout.contains("<td>\($0)</td>") }.isEmpty)
        let sheet = String(decoding: try #require(ZIPReader.entry("xl/worksheets/sheet1.xml", in: bytes)), as: UTF8.self)
        #expect(sheet.contains(">错误</t>") && sheet.contains(">机构</t>") && sheet.contains(">人员</t>"))
        #expect(codes.filter { sheet.contains(">\($0)</t>") }.isEmpty)
        let csv = try CLIRunner.run(["ledger", "export", "--ledger", ledger, "--format", "csv"])
        #expect(csv.stdout.contains(",错误,机构,") && csv.stdout.contains(",错误,人员,"))
        #expect(codes.filter { csv.stdout.contains(",\($0),") }.isEmpty)
        let json = try CLIRunner.run(["ledger", "export", "--ledger", ledger, "--format", "json"])
        #expect(json.stdout.contains("\"severity\": \"error\"") && json.stdout.contains("\"kind\": \"institution\"")
                && json.stdout.contains("\"state\": \"pending\""), "\(json.stdout.prefix(2000))")
    }
}
