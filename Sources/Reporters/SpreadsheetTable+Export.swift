/// Writing any table (not only audit findings) as a workbook or a printable page.
extension SpreadsheetTable {
    /// An xlsx workbook with one sheet per table.
    public static func xlsx(_ tables: [SpreadsheetTable]) -> [UInt8] {
        XLSXWorkbook(tables: tables).data()
    }

    /// A self-contained HTML page (no network access) in Chinese: a title, a note, then each table;
    /// every cell escaped, laid out to print on A4.
    public static func html(title: String, note: String, tables: [SpreadsheetTable]) -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(Markup.escape(title))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
        table{border-collapse:collapse;width:100%;font-size:12px;margin-bottom:2em}
        th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#eee}
        @page{size:A4 landscape;margin:12mm}
        @media print{body{margin:0}thead{display:table-header-group}}
        </style></head><body>
        <h1>\(Markup.escape(title))</h1>
        <p>\(Markup.escape(note))</p>

        """
        for table in tables {
            page += "<h2>\(Markup.escape(table.name))</h2>\n<table><thead><tr>"
            page += table.header.map { "<th>\(Markup.escape($0))</th>" }.joined()
            page += "</tr></thead><tbody>\n"
            for row in table.rows {
                page += "<tr>" + row.map { cell -> String in
                    switch cell {
                    case .empty: return "<td></td>"
                    case .number(let value): return "<td>\(value)</td>"
                    case .text(let text): return "<td>\(Markup.escape(text))</td>"
                    }
                }.joined() + "</tr>\n"
            }
            page += "</tbody></table>\n"
        }
        return page + "</body></html>\n"
    }
}
