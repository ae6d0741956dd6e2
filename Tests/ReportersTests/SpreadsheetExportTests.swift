import Reporters
import Testing

@Suite struct SpreadsheetExportTests {
    @Test func htmlEscapesEveryCell() {
        let table = SpreadsheetTable(name: "台账<表>", header: ["对象"], rows: [[.text("<script>alert(1)</script>")], [.number(3)], [.empty]])
        let page = SpreadsheetTable.html(title: "标题&", note: "说明\"", tables: [table])
        #expect(!page.contains("<script>alert(1)</script>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("<h2>台账&lt;表&gt;</h2>"))
        #expect(page.contains("<td>3</td>"))
    }

    @Test func xlsxIsAZipWithOneSheetPerTable() {
        let tables = [SpreadsheetTable(name: "甲", header: ["a"], rows: [[.text("=1+1")]]),
                      SpreadsheetTable(name: "乙", header: ["b"], rows: [])]
        let bytes = SpreadsheetTable.xlsx(tables)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(text.contains("xl/worksheets/sheet1.xml") && text.contains("xl/worksheets/sheet2.xml"))
    }
}
