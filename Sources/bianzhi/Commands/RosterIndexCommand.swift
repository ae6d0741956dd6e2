import ArgumentParser
import CrossRegion

struct RosterIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster-index",
        abstract: "导出快照的人员编号索引，供跨地区核查 · write a snapshot's person-id index, for the check across regions",
        discussion: """
        每条实名制名册记录一行：人员编号、区划代码、机构代码、机构名称、编制类型，以制表符分隔，
        按人员编号排序（按 UTF-8 字节，与 LC_ALL=C sort 相同）。各地区的索引交给 bianzhi cross-region
        核查同一人员是否在两个以上地区的名册中。格式见 docs/performance.md“超出一台机器”。

        示例 Examples:
          bianzhi roster-index Cases/qinghe-county/snapshot --output qinghe.index.tsv

        退出码 Exit codes: 0 完成；2 快照无法读取或无效。
        """
    )

    @Argument(help: "快照文件或文件夹 · the snapshot file or folder")
    var snapshot: String

    @Option(name: .shortAndLong, help: "写入该文件（整体写入）· write to this file, atomically (default: standard output)")
    var output: String?

    func run() throws {
        try OutputFile.refuseOverwriting(output, inputs: [(snapshot, "快照")])
        let loaded = try Loading.snapshot(snapshot)
        try OutputFile.write(RosterIndex.file(of: loaded), to: output)
    }
}
