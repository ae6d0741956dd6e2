import ArgumentParser
import RuleSet
import Schema

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "输出快照格式的 JSON Schema 或字段参考 · print the snapshot JSON Schema or field reference",
        discussion: """
        JSON Schema 供编辑器（YAML language server）补全和检查快照文件；markdown 即 docs/snapshot.md。

        示例 Examples:
          bianzhi schema snapshot > snapshot.schema.json
          bianzhi schema institution-file > institution.schema.json
          bianzhi schema rules > rules.schema.json
          bianzhi schema snapshot --format markdown > docs/snapshot.md
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case snapshot
        case institutionFile = "institution-file"
        case rules
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonSchema = "json-schema"
        case markdown
    }

    @Argument(help: "哪一种文件 · which file: snapshot, institution-file, rules")
    var kind: Kind

    @Option(help: "输出形式 · json-schema (default) or markdown (the field reference)")
    var format: Format = .jsonSchema

    func run() throws {
        if kind == .rules {
            guard format == .jsonSchema else { throw ValidationError("规则文件的参考见 docs/rule-language.md；schema rules 只输出 JSON Schema") }
            try Terminal.writeOut(RuleFileSchema.jsonSchema().rendered() + "\n")
            return
        }
        switch format {
        case .jsonSchema:
            let root: SchemaGenerators.Root = kind == .snapshot ? .snapshot : .institutionFile
            try Terminal.writeOut(SchemaGenerators.jsonSchema(root).rendered() + "\n")
        case .markdown:
            try Terminal.writeOut(SchemaGenerators.markdown())
        }
    }
}
