import Statistics

extension SpreadsheetTable {
    /// The staffing statistics sheet: one row per institution with approved, actual, vacant and excess
    /// numbers for each establishment type and leader post, a total row, then the limits used and
    /// the totals per category of institution.
    public static func statistics(_ statistics: StaffingStatistics) -> SpreadsheetTable {
        let parts = StatisticsSheetParts(statistics)
        return SpreadsheetTable(name: StatisticsSheetParts.name, header: parts.header,
                                rows: statistics.institutions.map(StatisticsSheetParts.row) + parts.closingRows, widths: parts.widths)
    }

    /// The same sheet for a workbook, each institution's row made as it is written: a province has a row for each of
    /// tens of thousands of institutions, and the sheet of cells was the largest part of the workbook in memory.
    static func statisticsSheet(_ statistics: StaffingStatistics) -> XLSXWorkbook.Sheet {
        let parts = StatisticsSheetParts(statistics)
        let institutions = statistics.institutions
        let closing = parts.closingRows
        // Every institution's row has the header's cells: `InstitutionRows` holds a count of every kind for each.
        return XLSXWorkbook.Sheet(name: StatisticsSheetParts.name, header: parts.header, widths: parts.widths,
                                  rowCount: institutions.count + closing.count,
                                  columns: max(parts.header.count, closing.map(\.count).max() ?? 0)) { index in
            index < institutions.count ? StatisticsSheetParts.row(institutions[index]) : closing[index - institutions.count]
        }
    }
}

/// What the statistics sheet is made of: its header, a row for each institution, and the rows after them (the total,
/// the limits, the categories).
private struct StatisticsSheetParts {
    static let name = "编制统计"
    let header: [String]
    let closingRows: [[SpreadsheetCell]]
    var widths: [Int] { [12, 28, 14] + Array(repeating: 9, count: header.count - 3) }

    init(_ statistics: StaffingStatistics) {
        var header = ["机构代码", "机构名称", "机构类别"]
        for kind in StaffingStatistics.establishmentKinds {
            header += ["\(kind.label)核定", "\(kind.label)实有", "\(kind.label)空编", "\(kind.label)超编"]
        }
        header.append("编外人员")
        for kind in StaffingStatistics.leadershipKinds {
            header += ["\(kind.label)职数", "\(kind.label)实配", "\(kind.label)超配"]
        }
        self.header = header
        var rows: [[SpreadsheetCell]] = []
        rows.append([.text("合计"), .text("\(statistics.regionName)（\(statistics.institutionCount) 个机构）"), .empty]
            + StatisticsSheetParts.cells(statistics.establishments, statistics.unestablished, statistics.leadership))
        rows.append([])
        rows.append(["限额", "核定", "已用", "剩余", "计数口径"].map(SpreadsheetCell.text))
        for limit in statistics.limits {
            rows.append([.text(limit.label), limit.limit.map(SpreadsheetCell.number) ?? .text("未核定"), .number(limit.used),
                         limit.limit.map { .number($0 - limit.used) } ?? .empty, .text(limit.counts)])
        }
        rows.append([])
        rows.append(["机构类别", "机构数", "核定编制", "实有人员", "空编", "超编", "编外人员"].map(SpreadsheetCell.text))
        for category in statistics.categories {
            rows.append([.text(category.label), .number(category.institutions), .number(category.staffing.approved),
                         .number(category.staffing.actual), .number(category.staffing.vacant), .number(category.staffing.excess),
                         .number(category.unestablished)])
        }
        closingRows = rows
    }

    static func row(_ institution: StaffingStatistics.InstitutionRow) -> [SpreadsheetCell] {
        [.text(institution.id), .text(institution.name), .text(institution.category)]
            + cells(institution.staffing, institution.unestablished, institution.leadership)
    }

    private static func cells(_ staffing: [StaffingStatistics.Count], _ unestablished: Int, _ leadership: [StaffingStatistics.Count]) -> [SpreadsheetCell] {
        var row: [SpreadsheetCell] = []
        for count in staffing { row += [.number(count.approved), .number(count.actual), .number(count.vacant), .number(count.excess)] }
        row.append(.number(unestablished))
        for count in leadership { row += [.number(count.approved), .number(count.actual), .number(count.excess)] }
        return row
    }
}
