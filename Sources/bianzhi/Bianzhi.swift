import ArgumentParser

@main
struct Bianzhi: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bianzhi",
        abstract: "机构编制合规检查 · rules-as-data compliance checker for staffing (编制) regulations",
        discussion: """
        bianzhi 读取机构编制快照（三定规定核定的内容和实名制名册），逐条核对法规，
        报告每一处违规及其所违反的条款。

        示例 Examples:
          bianzhi audit Cases/qinghe-county/snapshot
          bianzhi check Cases/qinghe-county/snapshot
          bianzhi validate && bianzhi test
          bianzhi explain GW-ST-001 QH-JYJ Cases/qinghe-county/snapshot

        退出码 Exit codes: 0 通过；1 有违规（audit）或规则有误（validate）；2 输入无法读取或无效。
        """,
        version: "0.1.0",
        subcommands: [CheckCommand.self, AuditCommand.self, ValidateCommand.self, TestCommand.self, StatsCommand.self, ExplainCommand.self, SchemaCommand.self, DocsCommand.self, CoverageCommand.self, LedgerCommand.self, RosterIndexCommand.self, CrossRegionCommand.self]
    )
}
