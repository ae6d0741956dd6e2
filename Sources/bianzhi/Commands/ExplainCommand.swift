import ArgumentParser
import AuditEngine

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "解释一项发现：规则对一个对象逐步计算的值 · the values behind one finding, step by step",
        discussion: """
        对一个对象运行一条规则，逐步列出适用条件、每个中间值和必须成立的条件的值，
        以及这些值在快照中的来源（文件:行:列）。

        示例 Example:
          bianzhi explain GW-ST-001 QH-JYJ Cases/qinghe-county/snapshot

        对象：机构代码；人员编号；议事协调机构代码；地区的区划代码；事项为 机构代码/事项类型/日期。
        退出码 Exit codes: 0 已解释；2 快照、规则、规则编号或对象无法找到。
        """
    )

    @Argument(help: "规则编号 · the rule id")
    var rule: String

    @Argument(help: "对象代码 · the subject id")
    var subject: String

    @Argument(help: "快照文件或文件夹 · the snapshot")
    var snapshot: String

    @Option(help: "规则文件夹 · the rules folder")
    var rules = "Rules"

    func run() throws {
        let ruleSet = try Loading.rules(rules)
        let loaded = try Loading.snapshot(snapshot)
        switch AuditEngine(ruleSet: ruleSet).explain(ruleID: rule, subjectID: subject, in: loaded) {
        case .failure(let error):
            Terminal.writeError("error: \(error.message)\n")
            throw ExitCode(2)
        case .success(let explanation):
            var lines = ["规则 \(explanation.ruleID) \(explanation.title)",
                         "对象 \(explanation.subject.id)" + (explanation.subject.name.map { " \($0)" } ?? "")
                            + (explanation.subjectLocation.map { "（\($0.description)）" } ?? "")]
            if !explanation.applies {
                lines.append("规则不适用：\(explanation.reasonNotApplied ?? "")")
            }
            // A step: its expression, its value, and where each input is in the snapshot.
            func append(_ step: ExplanationStep) {
                // A block scalar (`when: |`) keeps its last line break: not shown as an empty line.
                var expression = Substring(step.expression)
                while expression.last?.isNewline == true { expression.removeLast() }
                lines.append("  \(step.label) = \(expression)")
                lines.append("      → \(step.value)")
                for source in step.sources {
                    guard let location = source.location else {
                        lines.append("      \(source.path)：（快照未写，取默认值或为空）")
                        continue
                    }
                    lines.append("      \(source.path)" + (source.value.map { " = \($0)" } ?? "") + "：\(location.description)")
                }
            }
            if let each = explanation.each {
                append(each)
                if explanation.applies, explanation.evaluations.isEmpty {
                    lines.append("  结论：列表为空，没有要逐一检查的元素，这条规则对该对象不产生发现")
                }
            }
            for evaluation in explanation.evaluations {
                if let element = evaluation.element { lines.append(""); lines.append("逐一列举的元素：\(element)") }
                evaluation.steps.forEach(append)
                lines.append(evaluation.violated ? "  结论：违规 —— \(evaluation.message ?? "")" : "  结论：\(evaluation.message ?? "符合")")
                if evaluation.violated, let (status, exemption) = explanation.exemption {
                    let until = "有效期至 \(exemption.until)" + (exemption.reason.isEmpty ? "" : "，理由：\(exemption.reason)")
                    lines.append(status == .exempted
                        ? "  审计结果：已批准例外（\(exemption.documentNumber)，\(until)），不计为违规"
                        : "  审计结果：例外已过期（\(exemption.documentNumber)，\(until)），仍计为违规")
                }
            }
            if !explanation.citations.isEmpty { lines.append("依据：" + explanation.citations.joined(separator: "；")) }
            try Terminal.writeOut(lines.joined(separator: "\n") + "\n")
        }
    }
}
