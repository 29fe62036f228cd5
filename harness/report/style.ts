// The report page's stylesheet and its one small script, inlined into report.html (nothing is
// fetched: system fonts, inline SVG, no external resources). Light and dark colour schemes.

export const CSS = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1d2330; --muted: #667085; --line: #e3e6eb; --line2: #cfd4dc;
  --pass: #1a7f37; --pass-bg: #e7f5ea; --fail: #c62828; --fail-bg: #fdecec; --warn: #9a6700; --warn-bg: #fff6da;
  --repro: #6f42c1; --repro-bg: #f1ebfb; --info: #0b63c5; --info-bg: #e8f1fc; --err: #b54708; --err-bg: #fff1e6;
  --accent: #0b63c5; --overlay: #7c3aed; --code: #f1f3f6; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
  --mono: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --panel: #171b22; --text: #e6e9ef; --muted: #98a2b3; --line: #2a303a; --line2: #3a414d;
    --pass: #4ac26b; --pass-bg: #14261a; --fail: #ff6b6b; --fail-bg: #2d1616; --warn: #e3b341; --warn-bg: #2b2411;
    --repro: #b392f0; --repro-bg: #221a33; --info: #58a6ff; --info-bg: #10233b; --err: #f0883e; --err-bg: #2e1d10;
    --accent: #58a6ff; --overlay: #a78bfa; --code: #1f242d; --shadow: none;
  }
}
* { box-sizing: border-box; }
html { scroll-behavior: smooth; scroll-padding-top: 56px; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.5 var(--sans); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
nav.top { position: sticky; top: 0; z-index: 10; display: flex; gap: 4px; align-items: center; padding: 8px 24px; background: var(--panel); border-bottom: 1px solid var(--line); box-shadow: var(--shadow); overflow-x: auto; white-space: nowrap; }
nav.top .brand { font-weight: 700; margin-right: 12px; }
nav.top a { padding: 4px 10px; border-radius: 6px; color: var(--muted); font-size: 13px; }
nav.top a:hover { background: var(--code); color: var(--text); text-decoration: none; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 60px; }
header.verdict { display: flex; flex-wrap: wrap; align-items: center; gap: 18px; padding: 20px 24px; border-radius: 14px; background: var(--panel); border: 1px solid var(--line); border-left: 8px solid var(--vcolor); box-shadow: var(--shadow); }
header.verdict .badge { font-size: 22px; font-weight: 800; letter-spacing: .04em; color: var(--vcolor); background: var(--vbg); padding: 6px 16px; border-radius: 10px; }
header.verdict h1 { margin: 0; font-size: 24px; }
header.verdict .sub { color: var(--muted); }
header.verdict .headline { flex: 1 1 400px; }
header.verdict .counts { font-size: 15px; margin-top: 2px; }
.v-passed { --vcolor: var(--pass); --vbg: var(--pass-bg); }
.v-failed { --vcolor: var(--fail); --vbg: var(--fail-bg); }
.v-reproduced { --vcolor: var(--repro); --vbg: var(--repro-bg); }
.v-not-reproducible { --vcolor: var(--info); --vbg: var(--info-bg); }
.v-kept { --vcolor: var(--info); --vbg: var(--info-bg); }
.v-error { --vcolor: var(--err); --vbg: var(--err-bg); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 16px 0 8px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 12px 14px; box-shadow: var(--shadow); }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
.card .v { font-size: 22px; font-weight: 700; margin-top: 2px; }
.card .n { color: var(--muted); font-size: 12px; }
.card.bad .v { color: var(--fail); }
.card.good .v { color: var(--pass); }
section { margin-top: 28px; }
section > h2 { font-size: 18px; margin: 0 0 4px; display: flex; align-items: baseline; gap: 10px; }
section > h2 .count { color: var(--muted); font-weight: 400; font-size: 14px; }
section > p.lead { margin: 0 0 12px; color: var(--muted); max-width: 900px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; box-shadow: var(--shadow); }
.panel + .panel { margin-top: 12px; }
.panel > h4:first-child { margin-top: 0; }
table.files td { padding: 3px 10px; }
.alert { border-radius: 12px; padding: 12px 16px; margin-top: 16px; border: 1px solid; }
.alert.error { background: var(--err-bg); border-color: var(--err); }
.alert.repro { background: var(--repro-bg); border-color: var(--repro); }
.alert.warn { background: var(--warn-bg); border-color: var(--warn); }
.alert.kept { background: var(--info-bg); border-color: var(--info); }
.alert h3 { margin: 0 0 6px; font-size: 15px; }
.alert dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
.alert dt { color: var(--muted); }
.alert dd { margin: 0; }
.chart { width: 100%; height: auto; display: block; font-family: var(--sans); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; background: var(--panel); }
tbody tr:hover td { background: var(--code); }
.pill { display: inline-block; font-size: 11.5px; font-weight: 700; padding: 1px 9px; border-radius: 99px; letter-spacing: .03em; white-space: nowrap; }
.pill.passed, .pill.ok { color: var(--pass); background: var(--pass-bg); }
.pill.bad { color: var(--fail); background: var(--fail-bg); }
.pill.failed { color: #fff; background: var(--fail); }
.pill.xfail { color: var(--repro); background: var(--repro-bg); }
.pill.muted { color: var(--muted); background: var(--code); }
table.assertions { table-layout: fixed; }
table.assertions col.c-status { width: 96px; } table.assertions col.c-id { width: 30%; } table.assertions col.c-exp { width: 22%; } table.assertions col.c-act { width: 30%; } table.assertions col.c-ev { width: 18%; }
table.assertions td.id code { font-size: 12px; font-weight: 600; overflow-wrap: anywhere; }
table.assertions td.exp, table.assertions td.act { font-size: 13px; overflow-wrap: anywhere; }
table.assertions td.ev a.file { white-space: normal; overflow-wrap: anywhere; display: inline-block; }
table.assertions tr.failed td { background: var(--fail-bg); }
table.assertions tr.failed td:first-child { box-shadow: inset 4px 0 var(--fail); }
table.assertions tr.group td { background: var(--code); font-weight: 600; font-size: 12.5px; color: var(--muted); }
table.assertions .title { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
.filters { display: flex; gap: 6px; margin: 0 0 10px; }
.filters button { font: inherit; font-size: 13px; padding: 4px 12px; border-radius: 99px; border: 1px solid var(--line2); background: var(--panel); color: var(--text); cursor: pointer; }
.filters button.on { background: var(--text); color: var(--panel); border-color: var(--text); }
a.file { font-family: var(--mono); font-size: 12px; white-space: nowrap; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
.host { margin-bottom: 14px; }
.host h3 { margin: 0 0 8px; font-size: 15px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.host h4 { margin: 0 0 6px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
table.fdb td, table.fdb th { font-family: var(--mono); font-size: 12px; padding: 3px 8px; white-space: nowrap; }
table.fdb th { font-family: var(--sans); text-transform: none; letter-spacing: 0; font-size: 12px; }
table.fdb td.who { font-family: var(--sans); color: var(--muted); white-space: normal; }
table.fdb tr.added td { background: var(--pass-bg); }
table.fdb tr.added td:first-child { box-shadow: inset 3px 0 var(--pass); }
table.fdb tr.removed td { background: var(--fail-bg); text-decoration: line-through; text-decoration-color: var(--fail); }
table.fdb tr.removed td:first-child { box-shadow: inset 3px 0 var(--fail); }
table.fdb tr.changed td { background: var(--warn-bg); }
table.fdb tr.changed td:first-child { box-shadow: inset 3px 0 var(--warn); }
table.fdb .was { display: block; color: var(--warn); font-size: 11px; }
.chg { font-size: 12px; }
.chg .a { color: var(--pass); } .chg .r { color: var(--fail); } .chg .c { color: var(--warn); } .chg .s { color: var(--muted); }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
table.matrix { width: auto; }
table.matrix th, table.matrix td { text-align: center; padding: 4px 8px; font-size: 12px; border: 1px solid var(--line); }
table.matrix th { text-transform: none; letter-spacing: 0; }
table.matrix th.row { text-align: right; font-family: var(--mono); color: var(--text); font-weight: 500; }
table.matrix th .ip { display: block; font-family: var(--mono); font-weight: 500; color: var(--text); }
table.matrix td.ok { background: var(--pass-bg); color: var(--pass); }
table.matrix td.fail { background: var(--fail-bg); color: var(--fail); font-weight: 700; }
table.matrix td.na { color: var(--line2); }
table.matrix td.changed { outline: 2px solid var(--warn); outline-offset: -2px; }
table.matrix.compact td { width: 11px; height: 11px; padding: 0; border: 1px solid var(--panel); }
table.matrix.compact td.ok { background: var(--pass); opacity: .55; }
table.matrix.compact td.fail { background: var(--fail); }
table.matrix.compact th.row { padding: 0 6px; font-size: 11px; line-height: 11px; }
.matrix-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px; }
.matrix-grid .panel + .panel { margin-top: 0; }
.matrices { display: flex; flex-wrap: wrap; gap: 18px; }
.matrix-one h4 { margin: 0 0 6px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.matrix-summary { max-width: 100%; }
.matrix-summary h5 { margin: 10px 0 4px; font-size: 12px; }
svg.matrix-groups { display: block; max-width: 100%; height: auto; margin-top: 6px; }
.mx-label { fill: var(--muted); font-size: 9px; font-family: var(--mono); }
.mx-ok { fill: var(--pass); opacity: .55; } .mx-fail { fill: var(--fail); } .mx-part { fill: var(--warn); }
.mx-changed { stroke: var(--warn); stroke-width: 1.5; }
table.probes td { font-size: 12px; }
.summary-note { color: var(--muted); font-size: 12.5px; }
.mtu-if { display: inline-block; font-family: var(--mono); font-size: 12px; border: 1px solid var(--line2); border-radius: 6px; padding: 1px 7px; margin: 2px 4px 2px 0; white-space: nowrap; }
.mtu-if b { font-weight: 700; }
.mtu-if.ok { border-color: var(--pass); }
.mtu-if.bad { border-color: var(--fail); background: var(--fail-bg); color: var(--fail); }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
details { margin-top: 8px; }
details > summary { cursor: pointer; color: var(--accent); font-size: 13px; }
pre { background: var(--code); border-radius: 8px; padding: 10px 12px; overflow-x: auto; font: 12px/1.45 var(--mono); margin: 8px 0 0; }
.pcap-grid { margin-top: 12px; }
.pcap-grid .panel + .panel { margin-top: 0; }
.pcap-summary h3 { margin: 0 0 6px; font-size: 15px; }
.pcap-summary h3 .muted { font-weight: 400; font-size: 12px; }
.pcap-head { margin: 0 0 2px; }
table.flows td, table.flows th { padding: 3px 8px; font-size: 12.5px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12.5px; text-align: center; }
.muted { color: var(--muted); }
/* SVG: topology */
.tp-box { stroke: var(--line2); stroke-width: 1.2; fill: var(--panel); }
.tp-node-box { fill: var(--panel); }
.tp-pod { fill: var(--info-bg); stroke: var(--info); stroke-opacity: .5; }
.tp-more { fill: var(--code); stroke-dasharray: 4 3; }
.tp-vtep { fill: var(--repro-bg); stroke: var(--overlay); stroke-opacity: .7; }
.tp-unit-active { stroke: var(--pass); stroke-width: 2.4; }
.tp-unit-standby { stroke: var(--line2); stroke-dasharray: 6 4; }
rect.tp-unit-active { fill: var(--panel); }
rect.tp-unit-standby { fill: var(--bg); }
.tp-badge-active { fill: var(--pass); }
.tp-badge-standby { fill: var(--muted); }
.tp-badge-text { fill: #fff; font-size: 11px; font-weight: 700; letter-spacing: .05em; }
.tp-vip { fill: var(--pass-bg); stroke: var(--pass); }
.tp-vip-text { fill: var(--pass); font-size: 12px; font-weight: 600; }
.tp-bridge { fill: var(--line2); }
.tp-link { stroke: var(--line2); stroke-width: 1.5; }
.tp-bus { stroke: var(--text); stroke-width: 4; stroke-linecap: round; }
.tp-bus-ext { stroke: var(--muted); }
.tp-bus-row { stroke-width: 2.5; }
.tp-bus-label { fill: var(--text); font-size: 12.5px; font-weight: 600; }
.tp-overlay { stroke: var(--overlay); stroke-width: 2; stroke-dasharray: 7 5; fill: none; opacity: .55; }
.tp-overlay-active { opacity: .85; }
.tp-title { fill: var(--text); font-size: 14px; font-weight: 700; }
.tp-pod-name { fill: var(--text); font-size: 12.5px; font-weight: 600; }
.tp-vtep-name { fill: var(--text); font-size: 12.5px; font-weight: 600; }
.tp-small { fill: var(--text); font-size: 11.5px; }
.tp-mono { fill: var(--text); font-size: 11.5px; font-family: var(--mono); }
.tp-muted, tspan.tp-muted { fill: var(--muted); font-weight: 400; }
.tp-legend { fill: var(--muted); font-size: 12px; }
.tp-client-box { fill: var(--code); }
.tp-node-mark { fill: var(--repro-bg); stroke: var(--overlay); stroke-opacity: .7; stroke-width: 1; }
.tp-grid-box { fill: var(--panel); }
.tp-mark-count { fill: var(--text); font-size: 8.5px; font-family: var(--mono); }
.tp-tg { fill: var(--warn-bg); stroke: var(--warn); stroke-width: 1.2; }
.tp-tg-text { fill: var(--text); font-size: 11.5px; }
.tp-float { fill: var(--warn); font-weight: 700; }
/* SVG: timeline */
.tl-bg { fill: var(--bg); }
.tl-grid { stroke: var(--line); stroke-width: 1; }
.tl-axis { stroke: var(--muted); }
.tl-band { stroke: var(--line); stroke-dasharray: 2 3; }
.tl-tick { fill: var(--muted); font-size: 11px; }
.tl-label { fill: var(--muted); font-size: 12px; }
.tl-lost-label { fill: var(--fail); font-weight: 600; }
.tl-line { fill: none; stroke: var(--accent); stroke-width: 1; opacity: .45; }
.tl-point { fill: var(--accent); }
.tl-lost { stroke: var(--fail); stroke-width: 2.2; fill: none; stroke-linecap: round; }
.tl-outage { fill: var(--fail); opacity: .14; }
.tl-outage-label { fill: var(--fail); font-size: 12.5px; font-weight: 700; }
.tl-failover { stroke: var(--overlay); stroke-width: 2; stroke-dasharray: 5 3; }
.tl-failover-cmd { fill: var(--overlay); opacity: .10; }
.tl-failover-label { fill: var(--overlay); font-size: 12.5px; font-weight: 700; }
.tl-legend { fill: var(--muted); font-size: 12px; }
.tl-tcp { stroke: var(--panel); stroke-width: 1; }
.tl-tcp.s0 { fill: #2f9e44; } .tl-tcp.s1 { fill: #e8590c; } .tl-tcp.s2 { fill: #1c7ed6; } .tl-tcp.s3 { fill: #ae3ec9; } .tl-tcp.s4 { fill: #f59f00; } .tl-tcp.s5 { fill: #0ca678; }
/* SVG: phases */
.ph-label { fill: var(--text); font-size: 12.5px; }
.ph-track { fill: var(--bg); }
.ph-bar { fill: var(--accent); }
.ph-bar.ph-error, .ph-bar.ph-failed { fill: var(--fail); }
.ph-bar.ph-skipped { fill: var(--line2); }
.ph-value { fill: var(--muted); font-size: 12px; }
.ph-axis { stroke: var(--line2); }
.ph-tick { fill: var(--muted); font-size: 11px; }
@media print { nav.top { display: none; } .panel, .card, header.verdict { box-shadow: none; } }
`;

export const SCRIPT = `
(function () {
  var table = document.getElementById('assertion-table');
  var buttons = document.querySelectorAll('.filters button');
  function apply(which) {
    if (!table) return;
    var rows = table.querySelectorAll('tbody tr');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var show = which === 'all' || (r.classList.contains('group') ? true : r.getAttribute('data-status') === which);
      r.style.display = show ? '' : 'none';
    }
    if (which !== 'all') {
      var groups = table.querySelectorAll('tbody tr.group');
      for (var g = 0; g < groups.length; g++) {
        var n = groups[g].nextElementSibling, any = false;
        while (n && !n.classList.contains('group')) { if (n.style.display !== 'none') any = true; n = n.nextElementSibling; }
        groups[g].style.display = any ? '' : 'none';
      }
    }
    for (var b = 0; b < buttons.length; b++) buttons[b].classList.toggle('on', buttons[b].getAttribute('data-filter') === which);
  }
  for (var b = 0; b < buttons.length; b++) {
    buttons[b].addEventListener('click', function (e) { apply(e.currentTarget.getAttribute('data-filter')); });
  }
})();
`;
