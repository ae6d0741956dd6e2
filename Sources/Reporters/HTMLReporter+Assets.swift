extension HTMLReporter {
    /// The page's style: system CJK fonts only (no web fonts), A4 when printed.
    static let style = """

    :root { --ink: #1d2733; --muted: #5b6675; --line: #d5dbe3; --head: #eef2f6; --error: #b3261e; --warning: #9a6700; --info: #1f5f99; --ok: #1e7a3c; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0 auto; max-width: 1200px; padding: 24px 28px 40px; color: var(--ink); background: #fff;
      font: 14px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "SimSun", sans-serif; }
    h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: 0.08em; }
    h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
    h3 { font-size: 15px; margin: 20px 0 8px; }
    .region { font-size: 18px; margin: 0 0 12px; }
    .region span, .id { color: var(--muted); }
    .meta { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; color: var(--muted); font-size: 13px; }
    .meta div { display: flex; gap: 6px; }
    .meta dt { font-weight: bold; }
    .meta dd { margin: 0; }
    .path { word-break: break-all; color: var(--muted); font-size: 12px; }
    .cards { display: flex; flex-wrap: wrap; gap: 10px; }
    .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 108px; }
    .card .label { display: block; color: var(--muted); font-size: 12px; }
    .card .value { font-size: 24px; font-weight: bold; }
    .card .unit { margin-left: 3px; color: var(--muted); font-size: 12px; }
    .card.bad .value, .card.sev-error .value { color: var(--error); }
    .card.sev-warning .value { color: var(--warning); }
    .card.sev-info .value { color: var(--info); }
    .card.ok .value, .clean { color: var(--ok); }
    table { width: 100%; border-collapse: collapse; margin: 4px 0 12px; }
    table.compact { width: auto; min-width: 50%; }
    th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
    thead th { background: var(--head); white-space: nowrap; }
    table.sortable thead th { cursor: pointer; user-select: none; }
    table.sortable thead th::after { content: " ⇅"; color: #9aa5b1; font-size: 11px; }
    table.sortable thead th[aria-sort="ascending"]::after { content: " ▲"; color: var(--ink); }
    table.sortable thead th[aria-sort="descending"]::after { content: " ▼"; color: var(--ink); }
    tbody th, tfoot th { font-weight: normal; text-align: left; }
    tfoot td, tfoot th { font-weight: bold; background: #f7f9fb; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    .over, td.over { color: var(--error); font-weight: bold; }
    tr.over th, tr.over td { color: var(--error); }
    .note { color: var(--muted); font-size: 13px; }
    .count { margin-left: 12px; font-weight: normal; color: var(--muted); font-size: 13px; }
    .badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; white-space: nowrap;
      -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    .badge.sev-error { background: var(--error); }
    .badge.sev-warning { background: var(--warning); }
    .badge.sev-info { background: var(--info); }
    .status { font-size: 12px; }
    tr.exempted { background: #f3f8f4; }
    tr.exempted .status { color: var(--ok); }
    tr.exemption_expired .status { color: var(--error); font-weight: bold; }
    table.findings { table-layout: fixed; }
    col.c-rule { width: 14%; } col.c-sev { width: 8%; } col.c-subject { width: 12%; } col.c-message { width: 30%; } col.c-cite { width: 24%; } col.c-exempt { width: 12%; }
    td { overflow-wrap: anywhere; }
    .evidence { margin: 4px 0 0; font-size: 12px; color: var(--muted); }
    .fid { font-size: 12px; color: var(--muted); font-family: ui-monospace, monospace; }
    .evidence div { display: inline-block; margin-right: 10px; }
    .evidence dt { display: inline; }
    .evidence dt::after { content: "："; }
    .evidence dd { display: inline; margin: 0; color: var(--ink); }
    .cites { margin: 0; padding-left: 16px; font-size: 13px; }
    .cites .unverified { color: var(--muted); }
    .key { font-size: 12px; color: var(--muted); }
    .reason { font-size: 12px; color: var(--muted); }
    .controls { display: none; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 8px 0 12px; padding: 8px 12px;
      background: var(--head); border-radius: 6px; position: sticky; top: 0; z-index: 1; }
    .js .controls { display: flex; }
    .controls input { width: 18em; }
    .controls input, .controls select { font: inherit; padding: 2px 6px; }
    #shown { color: var(--muted); font-size: 13px; }
    footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
    @page { size: A4; margin: 14mm 12mm 16mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.45; }
      h1 { font-size: 18pt; }
      h2 { font-size: 13pt; margin-top: 14pt; break-after: avoid; }
      h3 { font-size: 11pt; break-after: avoid; }
      .js .controls, #none-shown { display: none; }
      table.sortable thead th::after { content: none; }
      thead { display: table-header-group; }
      tr, .card { break-inside: avoid; }
      th, td { padding: 2pt 4pt; }
      .card .value { font-size: 14pt; }
      .path { font-size: 7.5pt; }
    }

    """

    /// Sorting and filtering, inline; it reads only the page itself.
    static let script = """

    (function () {
      'use strict';
      document.documentElement.classList.add('js');
      function key(cell) {
        var value = cell.getAttribute('data-value');
        if (value === null) { value = cell.textContent.trim(); }
        var number = Number(value);
        return value !== '' && !isNaN(number) ? number : value;
      }
      function sortBy(table, index, heading) {
        var ascending = heading.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute('aria-sort'); });
        heading.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index]), y = key(b.cells[index]);
          var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
        if (!table.tHead || !table.tBodies.length) { return; }
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading, index) {
          heading.tabIndex = 0;
          heading.title = '点击排序';
          heading.addEventListener('click', function () { sortBy(table, index, heading); });
          heading.addEventListener('keydown', function (event) {
            if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(table, index, heading); }
          });
        });
      });
      var filter = document.getElementById('filter');
      if (!filter) { return; }
      var severity = document.getElementById('severity');
      var status = document.getElementById('status');
      var shown = document.getElementById('shown');
      var none = document.getElementById('none-shown');
      var groups = document.querySelectorAll('section.group');
      var total = document.querySelectorAll('section.group tbody tr').length;
      function apply() {
        var query = filter.value.trim().toLowerCase();
        var wantSeverity = severity.value, wantStatus = status.value, visible = 0;
        Array.prototype.forEach.call(groups, function (group) {
          var title = group.querySelector('h3').textContent.toLowerCase();
          var inGroup = 0;
          Array.prototype.forEach.call(group.querySelectorAll('tbody tr'), function (row) {
            var match = (!wantSeverity || row.getAttribute('data-severity') === wantSeverity)
              && (!wantStatus || row.getAttribute('data-status') === wantStatus)
              && (!query || title.indexOf(query) >= 0 || row.textContent.toLowerCase().indexOf(query) >= 0);
            row.hidden = !match;
            if (match) { inGroup += 1; }
          });
          group.hidden = inGroup === 0;
          visible += inGroup;
        });
        shown.textContent = visible === total ? '共 ' + total + ' 项' : '显示 ' + visible + ' / ' + total + ' 项';
        none.hidden = visible !== 0;
      }
      filter.addEventListener('input', apply);
      severity.addEventListener('change', apply);
      status.addEventListener('change', apply);
    })();

    """
}
