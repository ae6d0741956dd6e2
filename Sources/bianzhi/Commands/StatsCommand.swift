import ArgumentParser
import Reporters
import SnapshotLoader
import Statistics
import WorkerPool

extension StatisticsReporter.Format: ExpressibleByArgument {}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "编制统计：核定与实有、空编、超编、领导职数、限额使用 · staffing statistics of a snapshot",
        discussion: """
        按编制类型统计核定编制和实有人员、空编和超编（按机构逐个计算后合计），领导职数的核定与实配，
        限额的使用，以及按机构类别的合计。数据日期前已撤销的机构不计。

        示例 Examples:
          bianzhi stats Cases/qinghe-county/snapshot
          bianzhi stats Cases/qinghe-county/snapshot --format csv > stats.csv
          bianzhi stats Cases/qinghe-county/snapshot --format xlsx --output stats.xlsx

        退出码 Exit codes: 0 完成；2 快照无法读取或无效。
        """
    )

    @Argument(help: "快照文件或文件夹 · the snapshot file or folder")
    var snapshot: String

    @Option(help: "输出格式 · text (default), json, csv or xlsx (needs --output)")
    var format: StatisticsReporter.Format = .text

    @Option(name: .shortAndLong, help: "写入该文件（整体写入）· write to this file, atomically")
    var output: String?

    func validate() throws {
        if format.isBinary && (output == nil || output == "-") {
            throw ValidationError("--format \(format.rawValue) 是二进制格式，需要 --output FILE（如 --output stats.xlsx）")
        }
    }

    func run() throws {
        try OutputFile.refuseOverwriting(output, inputs: [(snapshot, "快照")])
        // Tallied as the snapshot is read, the rosters freed file by file; a snapshot that cannot be read so (it has a
        // problem) is loaded in full, which says where the problem is.
        let workers = WorkerPool.perProcessor
        let statistics = try StaffingStatistics.streamed(path: snapshot, loader: SnapshotLoader(workers: workers))
            ?? StaffingStatistics(Loading.snapshot(snapshot, workers: workers))
        let reporter = StatisticsReporter(statistics)
        try OutputFile.write(to: output) { sink in reporter.write(format, into: &sink) }
    }
}
