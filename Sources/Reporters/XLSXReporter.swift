import AuditEngine
import Statistics

/// The audit as an Excel/WPS workbook: a sheet of findings (filterable, header frozen) and a sheet
/// of staffing statistics; text cells that could be read as formulas are neutralised.
public struct XLSXReporter: BinaryReporter {
    public var statistics: StaffingStatistics?

    public init(statistics: StaffingStatistics?) {
        self.statistics = statistics
    }

    public func data(for report: AuditReport) -> [UInt8] {
        var sheets = [SpreadsheetTable.findingsSheet(report)]
        if let statistics { sheets.append(SpreadsheetTable.statisticsSheet(statistics)) }
        return XLSXWorkbook(sheets: sheets).data()
    }
}
