import _BianzhiTestSupport
import Foundation
@testable import Reporters
import Testing

@Suite struct HTMLTests {
    @Test func snapshotValuesAreEscaped() throws {
        let reportCase = try ReportCase.load()
        let html = String(decoding: reportCase.render(.html), as: UTF8.self)
        #expect(!html.contains("<script>alert(1)</script>"), "the institution name must not become a script")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.components(separatedBy: "<script").count == 2, "exactly one script element: our own")
        #expect(!html.contains("=HYPERLINK(\"http"), "quotes in values are escaped")
        #expect(html.contains("=HYPERLINK(&quot;http://example.invalid&quot;,&quot;点击&quot;)"))
    }

    @Test func isSelfContained() throws {
        let reportCase = try ReportCase.load(snapshot: "Cases/qinghe-county/snapshot", rules: "Rules")
        let html = String(decoding: reportCase.render(.html), as: UTF8.self)
        for reference in [" src=", " href=", "@import", "url(", "<link", "<iframe", "<img"] {
            #expect(!html.contains(reference), "no external resource: \(reference)")
        }
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.contains("@page { size: A4"))
    }

    @Test func showsSummaryStatisticsAndFindingsInChinese() throws {
        let reportCase = try ReportCase.load()
        let html = String(decoding: reportCase.render(.html), as: UTF8.self)
        for text in ["<html lang=\"zh-CN\">", "一、摘要", "二、编制统计", "三、发现（按机构）", "按违反的法规条款", "按机构类别",
                     "空编", "超编", "领导职数", "限额使用", "示编〔2024〕7号", "《地方各级人民政府机构设置和编制管理条例》第六条第二款"] {
            #expect(html.contains(text), "\(text)")
        }
    }
}

/// The report as a person sees it: Debian's Chromium renders the bundled county's report, runs its
/// script (no network), takes a screenshot and prints it on A4.
@Suite(.serialized) struct ChromiumTests {
    static let chromium = ExternalTool.find("chromium", "chromium-browser", "google-chrome")

    static func chromiumArguments(_ extra: [String], profile: URL) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
         "--user-data-dir=" + profile.path, "--host-resolver-rules=MAP * ~NOTFOUND"] + extra
    }

    @Test(.enabled(if: chromium != nil, "Chromium is not installed (Debian: apt-get install chromium); skipped"),
          .timeLimit(.minutes(3)))
    func bundledCountyRendersInChromium() throws {
        let chromium = try #require(ChromiumTests.chromium)
        let reportCase = try ReportCase.load(snapshot: "Cases/qinghe-county/snapshot", rules: "Rules")
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try TestSupport.write(reportCase.render(.html), to: "report.html", in: directory)
        let url = URL(fileURLWithPath: page).absoluteString

        // The DOM after the page's script ran.
        let dom = try ExternalTool.run(chromium, ChromiumTests.chromiumArguments(["--dump-dom", url], profile: directory.appendingPathComponent("p1")))
        #expect(dom.status == 0, "\(dom.stderr.suffix(2000))")
        #expect(dom.stdout.contains("<html lang=\"zh-CN\" class=\"js\">"), "the inline script ran")
        for text in ["机构编制审计报告", "青禾县", "编制统计", "县交通运输局", "超编", "《地方各级人民政府机构设置和编制管理条例》第六条第二款",
                     "共 \(reportCase.report.findings.count) 项"] {
            #expect(dom.stdout.contains(text), "page text: \(text)")
        }

        // Filtering and sorting, driven by a script appended to a copy of the page.
        let probe = """
        <script>
        (function () {
          var filter = document.getElementById('filter');
          filter.value = '县交通运输局';
          filter.dispatchEvent(new Event('input'));
          var groups = Array.prototype.filter.call(document.querySelectorAll('section.group'), function (g) { return !g.hidden; }).length;
          var table = document.querySelector('#summary table.sortable');
          var heading = table.tHead.rows[0].cells[3];
          heading.click(); heading.click();
          var first = table.tBodies[0].rows[0].cells[3].textContent;
          document.body.setAttribute('data-probe', document.getElementById('shown').textContent + '|' + groups + '|' + heading.getAttribute('aria-sort') + '|' + first);
        })();
        </script>
        """
        let html = String(decoding: reportCase.render(.html), as: UTF8.self).replacingOccurrences(of: "</body>", with: probe + "</body>")
        let probed = URL(fileURLWithPath: try TestSupport.write(html, to: "probe.html", in: directory)).absoluteString
        let interactive = try ExternalTool.run(chromium, ChromiumTests.chromiumArguments(["--dump-dom", probed], profile: directory.appendingPathComponent("p0")))
        let mostViolations = Dictionary(grouping: reportCase.report.findings.filter { $0.status.counts }, by: \.ruleID).values.map(\.count).max() ?? 0
        let shownForJYJ = reportCase.report.findings.filter { $0.subject.owner.id == "QH-JYJ" }.count
        #expect(interactive.stdout.contains("data-probe=\"显示 \(shownForJYJ) / \(reportCase.report.findings.count) 项|1|descending|\(mostViolations)\""),
                "filtered to one institution, sorted by violations: \(interactive.stdout.components(separatedBy: "data-probe=").dropFirst().first?.prefix(80) ?? "no probe")")

        // A screenshot.
        let png = directory.appendingPathComponent("report.png")
        let shot = try ExternalTool.run(chromium, ChromiumTests.chromiumArguments(
            ["--window-size=1240,1754", "--screenshot=" + png.path, url], profile: directory.appendingPathComponent("p2")))
        #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
        let image = try #require(FileManager.default.contents(atPath: png.path))
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(image.count > 50_000, "a page with content, not a blank one (\(image.count) bytes)")

        // Printed: A4 pages.
        let pdf = directory.appendingPathComponent("report.pdf")
        let printed = try ExternalTool.run(chromium, ChromiumTests.chromiumArguments(
            ["--no-pdf-header-footer", "--print-to-pdf=" + pdf.path, url], profile: directory.appendingPathComponent("p3")))
        #expect(printed.status == 0, "\(printed.stderr.suffix(2000))")
        let document = String(decoding: try #require(FileManager.default.contents(atPath: pdf.path)), as: UTF8.self)
        #expect(document.range(of: #"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]"#, options: .regularExpression) != nil,
                "A4 pages (595 × 842 points)")
    }
}
