import Diagnostics
import Schema
import Statistics

/// The staffing statistics alone (`bianzhi stats`): a text table, JSON, CSV or an xlsx workbook.
public struct StatisticsReporter: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, csv, xlsx

        public var isBinary: Bool { self == .xlsx }
    }

    public var statistics: StaffingStatistics

    public init(_ statistics: StaffingStatistics) {
        self.statistics = statistics
    }

    public func render(_ format: Format) -> [UInt8] {
        switch format {
        case .text: Array(text().utf8)
        case .json: Array((json().rendered() + "\n").utf8)
        case .csv: Array(SpreadsheetTable.statistics(statistics).csv().utf8)
        case .xlsx: XLSXWorkbook(sheets: [SpreadsheetTable.statisticsSheet(statistics)]).data()
        }
    }

    /// Writes the statistics in `format` into `sink`: the workbook compressed into it as it is made (see
    /// `XLSXWorkbook.write(into:)`), the other formats whole (the same bytes as `render`).
    public func write(_ format: Format, into sink: inout ByteSink) {
        if format == .xlsx {
            XLSXWorkbook(sheets: [SpreadsheetTable.statisticsSheet(statistics)]).write(into: &sink)
        } else {
            sink.append(whole: render(format))
        }
        sink.flushIfFull()
    }

    // MARK: Text

    public func text() -> String {
        var lines = ["编制统计 · \(statistics.regionName)（\(statistics.regionCode)）",
                     "数据日期 \(statistics.asOf)；统计机构 \(statistics.institutionCount) 个（不含已撤销的机构）", ""]
        lines += table(["编制类型", "核定编制", "实有人员", "空编", "超编"],
                       zip(StaffingStatistics.establishmentKinds, statistics.establishments).map { row($0.label, $1) }
                           + [row("合计", statistics.totalStaffing), ["编外人员", "—", String(statistics.unestablished), "", ""]])
        lines.append("")
        lines += table(["领导职务", "核定职数", "实配", "空缺", "超配"],
                       zip(StaffingStatistics.leadershipKinds, statistics.leadership).map { row($0.label, $1) })
        lines.append("")
        lines += table(["限额", "核定", "已用", "剩余"], statistics.limits.map { limit in
            [limit.label, limit.limit.map(String.init) ?? "未核定", String(limit.used),
             limit.limit.map { String($0 - limit.used) + ($0 < limit.used ? "（超出）" : "") } ?? "—"]
        })
        lines.append("")
        lines += table(["机构类别", "机构数", "核定编制", "实有人员", "空编", "超编", "编外人员"], statistics.categories.map { category in
            [category.label, String(category.institutions), String(category.staffing.approved), String(category.staffing.actual),
             String(category.staffing.vacant), String(category.staffing.excess), String(category.unestablished)]
        })
        return lines.joined(separator: "\n") + "\n"
    }

    private func row(_ label: String, _ count: StaffingStatistics.Count) -> [String] {
        [label, String(count.approved), String(count.actual), String(count.vacant), String(count.excess)]
    }

    /// Columns padded by display width (a Chinese character is two cells); numbers right-aligned.
    private func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - DisplayWidth.of(cell))
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }.map { line in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    // MARK: JSON

    public func json() -> OrderedJSON {
        func count(_ count: StaffingStatistics.Count) -> [(String, OrderedJSON)] {
            [("approved", .int(count.approved)), ("actual", .int(count.actual)), ("vacant", .int(count.vacant)), ("excess", .int(count.excess))]
        }
        func kinds(_ kinds: [StaffingStatistics.Kind], _ counts: [StaffingStatistics.Count]) -> OrderedJSON {
            .object(zip(kinds, counts).map { kind, value in (kind.name, .object([("label", .string(kind.label))] + count(value))) })
        }
        return .object([
            ("statistics", .string("v1")),
            ("region", .object([("code", .string(statistics.regionCode)), ("name", .string(statistics.regionName))])),
            ("as_of", .string(statistics.asOf.description)),
            ("institutions", .int(statistics.institutionCount)),
            ("staffing", kinds(StaffingStatistics.establishmentKinds, statistics.establishments)),
            ("staffing_total", .object(count(statistics.totalStaffing))),
            ("unestablished", .int(statistics.unestablished)),
            ("leadership", kinds(StaffingStatistics.leadershipKinds, statistics.leadership)),
            ("limits", .object(statistics.limits.map { limit in
                (limit.name, .object([("label", .string(limit.label)), ("limit", limit.limit.map(OrderedJSON.int) ?? .null),
                                      ("used", .int(limit.used)), ("exceeded", .bool(limit.exceeded)), ("counts", .string(limit.counts))]))
            })),
            ("categories", .array(statistics.categories.map { category in
                .object([("category", .string(category.name)), ("label", .string(category.label)), ("institutions", .int(category.institutions))]
                    + count(category.staffing) + [("unestablished", .int(category.unestablished))])
            })),
            ("by_institution", .array(statistics.institutions.map { institution in
                .object([
                    ("id", .string(institution.id)), ("name", .string(institution.name)), ("category", .string(institution.category)),
                    ("staffing", kinds(StaffingStatistics.establishmentKinds, institution.staffing)),
                    ("unestablished", .int(institution.unestablished)),
                    ("leadership", kinds(StaffingStatistics.leadershipKinds, institution.leadership)),
                ])
            })),
        ])
    }
}
