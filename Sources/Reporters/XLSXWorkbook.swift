/// An Office Open XML workbook (.xlsx) written by hand: one worksheet per table, text as inline
/// strings, numbers as numbers, a bold frozen header row, A4 page setup, and an autofilter on the
/// first table. Every text cell is neutralised as in CSV.
struct XLSXWorkbook {
    var tables: [SpreadsheetTable]

    /// The most rows a worksheet holds (Excel's limit); longer tables are cut with a note.
    static let maximumRows = 1_048_576

    func data() -> [UInt8] {
        var archive = ZIPArchive()
        archive.add(path: "[Content_Types].xml", contents: Array(contentTypes.utf8))
        archive.add(path: "_rels/.rels", contents: Array(XLSXWorkbook.packageRelationships.utf8))
        archive.add(path: "xl/workbook.xml", contents: Array(workbook.utf8))
        archive.add(path: "xl/_rels/workbook.xml.rels", contents: Array(workbookRelationships.utf8))
        archive.add(path: "xl/styles.xml", contents: Array(XLSXWorkbook.styles.utf8))
        for (index, table) in tables.enumerated() {
            archive.add(path: "xl/worksheets/sheet\(index + 1).xml", contents: Array(worksheet(table, filtered: index == 0).utf8))
        }
        return archive.finished()
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
        for index in tables.indices {
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
        for (index, table) in tables.enumerated() {
            xml += "<sheet name=\"\(Markup.escape(XLSXWorkbook.sheetName(table.name)))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets>"
        if let first = tables.first {
            let name = XLSXWorkbook.sheetName(first.name).replacingOccurrences(of: "'", with: "''")
            xml += "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">"
            xml += Markup.escape("'\(name)'!$A$1:$\(XLSXWorkbook.column(max(1, first.header.count)))$\(rowCount(first))")
            xml += "</definedName></definedNames>"
        }
        return xml + "</workbook>"
    }

    private var workbookRelationships: String {
        var xml = XLSXWorkbook.header + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for index in tables.indices {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(XLSXWorkbook.relationships)/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(tables.count + 1)\" Type=\"\(XLSXWorkbook.relationships)/styles\" Target=\"styles.xml\"/>"
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

    /// Rows written for `table`: the header, then its rows up to the limit (and a note when cut).
    private func rowCount(_ table: SpreadsheetTable) -> Int {
        min(table.rows.count + 1, XLSXWorkbook.maximumRows)
    }

    private func worksheet(_ table: SpreadsheetTable, filtered: Bool) -> String {
        let columns = max(1, ([table.header.count] + table.rows.map(\.count)).max() ?? 1)
        var rows = table.rows
        if rows.count + 1 > XLSXWorkbook.maximumRows {
            let kept = XLSXWorkbook.maximumRows - 2
            rows = Array(rows.prefix(kept)) + [[.text("……另有 \(table.rows.count - kept) 行未写入（超过工作表的行数上限）")]]
        }
        var xml = XLSXWorkbook.header + "<worksheet xmlns=\"\(XLSXWorkbook.main)\" xmlns:r=\"\(XLSXWorkbook.relationships)\">"
        xml += "<dimension ref=\"A1:\(XLSXWorkbook.column(columns))\(rows.count + 1)\"/>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if !table.widths.isEmpty {
            xml += "<cols>"
            for (index, width) in table.widths.enumerated() {
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        xml += XLSXWorkbook.row(1, table.header.map(SpreadsheetCell.text), style: 1)
        for (index, row) in rows.enumerated() where !row.isEmpty {
            xml += XLSXWorkbook.row(index + 2, row, style: 0)
        }
        xml += "</sheetData>"
        if filtered {
            xml += "<autoFilter ref=\"A1:\(XLSXWorkbook.column(max(1, table.header.count)))\(rows.count + 1)\"/>"
        }
        xml += "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        xml += "<pageSetup paperSize=\"9\" orientation=\"landscape\"/>"
        return xml + "</worksheet>"
    }

    private static func row(_ number: Int, _ cells: [SpreadsheetCell], style: Int) -> String {
        var xml = "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = column(index + 1) + String(number)
            let styleAttribute = style == 0 ? "" : " s=\"\(style)\""
            switch cell {
            case .empty:
                continue
            case .number(let value):
                xml += "<c r=\"\(reference)\"\(styleAttribute)><v>\(value)</v></c>"
            case .text:
                xml += "<c r=\"\(reference)\"\(styleAttribute) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Markup.escape(cell.neutralized))</t></is></c>"
            }
        }
        return xml + "</row>"
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
