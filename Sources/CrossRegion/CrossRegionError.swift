import Diagnostics

/// A problem with a roster index file, at its line (and column, where one field is at fault).
public struct CrossRegionError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case unreadable(String)
        case notAnIndex
        case badHeader(String)
        case badColumns
        case fieldCount(Int)
        case badEscape
        case unknownEstablishment(String)
        case outOfOrder(previous: String, person: String)
        case notEnoughFiles
        case lineTooLong(Int)
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public var diagnostic: Diagnostic {
        switch kind {
        case .unreadable(let reason):
            return Diagnostic("index.unreadable", message: "无法读取名册索引：\(reason)", at: location)
        case .notAnIndex:
            return Diagnostic("index.signature", message: "不是名册索引文件：第一行应以 \(RosterIndex.signature) 开头", at: location,
                              help: "名册索引由 bianzhi roster-index SNAPSHOT --output FILE 生成")
        case .badHeader(let text):
            return Diagnostic("index.header", message: "名册索引第一行的 '\(text)' 无法识别，应为 as_of=YYYY-MM-DD 和 region=代码", at: location)
        case .badColumns:
            return Diagnostic("index.columns", message: "名册索引第二行应为列名：\(RosterIndex.columns.joined(separator: " "))", at: location)
        case .fieldCount(let count):
            return Diagnostic("index.fields", message: "这一行有 \(count) 个字段，应为 \(RosterIndex.columns.count) 个（以制表符分隔）", at: location)
        case .badEscape:
            return Diagnostic("index.escape", message: "字段中的反斜杠后只能是 \\\\、t、n 或 r", at: location)
        case .unknownEstablishment(let text):
            return Diagnostic("index.establishment", message: "'\(text)' 不是编制类型", at: location,
                              help: "名册索引与快照使用相同的编制类型名称，如 administrative、public_service、none")
        case let .outOfOrder(previous, person):
            return Diagnostic("index.order", message: "人员编号 '\(person)' 排在 '\(previous)' 之后，名册索引未按人员编号排序", at: location,
                              help: "用 bianzhi roster-index 重新生成，或用 LC_ALL=C sort 按第一列排序（保留前两行）")
        case .lineTooLong(let limit):
            return Diagnostic("index.lineLength", message: "这一行超过 \(limit) 字节，不是名册索引的一行", at: location,
                              help: "名册索引由 bianzhi roster-index 生成，每行五个字段")
        case .notEnoughFiles:
            return Diagnostic("index.count", message: "跨地区核查至少需要两个地区的名册索引", at: location)
        }
    }
}
