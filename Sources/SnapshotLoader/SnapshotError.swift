import Diagnostics
import Schema

/// A problem with a snapshot's content, located in its file.
public struct SnapshotError: Error, Sendable {
    public enum Kind: Sendable {
        case notFound
        case unreadable(String)
        case missingRegionFile
        case unknownField(String, record: RecordType, suggestion: String?, labelMatch: String?)
        case missingField(Field, record: RecordType)
        case typeMismatch(Field?, expected: FieldType, found: String)
        case topLevelNotMapping(RecordType, found: String)
        case quotedNumber(Field?, text: String)
        case badDate(Field?, text: String, shapeOK: Bool)
        case badEnum(Field?, EnumType, text: String, suggestion: String?)
        case badLiteral(Field?, expected: String, found: String)
        case belowMinimum(Field, value: Int, minimum: Int)
        case integerOverflow(Field?, text: String)
        case ignoredTag(Field?, tag: String)
        case controlCharacter(Field?, text: String)
        case duplicateID(String, kind: String, first: SourceLocation)
        case unresolvedReference(Field, id: String, expected: String, suggestion: String?)
        case exemptionTarget
        case stagesOutOfOrder(String, String)
        case secondedAfterAsOf(String, asOf: String)
        case abolishedBeforeEstablished
    }

    public var kind: Kind
    public var location: SourceLocation?
    public var end: SourceLocation?

    public init(_ kind: Kind, at location: SourceLocation?, end: SourceLocation? = nil) {
        self.kind = kind
        self.location = location
        self.end = end
    }

    private static func name(_ field: Field?) -> String {
        guard let field else { return "列表项" }
        return "字段 '\(field.name)'（\(field.label)）"
    }

    private static func typeName(_ type: FieldType) -> String {
        switch type {
        case .string: "文本 (string)"
        case .int: "整数 (int)"
        case .bool: "布尔值 true/false (bool)"
        case .date: "日期 YYYY-MM-DD (date)"
        case .enumeration(let type): "\(type.label) (\(type.name))"
        case .list(let element): "列表 [\(element.displayName)]"
        case .record(let type): "映射 \(type.label) (\(type.name))"
        case .reference: "代码 (id)"
        case .literal(let value): "'\(value)'"
        }
    }

    public var diagnostic: Diagnostic {
        func make(_ id: DiagnosticID, _ message: String, severity: Severity = .error,
                  notes: [DiagnosticNote] = [], help: String? = nil) -> Diagnostic {
            Diagnostic(id, severity: severity, message: message, at: location, end: end, notes: notes, help: help)
        }
        switch kind {
        case .notFound:
            return make("snapshot.notFound", "找不到快照文件或文件夹", help: "检查路径；快照是一个 .yaml/.json 文件，或含 region.yaml 的文件夹")
        case let .unreadable(reason):
            return make("snapshot.unreadable", "无法读取文件：\(reason)")
        case .missingRegionFile:
            return make("snapshot.missingRegion", "快照文件夹中没有 region.yaml",
                        help: "文件夹形式的快照需要 region.yaml（含 snapshot、as_of、region），机构放在 institutions/ 下")
        case let .unknownField(key, record, suggestion, labelMatch):
            let help: String?
            if let labelMatch {
                help = "'\(key)' 是字段 '\(labelMatch)' 的中文标签；字段名请写 '\(labelMatch)'"
            } else if let suggestion {
                help = "是否要写 '\(suggestion)'？"
            } else {
                help = "\(record.label) (\(record.name)) 的字段有：" + record.fields.map(\.name).joined(separator: ", ")
            }
            return make("snapshot.unknownField", "未知字段 '\(key)'：\(record.label) (\(record.name)) 中没有这个字段", help: help)
        case let .missingField(field, record):
            return make("snapshot.missingField", "缺少必填字段 '\(field.name)'（\(field.label)）：\(record.label) (\(record.name)) 必须填写",
                        help: "添加 `\(field.name): …`（\(SnapshotError.typeName(field.type))）")
        case let .typeMismatch(field, expected, found):
            return make("snapshot.typeMismatch", "\(SnapshotError.name(field))应为\(SnapshotError.typeName(expected))，实际是\(found)")
        case let .topLevelNotMapping(type, found):
            return make("snapshot.typeMismatch", "文件的顶层应为映射 \(type.label) (\(type.name))，实际是\(found)",
                        help: type.name == SnapshotSchema.snapshot.name
                            ? "快照文件的顶层写 `snapshot: v1`、`as_of: …`、`region: …` 等字段（见 docs/snapshot.md）"
                            : "机构文件的顶层写一个机构的字段（`id: …`、`name: …` 等），或者一个机构列表")
        case let .quotedNumber(field, text):
            return make("snapshot.typeMismatch", "\(SnapshotError.name(field))应为整数，实际是带引号的文本 \"\(text)\"",
                        help: "去掉引号：\(text)")
        case let .badDate(field, text, shapeOK):
            if shapeOK {
                return make("snapshot.badDate", "\(SnapshotError.name(field))的日期 '\(text)' 不存在", help: "检查月份和日期（如 2 月没有 30 日）")
            }
            return make("snapshot.badDate", "\(SnapshotError.name(field))应为 YYYY-MM-DD 格式的日期，实际是 '\(text)'",
                        help: "写成如 2024-06-30 的形式")
        case let .badEnum(field, type, text, suggestion):
            let allowed = type.cases.map { "\($0.name)（\($0.label)）" }.joined(separator: "、")
            let help = suggestion.map { "是否要写 '\($0)'？" } ?? "可用的值：\(allowed)"
            return make("snapshot.badEnum", "\(SnapshotError.name(field))的值 '\(text)' 不是有效的\(type.label)", help: help)
        case let .badLiteral(field, expected, found):
            return make("snapshot.badVersion", "\(SnapshotError.name(field))应为 '\(expected)'，实际是 '\(found)'",
                        help: "本版本的 bianzhi 读取 snapshot: \(expected) 格式")
        case let .belowMinimum(field, value, minimum):
            return make("snapshot.outOfRange", "\(SnapshotError.name(field))不能小于 \(minimum)，实际是 \(value)")
        case let .controlCharacter(field, _):
            return make("snapshot.controlCharacter", "\(SnapshotError.name(field))中含有控制字符（如 \\e、\\a 等转义产生的字符）",
                        help: "删除这些转义；文本中只可有制表符和换行这两种控制字符")
        case let .ignoredTag(field, tag):
            return make("snapshot.ignoredTag", "\(SnapshotError.name(field))的 YAML 标签 '\(tag)' 被忽略：快照按字段的类型读取值", severity: .warning,
                        help: "删除标签；要让数字、日期作为文本读取，给值加引号")
        case let .integerOverflow(field, text):
            return make("snapshot.outOfRange", "\(SnapshotError.name(field))的数值 \(text) 超出允许范围（绝对值不超过 \(Field.integerLimit)）",
                        help: "快照中的整数绝对值不超过 \(Field.integerLimit)；检查是否多写了数字或把别的编号填进了这里")
        case let .duplicateID(id, kind, first):
            return make("snapshot.duplicateID", "\(kind)代码 '\(id)' 重复：代码在快照中必须唯一",
                        notes: [DiagnosticNote("'\(id)' 第一次出现在此", at: first)], help: "给其中一个改用新的代码")
        case let .unresolvedReference(field, id, expected, suggestion):
            return make("snapshot.unresolvedReference", "\(SnapshotError.name(field))引用的\(expected) '\(id)' 在快照中不存在",
                        help: suggestion.map { "是否要写 '\($0)'？" } ?? "检查代码是否写错，或把该\(expected)加入快照")
        case .exemptionTarget:
            return make("snapshot.exemptionTarget", "批准例外必须写明 'rule'（规则编号或 *）或 'provision'（所涉条款）之一",
                        help: "如 `rule: \"*\"`，或 `provision: {source: gwy486, article: 6, paragraph: 2}`")
        case let .stagesOutOfOrder(earlier, later):
            return make("snapshot.stageOrder", "机构编制事项的程序日期顺序颠倒：'\(later)' 早于 '\(earlier)'", severity: .warning,
                        help: "程序应依次为 动议 proposed → 论证 assessed → 审议决定 decided → 组织实施 implemented；若数据无误，审计规则会报告该程序问题")
        case let .secondedAfterAsOf(date, asOf):
            return make("snapshot.futureDate", "借调起始日期 \(date) 晚于快照的数据日期 \(asOf)",
                        help: "数据日期之后的借调不应出现在快照中；检查日期是否写错")
        case .abolishedBeforeEstablished:
            return make("snapshot.dateOrder", "撤销日期早于设立日期")
        }
    }
}
