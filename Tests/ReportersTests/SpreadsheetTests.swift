import _BianzhiTestSupport
import Foundation
@testable import Reporters
import Testing

@Suite struct SpreadsheetTests {
    @Test(arguments: [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+86 10", "'+86 10"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("\t=1", "'\t=1"),
        ("县交通运输局", "县交通运输局"), ("a=b", "a=b"), ("", ""),
    ])
    func formulaCellsAreNeutralised(_ text: String, _ written: String) {
        #expect(SpreadsheetCell.text(text).neutralized == written)
    }

    @Test func numbersAreNotNeutralised() {
        #expect(SpreadsheetCell.number(-3).neutralized == "-3")
    }

    @Test func csvHasABOMAndCRLFAndQuotes() throws {
        let reportCase = try ReportCase.load()
        let csv = String(decoding: reportCase.render(.csv), as: UTF8.self)
        #expect(csv.unicodeScalars.first == "\u{FEFF}")
        #expect(Array(reportCase.render(.csv).prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(csv.hasSuffix("\r\n"))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"点击\"\"), 示例县委办公室\""), "quoted and neutralised")
        let rows = CSVParser.parse(String(csv.dropFirst()))
        #expect(rows.count == reportCase.report.findings.count + 1)
        #expect(rows.allSatisfy { $0.count == rows[0].count })
        #expect(rows.contains { $0.contains("机构改革过渡期，逐步消化超编人员；\n期间不得新进人员") }, "a newline inside a quoted cell")
    }

    @Test func columnLettersAndSheetNames() {
        #expect(XLSXWorkbook.column(1) == "A")
        #expect(XLSXWorkbook.column(26) == "Z")
        #expect(XLSXWorkbook.column(27) == "AA")
        #expect(XLSXWorkbook.column(703) == "AAA")
        #expect(XLSXWorkbook.sheetName("发现[1]/2") == "发现12")
    }

    @Test func zipEntriesCarryTheirCRC() {
        #expect(ZIPArchive.crc32(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        var archive = ZIPArchive()
        archive.add(path: "a.txt", contents: Array("abc".utf8))
        let bytes = archive.finish()
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(Array(bytes.suffix(22).prefix(4)) == [0x50, 0x4B, 0x05, 0x06], "end of central directory")
        #expect(ZIPReader.entries(bytes)?.count == 1)
        // The bytes were taken: finished again, it is an archive of no entries, not a directory of missing ones.
        let again = archive.finish()
        #expect(again.count == 22 && ZIPReader.entries(again)?.isEmpty == true, "\(again.count)")
    }

    /// Entries written in pieces of every size (nothing, a few bytes, many pieces of the writer's 64 KB, text that
    /// compresses well and bytes that do not) read back the same through Python's zipfile, which checks each CRC; the
    /// compressible ones are deflated to a fraction of their size.
    @Test(.enabled(if: PythonJSONSchema.python != nil, "needs python3 to read the zip"))
    func zipEntriesAreDeflatedAndReadBackTheSame() throws {
        let rows = (0..<20_000).map { "<row r=\"\($0)\"><c t=\"inlineStr\"><is><t>县交通运输局 \($0 % 97)</t></is></c></row>" }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = (0..<300_000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        var archive = ZIPArchive()
        archive.add(path: "empty.txt", contents: [])
        archive.add(path: "small.txt", contents: Array("abc".utf8))
        archive.addEntry(path: "rows.xml") { entry in rows.forEach { entry.append($0) } }
        archive.add(path: "noise.bin", contents: noise)
        let bytes = archive.finish()
        let textSize = rows.reduce(0) { $0 + $1.utf8.count }
        #expect(bytes.count < textSize / 5 + noise.count + 4_096, "the rows compress to well under a fifth")

        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(bytes, to: "a.zip", in: directory)
        _ = try TestSupport.write(rows.joined(), to: "rows.xml", in: directory)
        _ = try TestSupport.write(noise, to: "noise.bin", in: directory)
        let script = """
        import sys, zipfile, os
        z = zipfile.ZipFile(sys.argv[1])
        assert z.testzip() is None
        folder = os.path.dirname(sys.argv[1])
        assert z.read("empty.txt") == b""
        assert z.read("small.txt") == b"abc"
        assert z.read("rows.xml") == open(os.path.join(folder, "rows.xml"), "rb").read()
        assert z.read("noise.bin") == open(os.path.join(folder, "noise.bin"), "rb").read()
        assert z.getinfo("rows.xml").compress_type == zipfile.ZIP_DEFLATED
        print("ok")
        """
        let result = try ExternalTool.run(PythonJSONSchema.python ?? "python3", ["-c", script, path])
        #expect(result.status == 0 && result.stdout.contains("ok"), "\(result.stdout)\(result.stderr)")
    }

    /// The audit's workbook makes each findings row as it writes it: the same workbook, byte for byte, as the one written
    /// from the findings table made whole (the table the CSV report is written from).
    @Test func findingRowsMadeAsTheyAreWrittenGiveTheWorkbookOfTheWholeTable() throws {
        let reportCase = try ReportCase.load()
        #expect(!reportCase.report.findings.isEmpty)
        let whole = XLSXWorkbook(tables: [SpreadsheetTable.findings(reportCase.report), SpreadsheetTable.statistics(reportCase.statistics)]).data()
        #expect(reportCase.render(.xlsx) == whole)
        let sheet = try #require(ZIPReader.entry("xl/worksheets/sheet1.xml", in: whole))
        #expect(String(decoding: sheet, as: UTF8.self).contains(reportCase.report.findings[0].fingerprint))
    }

    /// A sheet longer than a worksheet holds: its first rows, then a row that says how many were left out, and the
    /// dimension, the filter and the workbook's filter range end on that row.
    @Test func aSheetLongerThanTheLimitIsCutWithANote() throws {
        let table = SpreadsheetTable(name: "发现", header: ["a", "b"], rows: (1...7).map { [.number($0), .text("x\($0)")] })
        let bytes = XLSXWorkbook(sheets: [XLSXWorkbook.Sheet(table)], maximumRows: 5).data()
        let sheet = String(decoding: try #require(ZIPReader.entry("xl/worksheets/sheet1.xml", in: bytes)), as: UTF8.self)
        #expect(sheet.contains("<dimension ref=\"A1:B5\"/>") && sheet.contains("<autoFilter ref=\"A1:B5\"/>"))
        #expect(sheet.contains("<c r=\"B4\" t=\"inlineStr\"><is><t xml:space=\"preserve\">x3</t></is></c>"))
        #expect(!sheet.contains("x4"))
        #expect(sheet.contains("<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t xml:space=\"preserve\">……另有 4 行未写入"))
        #expect(!sheet.contains("<row r=\"6\">"))
        let workbook = String(decoding: try #require(ZIPReader.entry("xl/workbook.xml", in: bytes)), as: UTF8.self)
        #expect(workbook.contains("$A$1:$B$5"))
        // Not cut when it fits: 4 rows and the header in a limit of 5.
        let fits = XLSXWorkbook(sheets: [XLSXWorkbook.Sheet(SpreadsheetTable(name: "s", header: ["a"], rows: (1...4).map { [.number($0)] }))],
                                maximumRows: 5).data()
        let fitting = String(decoding: try #require(ZIPReader.entry("xl/worksheets/sheet1.xml", in: fits)), as: UTF8.self)
        #expect(fitting.contains("<c r=\"A5\"><v>4</v></c>") && !fitting.contains("未写入"))
    }

    /// A cell longer than Excel's 32,767 characters is cut, with a note, without splitting a character that takes two
    /// UTF-16 units; one that fits is written whole.
    @Test func cellsAreClippedToWhatExcelHolds() {
        let fits = String(repeating: "编", count: 32_767)
        #expect(XLSXWorkbook.clipped(fits) == fits)
        let long = String(repeating: "a😀", count: 20_000)
        let clipped = XLSXWorkbook.clipped(long)
        #expect(clipped.utf16.count <= 32_767 && clipped.utf16.count > 32_700, "\(clipped.utf16.count)")
        #expect(clipped.hasSuffix("……（超过单元格的字数上限，已截断）"))
        #expect(long.hasPrefix(String(clipped.dropLast("……（超过单元格的字数上限，已截断）".count))))
        let table = SpreadsheetTable(name: "s", header: ["a"], rows: [[.text(String(repeating: "x", count: 40_000))]])
        let sheet = String(decoding: ZIPReader.entry("xl/worksheets/sheet1.xml", in: XLSXWorkbook(tables: [table]).data()) ?? [], as: UTF8.self)
        #expect(sheet.contains(String(repeating: "x", count: 32_000)) && !sheet.contains(String(repeating: "x", count: 32_767)))
        #expect(sheet.contains("已截断"))
    }

    /// A workbook is kept within what a ZIP without its 64-bit extension holds: rows that would take it past the size
    /// are left out and counted in a note (here with a small size; the real one is 4 GB).
    @Test func rowsPastTheWorkbookSizeAreLeftOutWithANote() throws {
        let rows: [[SpreadsheetCell]] = (0..<2_000).map { [.number($0), .text(String(repeating: "县交通运输局", count: 20))] }
        let bytes = XLSXWorkbook(sheets: [XLSXWorkbook.Sheet(SpreadsheetTable(name: "s", header: ["a", "b"], rows: rows))],
                                 maximumSize: (1 << 24) + 100_000).data()
        let sheet = String(decoding: try #require(ZIPReader.entry("xl/worksheets/sheet1.xml", in: bytes)), as: UTF8.self)
        #expect(sheet.contains("行未写入（工作簿超过 4 GB 的上限）"))
        #expect(sheet.utf8.count < 100_000 + 20_000, "\(sheet.utf8.count)")
        #expect(sheet.hasSuffix("</worksheet>"), "still a whole worksheet")
        // The rows written and the note add up to the table.
        let written = sheet.components(separatedBy: "<row ").count - 1 - 2  // less the header and the note
        #expect(sheet.contains("……另有 \(2_000 - written) 行未写入"), "\(written)")
    }

    /// Entries stored rather than compressed (what the workbook falls back to should zlib fail) read back the same.
    @Test func storedEntriesReadBackTheSame() throws {
        var archive = ZIPArchive(compresses: false)
        archive.add(path: "a.txt", contents: Array("abc".utf8))
        archive.addEntry(path: "b.xml") { entry in (0..<5_000).forEach { entry.append("<r>\($0)</r>") } }
        let entries = try #require(ZIPReader.entries(archive.finish()))
        #expect(entries.map(\.name) == ["a.txt", "b.xml"])
        #expect(entries[0].contents == Array("abc".utf8))
        #expect(entries[1].contents == Array((0..<5_000).map { "<r>\($0)</r>" }.joined().utf8))
    }

    @Test(.enabled(if: PythonJSONSchema.python != nil, "needs python3 to read the zip"))
    func xlsxIsAValidZipOfWellFormedXML() throws {
        let reportCase = try ReportCase.load()
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(reportCase.render(.xlsx), to: "report.xlsx", in: directory)
        let script = """
        import sys, zipfile, xml.dom.minidom
        z = zipfile.ZipFile(sys.argv[1])
        assert z.testzip() is None
        names = z.namelist()
        for required in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                         "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]:
            assert required in names, required
        for name in names:
            xml.dom.minidom.parseString(z.read(name))
        print(" ".join(names))
        """
        let result = try ExternalTool.run(PythonJSONSchema.python ?? "python3", ["-c", script, path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}

/// LibreOffice, headless, opens the workbook and converts each sheet to CSV: the content must be
/// what the CSV reporter writes (both sheets, every cell, formulas neutralised).
@Suite(.serialized) struct LibreOfficeTests {
    static let soffice = ExternalTool.find("soffice", "libreoffice", "localc")

    /// The sheets of `xlsx` as LibreOffice reads them, as rows of cells.
    static func convert(_ xlsx: [UInt8]) throws -> [[[String]]] {
        let soffice = try #require(soffice)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TestSupport.write(xlsx, to: "book.xlsx", in: directory)
        // CSV filter options: comma, double quote, UTF-8 (76), from row 1, …, and -1: every sheet to its own file.
        let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
        let result = try ExternalTool.run(soffice, ["--headless", "--norestore", "-env:UserInstallation=file://" + directory.path + "/profile",
                                                     "--convert-to", filter, "--outdir", directory.path, path],
                                          environment: ["HOME": directory.path], timeout: 240)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".csv") }.sorted()
        let names = ["book-发现.csv", "book-编制统计.csv"].filter(files.contains)
        let chosen = names.isEmpty ? files : names
        return try chosen.map { name in
            CSVParser.parse(try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }

    @Test(.enabled(if: soffice != nil, "LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui); skipped"),
          .timeLimit(.minutes(5)))
    func workbookOpensInLibreOfficeWithTheSameContentAsTheCSV() throws {
        let reportCase = try ReportCase.load()
        let sheets = try LibreOfficeTests.convert(reportCase.render(.xlsx))
        #expect(sheets.count == 2, "two sheets: findings and staffing statistics")
        let findings = CSVParser.parse(String(String(decoding: reportCase.render(.csv), as: UTF8.self).dropFirst()))
        let statistics = CSVParser.parse(String(String(decoding: StatisticsReporter(reportCase.statistics).render(.csv), as: UTF8.self).dropFirst()))
        if sheets.count == 2 {
            #expect(LibreOfficeTests.trimmed(sheets[0]) == LibreOfficeTests.trimmed(findings))
            #expect(LibreOfficeTests.trimmed(sheets[1]) == LibreOfficeTests.trimmed(statistics))
            #expect(sheets[0].contains { $0.contains("'=HYPERLINK(\"http://example.invalid\",\"点击\"), 示例县委办公室") },
                    "a formula-like name stays text, neutralised")
            #expect(sheets[0].contains { $0.contains("<script>alert(1)</script>") })
        }
    }

    /// Rows without trailing empty cells, and without empty rows (LibreOffice pads and CSV writers differ there).
    static func trimmed(_ rows: [[String]]) -> [[String]] {
        rows.map { row in
            var row = row
            while row.last == "" { row.removeLast() }
            return row
        }.filter { !$0.isEmpty }
    }
}

/// A small RFC 4180 reader for the tests: quoted cells, doubled quotes, CRLF or LF.
enum CSVParser {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(cell); cell = ""
            case "\r": continue
            case "\n": row.append(cell); rows.append(row); row = []; cell = ""
            default: cell.unicodeScalars.append(scalar)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}
