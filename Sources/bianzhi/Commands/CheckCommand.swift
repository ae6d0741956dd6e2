import ArgumentParser
import Diagnostics
import Schema
import SnapshotLoader

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "检查快照是否符合数据格式 · check that a snapshot is well formed",
        discussion: """
        读取快照（一个 YAML/JSON 文件，或含 region.yaml 和 institutions/ 的文件夹），按快照格式 v1
        逐字段检查类型、必填字段、枚举值、日期、代码唯一和引用，一次报告全部问题（文件:行:列）。

        示例 Example:
          bianzhi check Cases/qinghe-county/snapshot
          bianzhi check --format json snapshot.yaml

        退出码 Exit codes: 0 快照有效（可能有警告）；2 快照无效或无法读取。
        """
    )

    @Argument(help: "快照文件或文件夹 · the snapshot file or folder")
    var snapshot: String

    @Option(help: "输出格式 · output format: text (for people, on stderr) or json (on stdout)")
    var format: DiagnosticFormat = .text

    func run() throws {
        let result = SnapshotLoader().load(path: snapshot)
        try DiagnosticOutput.emit(result.diagnostics, sources: result.sources, format: format)
        guard let loaded = result.snapshot else { throw ExitCode(2) }
        if format == .text {
            try Terminal.writeOut(CheckCommand.summary(of: loaded) + "\n")
        }
    }

    static func summary(of snapshot: Snapshot) -> String {
        let region = snapshot.region
        let name = region[SnapshotSchema.region.requiredSlot("name")].stringValue ?? ""
        let code = region[SnapshotSchema.region.requiredSlot("code")].stringValue ?? ""
        let staffSlot = SnapshotSchema.institution.requiredSlot("staff")
        let people = snapshot.institutions.reduce(0) { $0 + ($1.recordValue?[staffSlot].listValue?.count ?? 0) }
        return "快照有效 (valid)：\(name)（\(code)），数据日期 \(snapshot.asOf)；"
            + "机构 \(snapshot.institutions.count) 个，实名制人员 \(people) 名，"
            + "议事协调机构 \(snapshot.coordinationBodies.count) 个，批准例外 \(snapshot.exemptions.count) 项；"
            + "读取文件 \(snapshot.files.count) 个"
    }
}
