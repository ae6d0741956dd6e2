import Schema

/// An Office Open XML workbook (.xlsx) written by hand: one worksheet per sheet, text as inline
/// strings, numbers as numbers, a bold frozen header row, A4 page setup, and an autofilter on the
/// first sheet. Every text cell is neutralised as in CSV.
///
/// Each worksheet is written a row at a time into its compressed entry (`ZIPEntryWriter`), its rows made as they are
/// written (`Sheet.row`): neither the rows nor the worksheet's XML are ever held whole.
struct XLSXWorkbook {
    /// One worksheet: its name, header, column widths, and its rows, made one at a time.
    struct Sheet {
        var name: String
        var header: [String]
        var widths: [Int]
        var rowCount: Int
        /// The number of columns: at least the header's, and the longest row's.
        var columns: Int
        var row: (Int) -> [SpreadsheetCell]

        init(name: String, header: [String], widths: [Int], rowCount: Int, columns: Int, row: @escaping (Int) -> [SpreadsheetCell]) {
            self.name = name
            self.header = header
            self.widths = widths
            self.rowCount = rowCount
            self.columns = max(1, columns, header.count)
            self.row = row
        }

        init(_ table: SpreadsheetTable) {
            self.init(name: table.name, header: table.header, widths: table.widths, rowCount: table.rows.count,
                      columns: table.rows.map(\.count).max() ?? 0) { table.rows[$0] }
        }
    }

    var sheets: [Sheet]
    /// The most rows a worksheet holds (Excel's limit unless a test asks for fewer); longer sheets are cut with a note.
    var maximumRows: Int

    /// Excel's limit of rows in a worksheet.
    static let excelMaximumRows = 1_048_576

    /// What the workbook may hold before compression (ZIP's 4 GiB unless a test asks for less).
    var maximumSize: Int

    init(sheets: [Sheet], maximumRows: Int = XLSXWorkbook.excelMaximumRows, maximumSize: Int = ZIPArchive.maximumSize) {
        self.sheets = sheets
        self.maximumRows = max(3, maximumRows)
        self.maximumSize = maximumSize
    }

    init(tables: [SpreadsheetTable]) {
        self.init(sheets: tables.map(Sheet.init))
    }

    /// For tests of the fallback to a stored workbook: compressing fails once an entry has been given this many bytes.
    var failsCompressingAfter: Int?

    /// The workbook, compressed; stored instead should zlib fail (out of memory), rather than a broken file.
    func data() -> [UInt8] {
        var sink = ByteSink()
        write(into: &sink)
        // A sink in memory refuses a change only when it lies beyond what is written, which the archive never asks for
        // (it fills in headers it has just written); checked in debug builds, so that every test making a workbook checks it.
        assert(!sink.failed, "the workbook asked to change bytes it had not written")
        return sink.bytes
    }

    /// Writes the workbook into `sink` as it is made: each worksheet compressed as its rows are made, and handed on as the
    /// sink fills, so that neither the worksheets nor the compressed workbook are held whole. The sizes in each entry's
    /// header are filled in afterwards, so the sink must let written bytes be changed (a file, or memory); one that
    /// cannot (a pipe) is given the workbook made whole in memory first. Should zlib fail, what was written is cut off and
    /// the workbook written again stored.
    func write(into sink: inout ByteSink) {
        guard sink.isRewritable else {
            sink.append(whole: data())
            sink.flushIfFull()
            return
        }
        let start = sink.position
        if writeArchive(compressing: true, into: &sink) { return }
        // When the cut fails, the sink has failed too: what follows is dropped and the write reported as failed.
        guard sink.truncate(to: start) else { return }
        writeArchive(compressing: false, into: &sink)
    }

    /// Writes the archive into `sink`; false when compressing failed (the sink then holds an unfinished archive).
    @discardableResult
    private func writeArchive(compressing: Bool, into sink: inout ByteSink) -> Bool {
        // The sink is handed to the archive and back, not shared: shared, its first write would copy what it holds.
        var taken = ByteSink()
        swap(&taken, &sink)
        var archive = ZIPArchive(compresses: compressing, writingInto: consume taken)
        archive.failsCompressingAfter = failsCompressingAfter
        addEntries(to: &archive)
        if archive.compressionFailed {
            sink = archive.abandoned()
            return false
        }
        sink = archive.finished()
        return true
    }

    private func addEntries(to archive: inout ZIPArchive) {
        archive.add(path: "[Content_Types].xml", contents: Array(contentTypes.utf8))
        archive.add(path: "_rels/.rels", contents: Array(XLSXWorkbook.packageRelationships.utf8))
        archive.add(path: "xl/workbook.xml", contents: Array(workbook.utf8))
        archive.add(path: "xl/_rels/workbook.xml.rels", contents: Array(workbookRelationships.utf8))
        archive.add(path: "xl/styles.xml", contents: Array(XLSXWorkbook.styles.utf8))
        for (index, sheet) in sheets.enumerated() {
            let budget = maximumSize - archive.contentSize
            archive.addEntry(path: "xl/worksheets/sheet\(index + 1).xml") { entry in
                worksheet(sheet, filtered: index == 0, budget: budget, into: &entry)
            }
        }
    }

    private static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    private var contentTypes: String {
        var xml = XLSXWorkbook.header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        xml += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        xml += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        for index in sheets.indices {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    private static let packageRelationships = header
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    private var workbook: String {
        var xml = XLSXWorkbook.header + "<workbook xmlns=\"\(XLSXWorkbook.main)\" xmlns:r=\"\(XLSXWorkbook.relationships)\"><sheets>"
        for (index, sheet) in sheets.enumerated() {
            xml += "<sheet name=\"\(Markup.escape(XLSXWorkbook.sheetName(sheet.name)))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets>"
        if let first = sheets.first {
            let name = XLSXWorkbook.sheetName(first.name).replacingOccurrences(of: "'", with: "''")
            xml += "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">"
            xml += Markup.escape("'\(name)'!$A$1:$\(XLSXWorkbook.column(max(1, first.header.count)))$\(rowCount(first))")
            xml += "</definedName></definedNames>"
        }
        return xml + "</workbook>"
    }

    private var workbookRelationships: String {
        var xml = XLSXWorkbook.header + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for index in sheets.indices {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(XLSXWorkbook.relationships)/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(XLSXWorkbook.relationships)/styles\" Target=\"styles.xml\"/>"
        return xml + "</Relationships>"
    }

    /// Style 0: normal; style 1: bold (the header row).
    private static let styles = header
        + "<styleSheet xmlns=\"\(main)\">"
        + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"

    /// Rows written for `sheet`: the header, then its rows up to the limit (and a note when cut).
    private func rowCount(_ sheet: Sheet) -> Int {
        min(sheet.rowCount + 1, maximumRows)
    }

    /// Writes `sheet` as a worksheet of at most `budget` bytes (before compression). Rows that would go past it are left
    /// out and counted in a note, as rows past the limit of rows are: only a snapshot made to break the report has such
    /// rows (cells are clipped to Excel's 32,767 characters, so a row is at most a few MB). The dimension and the filter
    /// range then reach past the last row, which spreadsheet programs accept.
    private func worksheet(_ sheet: Sheet, filtered: Bool, budget: Int, into xml: inout ZIPEntryWriter) {
        typealias X = XLSXWorkbook
        // Rows of the sheet written, and whether a note takes the place of the rest.
        let cut = sheet.rowCount + 1 > maximumRows
        let written = cut ? maximumRows - 2 : sheet.rowCount
        let lastRow = written + (cut ? 1 : 0) + 1
        xml.append(X.header + "<worksheet xmlns=\"\(X.main)\" xmlns:r=\"\(X.relationships)\">")
        xml.append("<dimension ref=\"A1:\(X.column(sheet.columns))\(lastRow)\"/>")
        xml.append("<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>")
        xml.append("<sheetFormatPr defaultRowHeight=\"15\"/>")
        if !sheet.widths.isEmpty {
            xml.append("<cols>")
            for (index, width) in sheet.widths.enumerated() {
                xml.append("<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>")
            }
            xml.append("</cols>")
        }
        xml.append("<sheetData>")
        X.row(1, sheet.header.map(SpreadsheetCell.text), style: 1, into: &xml)
        var full = false
        for index in 0..<written {
            if xml.size > budget - (1 << 24) {
                full = true
                X.row(index + 2, [.text("……另有 \(sheet.rowCount - index) 行未写入（工作簿超过 4 GB 的上限）")], style: 0, into: &xml)
                break
            }
            let cells = sheet.row(index)
            if !cells.isEmpty { X.row(index + 2, cells, style: 0, into: &xml) }
        }
        if cut, !full {
            X.row(written + 2, [.text("……另有 \(sheet.rowCount - written) 行未写入（超过工作表的行数上限）")], style: 0, into: &xml)
        }
        xml.append("</sheetData>")
        if filtered {
            xml.append("<autoFilter ref=\"A1:\(X.column(max(1, sheet.header.count)))\(lastRow)\"/>")
        }
        xml.append("<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>")
        xml.append("<pageSetup paperSize=\"9\" orientation=\"landscape\"/>")
        xml.append("</worksheet>")
    }

    private static func row(_ number: Int, _ cells: [SpreadsheetCell], style: Int, into xml: inout ZIPEntryWriter) {
        let rowNumber = String(number)
        xml.append("<row r=\"" + rowNumber + "\">")
        let styleAttribute = style == 0 ? "" : " s=\"\(style)\""
        for (index, cell) in cells.enumerated() {
            let reference = column(index + 1) + rowNumber
            switch cell {
            case .empty:
                continue
            case .number(let value):
                xml.append("<c r=\"\(reference)\"\(styleAttribute)><v>\(value)</v></c>")
            case .text:
                xml.append("<c r=\"\(reference)\"\(styleAttribute) t=\"inlineStr\"><is><t xml:space=\"preserve\">")
                xml.append(Markup.escape(clipped(cell.neutralized)))
                xml.append("</t></is></c>")
            }
        }
        xml.append("</row>")
    }

    /// The most characters a cell holds (Excel's limit, in UTF-16 units).
    static let maximumCellLength = 32_767

    /// `text`, cut to what a cell holds, with a note saying so when it is cut.
    static func clipped(_ text: String) -> String {
        guard text.utf16.count > maximumCellLength else { return text }
        let note = "……（超过单元格的字数上限，已截断）"
        var kept = 0
        var end = text.startIndex
        for index in text.indices {
            let length = text[index].utf16.count
            if kept + length > maximumCellLength - note.utf16.count { break }
            kept += length
            end = text.index(after: index)
        }
        return String(text[..<end]) + note
    }

    /// The column letters of a 1-based column number: 1 → A, 27 → AA.
    static func column(_ number: Int) -> String {
        var number = number
        var letters: [Unicode.Scalar] = []
        while number > 0 {
            let remainder = (number - 1) % 26
            letters.insert(Unicode.Scalar(UInt8(65 + remainder)), at: 0)
            number = (number - 1) / 26
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: letters)
        return result
    }

    /// A valid sheet name: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.filter { !"[]:*?/\\".unicodeScalars.contains($0) }.map(Character.init))
        return cleaned.isEmpty ? "Sheet" : String(cleaned.prefix(31))
    }
}
