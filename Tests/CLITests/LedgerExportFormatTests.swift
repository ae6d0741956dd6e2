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
    }
}
