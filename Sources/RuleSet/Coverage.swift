import Catalog
import Schema

/// Which articles of each catalogued regulation the rules check, which the catalogue
/// marks not checkable on snapshot data (with the reason), and which are neither (open).
public struct Coverage: Sendable {
    public enum Status: Sendable, Equatable {
        case checked(rules: [String])
        case notCheckable(reason: String)
        case open

        public var label: String {
            switch self {
            case .checked: "已有规则"
            case .notCheckable: "不可检查"
            case .open: "待编写"
            }
        }

        public var key: String {
            switch self {
            case .checked: "checked"
            case .notCheckable: "not_checkable"
            case .open: "open"
            }
        }
    }

    public struct Entry: Sendable {
        public var article: Article
        public var status: Status
    }

    public struct RegulationCoverage: Sendable {
        public var regulation: Regulation
        public var entries: [Entry]

        public var checked: Int { entries.filter { if case .checked = $0.status { true } else { false } }.count }
        public var notCheckable: Int { entries.filter { if case .notCheckable = $0.status { true } else { false } }.count }
        public var open: Int { entries.filter { $0.status == .open }.count }
    }

    public var regulations: [RegulationCoverage]

    public init(ruleSet: RuleSet) {
        var citing: [String: Set<String>] = [:]
        for rule in ruleSet.rules {
            for citation in rule.citations {
                guard case .catalog(let reference) = citation.target, let number = reference.article ?? reference.part else { continue }
                let versions = reference.version.map { [$0] } ?? ruleSet.catalog.regulations(key: reference.source).map { $0.version ?? "" }
                for version in versions {
                    citing["\(reference.source)@\(version)#\(number)", default: []].insert(rule.id)
                }
            }
        }
        regulations = ruleSet.catalog.allRegulations.map { regulation in
            RegulationCoverage(regulation: regulation, entries: regulation.articles.map { article in
                let key = "\(regulation.key)@\(regulation.version ?? "")#\(article.number)"
                if let rules = citing[key], !rules.isEmpty {
                    return Entry(article: article, status: .checked(rules: rules.sorted()))
                }
                if let reason = article.notCheckable {
                    return Entry(article: article, status: .notCheckable(reason: reason))
                }
                return Entry(article: article, status: .open)
            })
        }
    }

    /// Open articles of the given regulations (by key): what CI refuses.
    public func openArticles(in keys: [String]) -> [(regulation: Regulation, article: Article)] {
        regulations.filter { keys.contains($0.regulation.key) }.flatMap { coverage in
            coverage.entries.filter { $0.status == .open }.map { (coverage.regulation, $0.article) }
        }
    }

    private static func numberText(_ article: Article, _ regulation: Regulation) -> String {
        regulation.citationUnit == .part ? "第\(ChineseNumeral.format(article.number))部分" : "第\(ChineseNumeral.format(article.number))条"
    }

    private static func name(_ regulation: Regulation) -> String {
        "《\(regulation.title)》" + (regulation.version.map { "（\($0)）" } ?? "")
    }

    public func text() -> String {
        var lines: [String] = []
        for coverage in regulations {
            lines.append("\(Coverage.name(coverage.regulation)) [\(coverage.regulation.key)]：已有规则 \(coverage.checked)，不可检查 \(coverage.notCheckable)，待编写 \(coverage.open)（共 \(coverage.entries.count)）")
            for entry in coverage.entries {
                let detail: String
                switch entry.status {
                case .checked(let rules): detail = rules.joined(separator: ", ")
                case .notCheckable(let reason): detail = reason
                case .open: detail = entry.article.summary
                }
                lines.append("  \(Coverage.numberText(entry.article, coverage.regulation))  \(entry.status.label)  \(detail)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() -> OrderedJSON {
        .object([
            ("coverage", .string("v1")),
            ("regulations", .array(regulations.map { coverage in
                var members: [(String, OrderedJSON)] = [("key", .string(coverage.regulation.key))]
                if let version = coverage.regulation.version { members.append(("version", .string(version))) }
                members.append(("title", .string(coverage.regulation.title)))
                members.append(("summary", .object([("checked", .int(coverage.checked)), ("not_checkable", .int(coverage.notCheckable)),
                                                     ("open", .int(coverage.open))])))
                members.append(("articles", .array(coverage.entries.map { entry in
                    var article: [(String, OrderedJSON)] = [("number", .int(entry.article.number)), ("status", .string(entry.status.key)),
                                                            ("verified", .bool(entry.article.verified))]
                    switch entry.status {
                    case .checked(let rules): article.append(("rules", .array(rules.map { .string($0) })))
                    case .notCheckable(let reason): article.append(("reason", .string(reason)))
                    case .open: break
                    }
                    return .object(article)
                })))
                return .object(members)
            })),
        ])
    }

    /// `docs/coverage.md`.
    public func markdown() -> String {
        var lines = [
            "<!-- 由 `bianzhi coverage --format markdown` 生成，请勿手工编辑；测试会在过期时失败。 -->",
            "",
            "# 规则覆盖 · Coverage of the regulations",
            "",
            "每部法规的每一条：已有规则（哪些规则检查它）、不可检查（快照数据无法显示是否遵守，原因写在法规目录中）、待编写。",
            "CI 要求《中国共产党机构编制工作条例》(tiaoli)、国务院令第486号 (gwy486) 和第227号 (gwy227) 的每一条都已有规则或已归类。",
            "",
            "| 法规 | 已有规则 | 不可检查 | 待编写 | 共 |",
            "|---|---:|---:|---:|---:|",
        ]
        for coverage in regulations {
            lines.append("| \(Coverage.name(coverage.regulation)) `\(coverage.regulation.key)` | \(coverage.checked) | \(coverage.notCheckable) | \(coverage.open) | \(coverage.entries.count) |")
        }
        for coverage in regulations {
            lines.append("")
            lines.append("## \(Coverage.name(coverage.regulation)) `\(coverage.regulation.key)`")
            lines.append("")
            lines.append("| 条 | 状态 | 规则或理由 | 核实 |")
            lines.append("|---|---|---|---|")
            for entry in coverage.entries {
                let detail: String
                switch entry.status {
                case .checked(let rules): detail = rules.map { "[\($0)](rules/README.md)" }.joined(separator: " ")
                case .notCheckable(let reason): detail = reason.replacingOccurrences(of: "|", with: "｜").replacingOccurrences(of: "\n", with: " ")
                case .open: detail = "—"
                }
                lines.append("| \(Coverage.numberText(entry.article, coverage.regulation)) | \(entry.status.label) | \(detail) | \(entry.article.verified ? "已核实" : "待核") |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
