import AuditEngine
import Catalog
import RuleSet
import Schema
import Statistics

/// The report an inspector reads in a browser and prints: one self-contained HTML file in Chinese
/// (inline style and script, no network access), with a summary, the region's staffing statistics,
/// and the findings per institution with citation, evidence and exemption. Tables sort by a click on
/// a heading; findings filter by text, severity and status; it prints on A4.
///
/// Every value taken from the snapshot or the rules is escaped: a name like `<script>…</script>` shows as text.
public struct HTMLReporter: Reporter {
    public var context: ReportContext

    public init(context: ReportContext) {
        self.context = context
    }

    public func render(_ report: AuditReport) -> String {
        var sink = ByteSink()
        write(report, into: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Writes the page into `sink` a part at a time, handing it on after each institution's findings: a large report
    /// never exists whole in memory.
    public func write(_ report: AuditReport, into sink: inout ByteSink) {
        let title = "机构编制审计报告 · \(report.regionName)（\(report.regionCode)）"
        HTMLReporter.append("""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
        <meta name="generator" content="bianzhi \(h(context.toolVersion))">
        <title>\(h(title))</title>
        <style>\(HTMLReporter.style)</style>
        </head>
        <body>

        """, to: &sink)
        HTMLReporter.append(header(report), to: &sink)
        HTMLReporter.append("<main>\n", to: &sink)
        HTMLReporter.append(summary(report), to: &sink)
        HTMLReporter.append(statisticsSection(), to: &sink)
        sink.flushIfFull()
        findings(report, into: &sink)
        HTMLReporter.append(failures(report), to: &sink)
        HTMLReporter.append("</main>\n", to: &sink)
        HTMLReporter.append("<footer>由 bianzhi \(h(context.toolVersion)) 生成于 \(h(context.generatedAt))。本报告是一个独立文件，打开时不访问网络。</footer>\n", to: &sink)
        HTMLReporter.append("<script>\(HTMLReporter.script)</script>\n</body>\n</html>\n", to: &sink)
        sink.flushIfFull()
    }

    private static func append(_ text: String, to sink: inout ByteSink) {
        sink.bytes.append(contentsOf: text.utf8)
    }

    private func h(_ text: String) -> String { Markup.escape(text) }

    // MARK: Header and summary

    private func header(_ report: AuditReport) -> String {
        """
        <header>
        <h1>机构编制审计报告</h1>
        <p class="region">\(h(report.regionName))<span>（\(h(report.regionCode))）</span></p>
        <dl class="meta">
        \(report.dataDate.map { "<div><dt>审计基准日</dt><dd>\(h(report.asOf.description))</dd></div><div><dt>快照数据日期</dt><dd>\(h($0.description))</dd></div>" } ?? "<div><dt>数据日期</dt><dd>\(h(report.asOf.description))</dd></div>")
        <div><dt>适用规则</dt><dd>\(report.rulesApplied) 条（规则包：\(h(report.packs.joined(separator: "、")))）</dd></div>
        <div><dt>快照</dt><dd class="path">\(h(report.snapshotPath))</dd></div>
        <div><dt>生成时间</dt><dd>\(h(context.generatedAt))</dd></div>
        </dl>
        </header>

        """
    }

    private func summary(_ report: AuditReport) -> String {
        // Counted in place: a province has tens of thousands of findings, and a filtered copy of them is megabytes.
        let findings = report.findings
        let counted = findings.count { $0.status.counts }
        let exempted = findings.count { $0.status == .exempted }
        let expired = findings.count { $0.status == .exemptionExpired }
        var html = "<section id=\"summary\">\n<h2>一、摘要</h2>\n<div class=\"cards\">\n"
        html += card("审计对象", report.subjects, "个", kind: "")
        html += card("违规", counted, "项", kind: counted == 0 ? "ok" : "bad")
        for severity in [RuleSeverity.error, .warning, .info] {
            html += card(severity.label, findings.count { $0.status.counts && $0.severity == severity }, "项", kind: "sev-\(severity.rawValue)")
        }
        html += card("已批准例外", exempted, "项", kind: "")
        if expired > 0 { html += card("例外已过期", expired, "项", kind: "bad") }
        if !report.failures.isEmpty { html += card("计算未完成", report.failures.count, "项", kind: "bad") }
        html += "</div>\n"
        if counted == 0 {
            html += "<p class=\"clean\">未发现违规。</p>\n"
        }

        // By rule.
        var byRule: [(id: String, title: String, severity: RuleSeverity, violations: Int, exempted: Int)] = []
        var ruleIndex: [String: Int] = [:]
        for finding in report.findings {
            if let index = ruleIndex[finding.ruleID] {
                if finding.status.counts { byRule[index].violations += 1 } else { byRule[index].exempted += 1 }
            } else {
                ruleIndex[finding.ruleID] = byRule.count
                byRule.append((finding.ruleID, finding.title, finding.severity, finding.status.counts ? 1 : 0, finding.status.counts ? 0 : 1))
            }
        }
        byRule.sort { $0.id < $1.id }
        if !byRule.isEmpty {
            html += "<h3>按规则</h3>\n<table class=\"sortable compact\"><thead><tr><th>规则</th><th>标题</th><th>级别</th><th class=\"num\">违规</th><th class=\"num\">已批准例外</th></tr></thead><tbody>\n"
            for rule in byRule {
                html += "<tr><td>\(h(rule.id))</td><td>\(h(rule.title))</td><td data-value=\"\(rank(rule.severity))\">\(badge(rule.severity))</td>"
                html += "<td class=\"num\">\(rule.violations)</td><td class=\"num\">\(rule.exempted)</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }

        // By regulation and article.
        var articleCounts: [String: Int] = [:]
        for finding in findings where finding.status.counts {
            var seen = Set<String>()
            for citation in finding.citations {
                let key = HTMLReporter.articleKey(citation)
                guard seen.insert(key).inserted else { continue }
                articleCounts[key, default: 0] += 1
            }
        }
        var byArticle = articleCounts.map { (text: $0.key, count: $0.value) }
        byArticle.sort { $0.count != $1.count ? $0.count > $1.count : $0.text < $1.text }
        if !byArticle.isEmpty {
            html += "<h3>按违反的法规条款</h3>\n<table class=\"sortable compact\"><thead><tr><th>条款</th><th class=\"num\">违规</th></tr></thead><tbody>\n"
            for article in byArticle {
                html += "<tr><td>\(h(article.text))</td><td class=\"num\">\(article.count)</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }

        // By category of institution.
        var categoryTotals: [String: (violations: Int, institutions: Set<String>)] = [:]
        // The categories of the institutions that have violations only, not of every institution of the province.
        var needed = Set<String>()
        for finding in findings where finding.status.counts {
            switch finding.subject.kind {
            case .institution, .person, .event: needed.insert(finding.subject.owner.id)
            case .region, .coordinationBody: break
            }
        }
        var categories: [String: String] = [:]
        if let rows = context.statistics?.institutions, !needed.isEmpty {
            for index in rows.indices {
                let id = rows.id(at: index)
                if categories[id] == nil, needed.contains(id) { categories[id] = rows.category(at: index) }
            }
        }
        for finding in findings where finding.status.counts {
            let label = HTMLReporter.category(of: finding.subject, in: categories)
            categoryTotals[label, default: (0, [])].violations += 1
            categoryTotals[label, default: (0, [])].institutions.insert(finding.subject.owner.id)
        }
        var byCategory = categoryTotals.map { (label: $0.key, violations: $0.value.violations, institutions: $0.value.institutions) }
        byCategory.sort { $0.violations != $1.violations ? $0.violations > $1.violations : $0.label < $1.label }
        if !byCategory.isEmpty {
            html += "<h3>按机构类别</h3>\n<table class=\"sortable compact\"><thead><tr><th>机构类别</th><th class=\"num\">违规</th><th class=\"num\">涉及对象</th></tr></thead><tbody>\n"
            for row in byCategory {
                html += "<tr><td>\(h(row.label))</td><td class=\"num\">\(row.violations)</td><td class=\"num\">\(row.institutions.count)</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        return html + "</section>\n"
    }

    private func card(_ label: String, _ value: Int, _ unit: String, kind: String) -> String {
        "<div class=\"card \(kind)\"><span class=\"label\">\(h(label))</span><span class=\"value\">\(value)</span><span class=\"unit\">\(h(unit))</span></div>\n"
    }

    /// Citations grouped by regulation and article; each institution's own 三定 规定 counts as one source.
    static func articleKey(_ citation: ResolvedCitation) -> String {
        switch citation.source {
        case "sanding":
            return "各机构三定规定" + (citation.article.map { "第\(ChineseNumeral.format($0))条" } ?? "")
        case "region_limits":
            return citation.title
        default:
            return citation.text
        }
    }

    /// The category of institution a finding counts under; `categories` maps institution ids to category labels.
    private static func category(of subject: Subject, in categories: [String: String]) -> String {
        switch subject.kind {
        case .region: "地区"
        case .coordinationBody: "议事协调机构"
        case .institution, .person, .event: categories[subject.owner.id] ?? "机构"
        }
    }

    // MARK: Staffing statistics

    private func statisticsSection() -> String {
        var html = "<section id=\"statistics\">\n<h2>二、编制统计</h2>\n"
        guard let statistics = context.statistics else {
            return html + "<p>未提供快照的编制统计。</p>\n</section>\n"
        }
        html += "<p class=\"note\">统计 \(statistics.institutionCount) 个机构（不含数据日期前已撤销的机构）。空编、超编按机构逐个计算后合计。</p>\n"
        html += "<h3>编制</h3>\n<table class=\"sortable compact\"><thead><tr><th>编制类型</th><th class=\"num\">核定编制</th><th class=\"num\">实有人员</th>"
        html += "<th class=\"num\">空编</th><th class=\"num\">超编</th><th class=\"num\">使用率</th></tr></thead><tbody>\n"
        for (kind, count) in zip(StaffingStatistics.establishmentKinds, statistics.establishments) {
            html += countRow(kind.label, count, rate: true)
        }
        html += "</tbody><tfoot>\n" + countRow("合计", statistics.totalStaffing, rate: true)
        html += "<tr><th scope=\"row\">编外人员</th><td class=\"num\">—</td><td class=\"num\">\(statistics.unestablished)</td><td></td><td></td><td></td></tr>\n"
        html += "</tfoot></table>\n"

        html += "<h3>领导职数</h3>\n<table class=\"sortable compact\"><thead><tr><th>职务</th><th class=\"num\">核定职数</th><th class=\"num\">实配</th>"
        html += "<th class=\"num\">空缺</th><th class=\"num\">超配</th><th class=\"num\">使用率</th></tr></thead><tbody>\n"
        for (kind, count) in zip(StaffingStatistics.leadershipKinds, statistics.leadership) {
            html += countRow(kind.label, count, rate: true)
        }
        html += "</tbody></table>\n"

        html += "<h3>限额使用</h3>\n<table class=\"compact\"><thead><tr><th>限额</th><th class=\"num\">核定</th><th class=\"num\">已用</th>"
        html += "<th class=\"num\">剩余</th><th>计数口径</th></tr></thead><tbody>\n"
        for limit in statistics.limits {
            let remaining = limit.limit.map { String($0 - limit.used) } ?? "—"
            html += "<tr\(limit.exceeded ? " class=\"over\"" : "")><th scope=\"row\">\(h(limit.label))</th>"
            html += "<td class=\"num\">\(limit.limit.map(String.init) ?? "未核定")</td><td class=\"num\">\(limit.used)</td>"
            html += "<td class=\"num\">\(remaining)</td><td>\(h(limit.counts))</td></tr>\n"
        }
        html += "</tbody></table>\n"

        html += "<h3>按机构类别</h3>\n<table class=\"sortable compact\"><thead><tr><th>机构类别</th><th class=\"num\">机构数</th><th class=\"num\">核定编制</th>"
        html += "<th class=\"num\">实有人员</th><th class=\"num\">空编</th><th class=\"num\">超编</th><th class=\"num\">编外人员</th></tr></thead><tbody>\n"
        for category in statistics.categories {
            html += "<tr><td>\(h(category.label))</td><td class=\"num\">\(category.institutions)</td><td class=\"num\">\(category.staffing.approved)</td>"
            html += "<td class=\"num\">\(category.staffing.actual)</td><td class=\"num\">\(category.staffing.vacant)</td>"
            html += "<td class=\"num\(category.staffing.excess > 0 ? " over" : "")\">\(category.staffing.excess)</td><td class=\"num\">\(category.unestablished)</td></tr>\n"
        }
        html += "</tbody></table>\n"

        let over = statistics.institutions.filter { $0.totalStaffing.excess > 0 || $0.leadership.contains { $0.excess > 0 } }
        if !over.isEmpty {
            html += "<h3>超编或超职数的机构</h3>\n<table class=\"sortable compact\"><thead><tr><th>机构</th><th>类别</th><th class=\"num\">核定编制</th>"
            html += "<th class=\"num\">实有人员</th><th class=\"num\">超编</th><th class=\"num\">领导职数</th><th class=\"num\">实配领导</th><th class=\"num\">超配</th></tr></thead><tbody>\n"
            for institution in over {
                let staffing = institution.totalStaffing
                let leaders = institution.leadership.reduce(StaffingStatistics.Count(), +)
                html += "<tr><td>\(h(institution.name))<span class=\"id\">（\(h(institution.id))）</span></td><td>\(h(institution.category))</td>"
                html += "<td class=\"num\">\(staffing.approved)</td><td class=\"num\">\(staffing.actual)</td><td class=\"num\(staffing.excess > 0 ? " over" : "")\">\(staffing.excess)</td>"
                html += "<td class=\"num\">\(leaders.approved)</td><td class=\"num\">\(leaders.actual)</td><td class=\"num\(leaders.excess > 0 ? " over" : "")\">\(leaders.excess)</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        return html + "</section>\n"
    }

    private func countRow(_ label: String, _ count: StaffingStatistics.Count, rate: Bool) -> String {
        var rateText = "—"
        if count.approved > 0 {
            let permille = count.actual * 1000 / count.approved
            rateText = "\(permille / 10).\(permille % 10)%"
        }
        return "<tr><th scope=\"row\">\(h(label))</th><td class=\"num\">\(count.approved)</td><td class=\"num\">\(count.actual)</td>"
            + "<td class=\"num\">\(count.vacant)</td><td class=\"num\(count.excess > 0 ? " over" : "")\">\(count.excess)</td>"
            + "<td class=\"num\">\(rate ? rateText : "")</td></tr>\n"
    }

    // MARK: Findings

    private func findings(_ report: AuditReport, into sink: inout ByteSink) {
        var html = "<section id=\"findings\">\n<h2>三、发现（按机构）</h2>\n"
        guard !report.findings.isEmpty else {
            HTMLReporter.append(html + "<p class=\"clean\">未发现违规。</p>\n</section>\n", to: &sink)
            return
        }
        html += """
        <div class="controls" role="search">
        <label>筛选 <input type="search" id="filter" placeholder="机构、规则、条款、说明……" autocomplete="off"></label>
        <label>级别 <select id="severity"><option value="">全部</option><option value="error">错误</option><option value="warning">警告</option><option value="info">提示</option></select></label>
        <label>状态 <select id="status"><option value="">全部</option><option value="violation">违规</option><option value="exempted">已批准例外</option><option value="exemption_expired">例外已过期</option></select></label>
        <span id="shown" aria-live="polite">共 \(report.findings.count) 项</span>
        </div>
        <p id="none-shown" hidden>没有符合筛选条件的发现。</p>

        """
        let groups = FindingGroup.grouping(report.findings)
        for group in groups {
            let counted = group.positions.count { report.findings[$0].status.counts }
            html += "<section class=\"group\">\n<h3>\(h(group.title))<span class=\"count\">违规 \(counted) 项"
            html += group.positions.count > counted ? "，例外 \(group.positions.count - counted) 项" : ""
            html += "</span></h3>\n"
            html += "<table class=\"sortable findings\"><colgroup><col class=\"c-rule\"><col class=\"c-sev\"><col class=\"c-subject\"><col class=\"c-message\"><col class=\"c-cite\"><col class=\"c-exempt\"></colgroup>\n"
            html += "<thead><tr><th>规则</th><th>级别与状态</th><th>对象</th><th>说明与数值</th><th>依据</th><th>例外</th></tr></thead><tbody>\n"
            for position in group.positions { html += row(report.findings[position]) }
            html += "</tbody></table>\n</section>\n"
            HTMLReporter.append(html, to: &sink)
            html = ""
            sink.flushIfFull()
        }
        HTMLReporter.append(html + "</section>\n", to: &sink)
    }

    private func row(_ finding: Finding) -> String {
        var html = "<tr data-severity=\"\(finding.severity.rawValue)\" data-status=\"\(finding.status.rawValue)\" class=\"\(finding.status.rawValue)\">"
        html += "<td data-value=\"\(h(finding.ruleID))\"><b>\(h(finding.ruleID))</b><br>\(h(finding.title))<br><span class=\"fid\" title=\"整改台账中的编号\">编号 \(h(String(finding.fingerprint.prefix(8))))</span></td>"
        html += "<td data-value=\"\(rank(finding.severity) * 10 + (finding.status.counts ? 1 : 0))\">\(badge(finding.severity))<br><span class=\"status\">\(h(finding.statusText))</span></td>"
        html += "<td>\(h(finding.subject.kindLabel)) \(h(finding.subject.id))"
        if finding.subject.kind != .institution, finding.subject.kind != .region, let name = finding.subject.name { html += "<br>\(h(name))" }
        if let key = finding.key { html += "<br><span class=\"key\">\(h(key))</span>" }
        if let location = finding.location {
            html += "<br><span class=\"path\" title=\"\(h(location.description))\">\(h(HTMLReporter.fileName(location.path))):\(location.line)</span>"
        }
        html += "</td>"
        html += "<td>\(h(finding.message))"
        if !finding.evidence.isEmpty {
            html += "<dl class=\"evidence\">"
            for item in finding.evidence {
                html += "<div><dt>\(h(item.name))</dt><dd>\(h(item.shown ?? Finding.evidenceValue(item.value)))</dd></div>"
            }
            html += "</dl>"
        }
        html += "</td><td><ul class=\"cites\">"
        for citation in finding.citations {
            html += "<li\(citation.verified ? "" : " class=\"unverified\"")>\(h(citation.text))</li>"
        }
        html += "</ul></td><td>"
        if let exemption = finding.exemption {
            html += "\(h(exemption.documentNumber))<br>有效期至 \(h(exemption.until.description))<br><span class=\"reason\">\(h(exemption.reason))</span>"
        }
        return html + "</td></tr>\n"
    }

    private func failures(_ report: AuditReport) -> String {
        guard !report.failures.isEmpty else { return "" }
        var html = "<section id=\"failures\">\n<h2>计算未完成</h2>\n<table class=\"compact\"><thead><tr><th>规则</th><th>对象</th><th>原因</th></tr></thead><tbody>\n"
        for failure in report.failures {
            html += "<tr><td>\(h(failure.ruleID))</td><td>\(h(failure.subject.id))</td><td>\(h(failure.message))</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }

    private func badge(_ severity: RuleSeverity) -> String {
        "<span class=\"badge sev-\(severity.rawValue)\">\(severity.label)</span>"
    }

    private func rank(_ severity: RuleSeverity) -> Int {
        switch severity {
        case .error: 3
        case .warning: 2
        case .info: 1
        }
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

}
