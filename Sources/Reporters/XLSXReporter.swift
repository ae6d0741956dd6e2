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
        var tables = [SpreadsheetTable.findings(report)]
        if let statistics { tables.append(SpreadsheetTable.statistics(statistics)) }
        return XLSXWorkbook(tables: tables).data()
    }
}
