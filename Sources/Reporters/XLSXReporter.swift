import AuditEngine
import Schema
import Statistics

/// The audit as an Excel/WPS workbook: a sheet of findings (filterable, header frozen) and a sheet
/// of staffing statistics; text cells that could be read as formulas are neutralised.
public struct XLSXReporter: BinaryReporter {
    public var statistics: StaffingStatistics?

    public init(statistics: StaffingStatistics?) {
        self.statistics = statistics
    }

    public func data(for report: AuditReport) -> [UInt8] {
        workbook(report).data()
    }

    /// Writes the workbook into `sink` as it is made (see `XLSXWorkbook.write(into:)`): the same bytes as `data(for:)`.
    public func write(_ report: AuditReport, into sink: inout ByteSink) {
        workbook(report).write(into: &sink)
    }

    private func workbook(_ report: AuditReport) -> XLSXWorkbook {
        var sheets = [SpreadsheetTable.findingsSheet(report)]
        if let statistics { sheets.append(SpreadsheetTable.statisticsSheet(statistics)) }
        return XLSXWorkbook(sheets: sheets)
    }
}
