// report.html: one self-contained page (inline CSS, SVG and a few lines of script; nothing is
// fetched) rendered from report.json and the run's evidence files. Sections: the verdict, key
// figures, the topology, the assertions, the failover timeline, FDB tables before and after,
// reachability matrices, MTUs, captures, phase timings, and every evidence file.
import type { HostSnapshot } from '../probes/snapshot.js';
import type { PingResult } from '../probes/ping.js';
import type { AssertionResult } from '../assert/types.js';
import type { RunReport } from './types.js';
import type { Labelled, RunEvidence } from './evidence.js';
import { isObject } from './evidence.js';
import { buildDirectory, type Directory } from './directory.js';
import { BRIDGE_COLUMNS, TMSH_COLUMNS, diffFdb, isMulticastMac, nodeFdbRows, unitFdbRows, type FdbRow } from './fdb.js';
import { fileLink, fmtBytes, fmtMs, html, join, raw, type Raw } from './html-util.js';
import { topologySvg } from './svg-topology.js';
import { timelineStats, timelineSvg } from './svg-timeline.js';
import { phasesSvg } from './svg-phases.js';
import { CSS, SCRIPT } from './style.js';
import * as ip from '../core/ipv4.js';
import { expectedFailure, failoverOutcome, outageText } from './verdict.js';

export interface HtmlOptions {
  /** When the page was rendered (default: now). */
  generatedAt?: Date;
}

const VERDICT: Record<RunReport['status'], { word: string; say: (r: RunReport, failed: number) => string }> = {
  passed: { word: 'PASSED', say: (r) => `all ${r.assertions.length} assertions passed` },
  failed: { word: 'FAILED', say: (r, failed) => (failed ? `${failed} of ${r.assertions.length} assertions failed: ${failedIds(r)}` : r.reproduction ? 'the declared symptom did not show' : 'failed') },
  reproduced: { word: 'REPRODUCED', say: (r, failed) => `the known failure was reproduced (${failed} assertion${failed === 1 ? '' : 's'} failed as declared)` },
  'not-reproducible': { word: 'NOT REPRODUCIBLE', say: () => 'this provider cannot show the declared symptom' },
  kept: { word: 'KEPT', say: () => 'booted and left up; no check ran (`overlab check` runs them on the live testbed)' },
  error: { word: 'ERROR', say: (r) => `the harness could not run${r.error ? `: ${r.error.name}` : ''}` },
};

function failedIds(r: RunReport): string {
  const ids = r.assertions.filter((a) => a.status === 'failed').map((a) => a.id);
  return ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 4).join(', ')} and ${ids.length - 4} more`;
}

export function renderHtml(report: RunReport, ev: RunEvidence, options: HtmlOptions = {}): string {
  const allSnapshots = ev.snapshots.flatMap((s) => s.data);
  const dir = buildDirectory(report, allSnapshots);
  const failed = report.assertions.filter((a) => a.status === 'failed').length;
  const v = VERDICT[report.status] ?? VERDICT.error;

  const sections: { id: string; title: string; body: Raw }[] = [];
  const add = (id: string, title: string, body: Raw | undefined) => body && sections.push({ id, title, body });
  add('topology', 'Topology', topologySection(report, ev));
  add('assertions', 'Assertions', assertionsSection(report));
  add('timeline', 'Failover timeline', timelineSection(ev));
  add('fdb', 'FDB', fdbSection(report, ev, dir));
  add('reachability', 'Reachability', reachabilitySection(ev, dir));
  add('mtu', 'MTU', mtuSection(report, ev, dir));
  add('captures', 'Captures', capturesSection(report, ev, dir));
  add('phases', 'Phases', phasesSection(report));
  add('evidence', 'Evidence', evidenceSection(report, ev));

  const generated = (options.generatedAt ?? new Date()).toISOString();
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="overlab">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${v.word} · ${report.scenario} · run ${report.runId} · overlab</title>
<style>${raw(CSS)}</style>
</head>
<body>
<nav class="top"><span class="brand">overlab</span>${sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>
<main>
<header class="verdict v-${report.status}" id="verdict" data-status="${report.status}">
  <div class="badge">${v.word}</div>
  <div class="headline">
    <h1>${report.scenario}</h1>
    <div class="counts">${v.say(report, failed)}</div>
    <div class="sub">${report.description ? html`${report.description} · ` : ''}run <code>${report.runId}</code> on ${report.provider} · started ${report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · ${fmtMs(report.durationMs)}</div>
  </div>
</header>
${report.error ? html`<div class="alert error" id="error"><h3>${report.error.name}</h3><pre>${report.error.message}</pre></div>` : ''}
${report.kept ? html`<div class="alert kept" id="kept"><h3>The testbed was kept up</h3>drive it with <code>overlab inspect|traffic|failover|snapshot|check ${report.runId}</code>; remove it with <code>${report.kept.down}</code></div>` : ''}
${reproductionBox(report)}
${ev.problems.length ? html`<div class="alert warn"><h3>Evidence that could not be read</h3><ul>${ev.problems.map((p) => html`<li><code>${p}</code></li>`)}</ul></div>` : ''}
${cards(report, ev)}
${sections.map((s) => html`<section id="${s.id}">${s.body}</section>`)}
<footer>overlab report schema ${report.schemaVersion} · rendered ${generated} from <a href="report.json">report.json</a>${report.artifacts.junit ? html` · <a href="${report.artifacts.junit}">junit.xml</a>` : ''}${report.artifacts.bundle ? html` · bundle <a href="${report.artifacts.bundle}">${report.artifacts.bundle.replace(/^\.\.\//, '')}</a>` : ''}</footer>
</main>
<script>${raw(SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}

// ---------------------------------------------------------------------------------------------

function cards(report: RunReport, ev: RunEvidence): Raw {
  const m = report.metrics;
  const passed = report.assertions.filter((a) => a.status === 'passed').length;
  const list: Raw[] = [];
  const card = (k: string, value: string, note = '', cls = '') => list.push(html`<div class="card ${cls}"><div class="k">${k}</div><div class="v">${value}</div>${note ? html`<div class="n">${note}</div>` : ''}</div>`);
  card('assertions', `${passed}/${report.assertions.length}`, 'passed', report.assertions.length === 0 ? '' : passed === report.assertions.length ? 'good' : report.status === 'reproduced' ? '' : 'bad');
  card('run', fmtMs(report.durationMs), `${report.phases.length} phases`);
  if (m.bootMs !== undefined) card('boot', fmtMs(m.bootMs), m.testbedReadyMs !== undefined ? `ready at ${fmtMs(m.testbedReadyMs)}` : '');
  const outage = failoverOutcome(report);
  if (outage) card('failover outage', outageText(report, fmtMs)!, ev.outage ? `${ev.outage.data.failover.from} → ${ev.outage.data.failover.to}` : '', outage.recovered ? '' : 'bad');
  if (m.probesSent !== undefined) card('probes lost', `${m.probesLost ?? 0}/${m.probesSent}`, m.probesLostInGap !== undefined ? `${m.probesLostInGap} in the outage gap` : '');
  if (ev.probes) {
    const s = timelineStats(ev.probes.records);
    if (s.medianMs !== undefined) card('VIP RTT', fmtMs(s.medianMs), `median; p99 ${fmtMs(s.p99Ms)}`);
  }
  const active = report.topology.bigips.find((u) => u.haState === 'active');
  if (active) card('active unit', active.name, ev.outage ? `after failover from ${ev.outage.data.failover.from}` : '');
  if (m.teardownMs !== undefined) card('teardown', fmtMs(m.teardownMs));
  if (report.artifacts.pcaps.length) card('captures', String(report.artifacts.pcaps.length), `${report.artifacts.pcaps.reduce((s, p) => s + Math.max(0, p.packets), 0)} packets`);
  return html`<div class="cards" id="figures">${list}</div>`;
}

function reproductionBox(report: RunReport): Raw | '' {
  const r = report.reproduction;
  if (!r) return '';
  return html`<div class="alert repro" id="reproduction"><h3>Reproduction of a known failure</h3><dl>
<dt>symptom</dt><dd>${r.symptom}</dd><dt>root cause</dt><dd>${r.rootCause}</dd><dt>fix</dt><dd>${r.fix}</dd>
<dt>shows</dt><dd>${r.shows}</dd><dt>must fail</dt><dd><code>${r.expectFailed.join(', ') || '(nothing)'}</code></dd>
${r.notReproducible ? html`<dt>not on this provider</dt><dd>${r.notReproducible}</dd>` : ''}
<dt>verdict</dt><dd><b>${r.verdict}</b></dd></dl></div>`;
}

function topologySection(report: RunReport, ev: RunEvidence): Raw {
  const t = report.topology;
  const f = t.flannel;
  const lead = [
    `${t.nodes.length} node${t.nodes.length === 1 ? '' : 's'} with ${t.nodes.reduce((s, n) => s + (n.pods?.length ?? 0), 0)} pods`,
    f ? `flannel ${f.network}, ${f.device} VNI ${f.vni} udp/${f.port}, ${f.learning ? 'learning' : 'nolearning'}, ${f.bridged ? 'enslaved to cni0' : 'not bridged'}, MTU ${f.mtu}` : '',
    t.bigips.length ? `BIG-IP pair ${t.bigips.map((u) => `${u.name} (${u.haState})`).join(', ')}${t.tunnel ? `, tunnel ${t.tunnel.name} (${t.tunnel.profile}, flooding ${t.tunnel.floodingType})` : ''}` : '',
  ].filter(Boolean);
  return html`<h2>Topology</h2><p class="lead">${lead.join('; ')}.${t.bigips.length ? ' Who is active is as observed at the end of the run.' : ''}</p>
<div class="panel">${raw(topologySvg(report, ev.outage ? { failover: ev.outage.data.failover } : {}))}</div>`;
}

function family(id: string): string {
  return id.replace(/\[.*$/, '');
}

function assertionsSection(report: RunReport): Raw {
  const list = report.assertions;
  if (list.length === 0) return html`<h2>Assertions <span class="count">none</span></h2><p class="lead">${report.status === 'error' ? 'The run stopped before its assertions.' : 'This scenario judges nothing.'}</p>`;
  const failed = list.filter((a) => a.status === 'failed').length;
  const rows: Raw[] = [];
  let last = '';
  for (const a of list) {
    const fam = family(a.id);
    if (fam !== last) {
      const members = list.filter((x) => family(x.id) === fam);
      const bad = members.filter((x) => x.status === 'failed').length;
      rows.push(html`<tr class="group"><td colspan="5">${fam} <span class="muted">· ${members.length - bad}/${members.length} passed</span></td></tr>`);
      last = fam;
    }
    rows.push(assertionRow(a, report));
  }
  return html`<h2>Assertions <span class="count">${list.length - failed} passed, ${failed} failed</span></h2>
<p class="lead">Each assertion is a pure function of the evidence files it names: open them to see what it read.</p>
<div class="panel"><div class="filters"><button type="button" class="on" data-filter="all">All ${list.length}</button><button type="button" data-filter="failed">Failed ${failed}</button><button type="button" data-filter="passed">Passed ${list.length - failed}</button></div>
<table class="assertions" id="assertion-table"><colgroup><col class="c-status"><col class="c-id"><col class="c-exp"><col class="c-act"><col class="c-ev"></colgroup><thead><tr><th>status</th><th>assertion</th><th>expected</th><th>actual</th><th>evidence</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function assertionRow(a: AssertionResult, report: RunReport): Raw {
  const xfail = a.status === 'failed' && expectedFailure(report, a.id);
  const pill = xfail ? html`<span class="pill xfail" title="part of the declared symptom">FAILED as declared</span>` : html`<span class="pill ${a.status}">${a.status === 'passed' ? 'PASS' : 'FAIL'}</span>`;
  return html`<tr class="${a.status}" data-status="${a.status}" id="a-${a.id.replace(/[^A-Za-z0-9_-]+/g, '-')}"><td>${pill}</td><td class="id"><code>${a.id}</code><div class="title">${a.title}</div></td><td class="exp">${a.expected}</td><td class="act">${a.actual}</td><td class="ev">${join(a.evidence.map((p) => fileLink(p, p.replace(/^evidence\//, ''))), '<br>')}</td></tr>`;
}

function timelineSection(ev: RunEvidence): Raw | undefined {
  if (!ev.probes) return undefined;
  const svg = timelineSvg(ev.probes.records, ev.outage?.data);
  if (!svg) return undefined;
  const s = timelineStats(ev.probes.records);
  const o = ev.outage?.data;
  const lead = o
    ? `${s.sent} UDP probes through the VIP, one every ${o.intervalMs} ms; ${s.lost} lost. Failover ${o.failover.from} → ${o.failover.to} took ${fmtMs(o.failover.durationMs)} to command; ${o.recovered ? `traffic recovered after an outage of ${fmtMs(o.outageMs)} (${o.lostInGap} probe${o.lostInGap === 1 ? '' : 's'} lost in the gap).` : 'traffic never recovered.'}`
    : `${s.sent} UDP probes through the VIP; ${s.lost} lost.`;
  return html`<h2>Failover timeline</h2><p class="lead">${lead} Median RTT ${fmtMs(s.medianMs)}, p99 ${fmtMs(s.p99Ms)}, max ${fmtMs(s.maxMs)}. Hover a mark for its details.</p>
<div class="panel">${raw(svg)}<p class="note">From ${fileLink(ev.probes.path)}${ev.outage ? html` and ${fileLink(ev.outage.path)}` : ''}.</p></div>`;
}

// ---- FDB ----

function fdbSection(report: RunReport, ev: RunEvidence, dir: Directory): Raw | undefined {
  // The labelled snapshots (before, after, ...): the first and the last are compared.
  const labels = [...new Set([...ev.snapshots, ...ev.units].filter((s) => s.label !== 'checks').map((s) => s.label))];
  const ordered = labels.sort((a, b) => labelIndex(ev, a) - labelIndex(ev, b));
  const chosen = ordered.length >= 2 ? [ordered[0]!, ordered[ordered.length - 1]!] : ordered.length === 1 ? [ordered[0]!] : ev.snapshots.length || ev.units.length ? ['checks'] : [];
  if (chosen.length === 0) return undefined;
  const [beforeLabel, afterLabel] = chosen.length === 2 ? chosen : [undefined, chosen[0]!];
  const nodesAt = (label: string | undefined) => ev.snapshots.find((s) => s.label === label);
  const unitsAt = (label: string | undefined) => ev.units.find((s) => s.label === label);
  // Units first (their rows from the unit's own state, in tmsh's shape), then nodes (bridge fdb show).
  const unitHosts = [...new Set([beforeLabel, afterLabel].flatMap((l) => unitsAt(l)?.data.map((u) => u.unit) ?? []))];
  const nodeHosts = [...new Set([beforeLabel, afterLabel].flatMap((l) => nodesAt(l)?.data.map((h) => h.host) ?? []))].filter((h) => dir.kind(h) === 'node');
  const rowsAt = (host: string, label: string | undefined): { rows: FdbRow[]; multicast: number } | undefined => {
    if (label === undefined) return undefined;
    if (unitHosts.includes(host)) {
      const u = unitsAt(label)?.data.find((x) => x.unit === host);
      return u && { rows: unitFdbRows(u.fdb), multicast: 0 };
    }
    const h = nodesAt(label)?.data.find((x) => x.host === host);
    return h && { rows: nodeFdbRows(h.fdb), multicast: h.fdb.filter((f) => isMulticastMac(f.mac)).length };
  };
  const cardsOut: Raw[] = [];
  let totalChanges = 0;
  for (const host of [...unitHosts, ...nodeHosts]) {
    const unit = unitHosts.includes(host);
    const b = rowsAt(host, beforeLabel);
    const a = rowsAt(host, afterLabel);
    const columns = unit ? TMSH_COLUMNS : BRIDGE_COLUMNS;
    const hiddenMc = a?.multicast ?? 0;
    const state = unit ? unitState(report, host, beforeLabel, afterLabel!, ev) : '';
    const shape = unit ? 'tmsh show net fdb' : 'bridge fdb show';
    if (beforeLabel) {
      const d = diffFdb(b?.rows ?? [], a?.rows ?? []);
      totalChanges += d.added + d.removed + d.changed;
      const chg = d.added + d.removed + d.changed === 0 ? html`<span class="chg"><span class="s">no change</span></span>` : html`<span class="chg"><span class="a">+${d.added} added</span> · <span class="r">−${d.removed} removed</span> · <span class="c">~${d.changed} changed</span></span>`;
      cardsOut.push(html`<div class="panel host" id="fdb-${host}"><h3>${host} <span class="pill muted">${shape}</span>${state ? html`<span class="pill ${state.includes('ACTIVE') ? 'ok' : 'muted'}">${state}</span>` : ''} ${chg}</h3>
<div class="grid2"><div><h4>${beforeLabel}</h4>${fdbTable(columns, d.before, dir)}</div><div><h4>${afterLabel}</h4>${fdbTable(columns, d.after, dir)}</div></div>
${hiddenMc ? html`<p class="note">${hiddenMc} kernel multicast entries (33:33:…, 01:00:5e:…) not shown.</p>` : ''}</div>`);
    } else {
      const rows = (a?.rows ?? []).map((row) => ({ row, change: 'same' as const }));
      cardsOut.push(html`<div class="panel host" id="fdb-${host}"><h3>${host} <span class="pill muted">${shape}</span></h3>${fdbTable(columns, rows, dir)}
${hiddenMc ? html`<p class="note">${hiddenMc} kernel multicast entries (33:33:…, 01:00:5e:…) not shown.</p>` : ''}</div>`);
    }
  }
  const lead = beforeLabel
    ? `Forwarding entries of every unit (as the unit reports them, in the shape of tmsh show net fdb: Dynamic yes = learned) and every node (as bridge fdb show prints them), at snapshot "${beforeLabel}" and at snapshot "${afterLabel}". Added entries are green, removed ones red and struck through, changed ones amber with their earlier value. ${totalChanges} change${totalChanges === 1 ? '' : 's'} in all.`
    : `Forwarding entries of every ${report.topology.bigips.length ? 'unit (tmsh show net fdb shape) and every ' : ''}node (bridge fdb show shape) when the checks ran.`;
  const sources = [beforeLabel, afterLabel].flatMap((l) => [nodesAt(l)?.path, unitsAt(l)?.path]).filter((p): p is string => p !== undefined);
  return html`<h2>FDB <span class="count">${unitHosts.length + nodeHosts.length} hosts</span></h2><p class="lead">${lead}</p>${cardsOut}
<p class="note">From ${join(sources.map((p) => fileLink(p)), ' and ')}${ev.tmsh.length ? html`; the tmsh text is in ${join(ev.tmsh.map((t) => fileLink(t.path)), ', ')}` : ''}.</p>`;
}

/** A label's place in the run (its snapshot phase), "checks" last. */
function labelIndex(ev: RunEvidence, label: string): number {
  const all = [...ev.snapshots, ...ev.units].map((s) => s.label);
  return label === 'checks' ? Number.MAX_SAFE_INTEGER : all.indexOf(label);
}

function unitState(report: RunReport, unit: string, beforeLabel: string | undefined, afterLabel: string, ev: RunEvidence): string {
  const now = report.topology.bigips.find((u) => u.name === unit)?.haState;
  const f = ev.outage?.data.failover;
  if (!now) return '';
  if (f && beforeLabel) {
    const was = f.from === unit ? 'active' : f.to === unit ? 'standby' : now;
    return was === now ? now.toUpperCase() : `${was.toUpperCase()} at ${beforeLabel} → ${now.toUpperCase()} at ${afterLabel}`;
  }
  return now.toUpperCase();
}

function fdbTable(columns: readonly string[], rows: readonly { row: FdbRow; change: string; was?: string[] }[], dir: Directory): Raw {
  if (rows.length === 0) return html`<p class="note">no entries</p>`;
  return html`<table class="fdb fdb-table"><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}<th>whose MAC</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr class="${r.change}" title="${r.change === 'same' ? '' : r.change}">${r.row.cells.map((c, i) => html`<td>${c}${i === r.row.cells.length - 1 && r.row.hint ? html`<span class="muted">${c ? ' ' : ''}(${r.row.hint})</span>` : ''}${r.was && r.was[i] !== c ? html`<span class="was">was ${r.was[i] || '(none)'}</span>` : ''}</td>`)}<td class="who">${dir.mac(r.row.mac) ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

// ---- reachability ----

function reachabilitySection(ev: RunEvidence, dir: Directory): Raw | undefined {
  if (ev.matrices.length === 0) return undefined;
  const names = [...new Set(ev.matrices.flatMap((m) => Object.keys(m.data)))];
  const blocks: Raw[] = [];
  for (const name of names) {
    const versions = ev.matrices.filter((m) => m.data[name]);
    const first = versions[0]?.data[name] ?? [];
    const tables = versions.map((m, i) => matrixTable(name, m.label, m.data[name]!, dir, i > 0 ? first : undefined));
    const ok = versions.every((m) => m.data[name]!.every((p) => p.ok));
    blocks.push(html`<div class="panel matrix-group" id="matrix-${name}"><h3>${name} <span class="pill ${ok ? 'ok' : 'bad'}">${ok ? 'all replied' : 'no reply from some'}</span></h3><div class="matrices">${tables}</div></div>`);
  }
  const total = ev.matrices.reduce((s, m) => s + Object.values(m.data).reduce((x, l) => x + l.length, 0), 0);
  const bad = ev.matrices.reduce((s, m) => s + Object.values(m.data).reduce((x, l) => x + l.filter((p) => !p.ok).length, 0), 0);
  return html`<h2>Reachability <span class="count">${total - bad}/${total} replies</span></h2>
<p class="lead">One ICMP echo per cell, from the row's host to the column's address${ev.matrices.length > 1 ? `, at each snapshot (${ev.matrices.map((m) => m.label).join(', ')}); a cell outlined in amber differs from the first snapshot` : ''}. ✓ shows the RTT; ✗ has fping's own summary as a tooltip.</p>
<div class="matrix-grid">${blocks}</div>
<p class="note">RTTs in ms. From ${join(ev.matrices.map((m) => fileLink(m.path)), ', ')}.</p>`;
}

/** Results by (from, to), so a cell is a lookup: a 200-pod matrix has 40,000 cells. */
const byPair = (results: readonly PingResult[] = []): Map<string, PingResult> => new Map(results.map((r) => [`${r.from}\u0000${r.to}`, r]));

function matrixTable(name: string, label: string, results: readonly PingResult[], dir: Directory, baseline?: readonly PingResult[]): Raw {
  const froms = [...new Set(results.map((r) => r.from))];
  const tos = [...new Set(results.map((r) => r.to))].sort((a, b) => ipOrder(a) - ipOrder(b));
  const cell = cellLookup(results, baseline);
  if (tos.length > 16 || froms.length > 24) return compactMatrix(name, label, results, froms, tos, dir, cell);
  const head = tos.map((to) => html`<th title="${to}">${dir.ip(to)?.replace(/^pod /, '') ?? ''}<span class="ip">${to}</span></th>`);
  const body = froms.map((from) => {
    const cells = tos.map((to) => {
      const { r, changed } = cell(from, to);
      if (!r) return html`<td class="na">·</td>`;
      return r.ok
        ? html`<td class="ok${changed}" title="${`${from} → ${to}: ${r.detail}`}">✓ ${r.rttMs !== undefined ? `${r.rttMs.toFixed(2)}` : ''}</td>`
        : html`<td class="fail${changed}" title="${`${from} → ${to}: ${r.detail}`}">✗</td>`;
    });
    return html`<tr><th class="row">${from}</th>${cells}</tr>`;
  });
  const ok = results.filter((r) => r.ok).length;
  return html`<div class="matrix-one"><h4>${label} · ${ok}/${results.length}</h4><table class="matrix" data-matrix="${name}" data-label="${label}"><thead><tr><th>from \\ to</th>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

type CellLookup = (from: string, to: string) => { r?: PingResult; changed: string };

/** A cell's probe, and ' changed' when the baseline snapshot's probe of that pair had the other outcome. */
function cellLookup(results: readonly PingResult[], baseline?: readonly PingResult[]): CellLookup {
  const now = byPair(results);
  const before = byPair(baseline);
  return (from, to) => {
    const key = `${from}\u0000${to}`;
    const r = now.get(key);
    const was = before.get(key);
    return { r, changed: r && was !== undefined && was.ok !== r.ok ? ' changed' : '' };
  };
}

/** A big matrix as a heat map: one small square per probe (details as tooltips), failures listed. */
function compactMatrix(name: string, label: string, results: readonly PingResult[], froms: string[], tos: string[], dir: Directory, cell: CellLookup): Raw {
  const ok = results.filter((r) => r.ok).length;
  const body = froms.map((from) => {
    const cells = tos.map((to) => {
      const { r, changed } = cell(from, to);
      if (!r) return html`<td class="na"></td>`;
      return html`<td class="${r.ok ? 'ok' : 'fail'}${changed}" title="${`${from} → ${to}${dir.ip(to) ? ` (${dir.ip(to)})` : ''}: ${r.ok && r.rttMs !== undefined ? `${r.rttMs} ms` : r.detail}`}"></td>`;
    });
    return html`<tr><th class="row">${from}</th>${cells}</tr>`;
  });
  const failed = results.filter((r) => !r.ok);
  return html`<div class="matrix-one"><h4>${label} · ${ok}/${results.length}</h4><table class="matrix compact" data-matrix="${name}" data-label="${label}"><thead><tr><th>from \\ to</th><th colspan="${tos.length}" class="muted">${tos.length} addresses, ${tos[0] ?? ''} … ${tos[tos.length - 1] ?? ''} (hover a square)</th></tr></thead><tbody>${body}</tbody></table>
${failed.length ? html`<p class="note">no reply: ${failed.slice(0, 20).map((f) => `${f.from} → ${f.to}`).join('; ')}${failed.length > 20 ? ` and ${failed.length - 20} more` : ''}</p>` : ''}</div>`;
}

function ipOrder(text: string): number {
  try {
    return ip.parseIp(text);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

// ---- MTU ----

function mtuSection(report: RunReport, ev: RunEvidence, dir: Directory): Raw | undefined {
  // The latest snapshot of each host (the checks' snapshot also has the pods).
  type MtuRow = { host: string; links: { name: string; mtu: number; kind?: string; master?: string }[] };
  const latest = new Map<string, MtuRow>();
  for (const s of ev.snapshots) for (const h of s.data) latest.set(h.host, h);
  // Units as their device reports them: VLANs and tunnels.
  for (const s of ev.units) for (const u of s.data) latest.set(u.unit, { host: u.unit, links: [...(u.vlans ?? []).map((v) => ({ name: v.name, mtu: v.mtu, kind: 'vlan' })), ...u.tunnels.map((t) => ({ name: t.name, mtu: t.mtu ?? 0, kind: 'tunnel' }))] });
  if (latest.size === 0 && ev.pmtu.length === 0) return undefined;
  const t = report.topology;
  const order = { node: 0, pod: 1, unit: 2, client: 3, other: 4 } as const;
  const hosts = [...latest.values()].sort((a, b) => order[dir.kind(a.host)] - order[dir.kind(b.host)] || a.host.localeCompare(b.host));
  const expect = (host: string, ifname: string, kind?: string): number | undefined => {
    const k = dir.kind(host);
    if (k === 'node') {
      if (ifname === 'eth0') return t.underlay?.mtu;
      if (ifname === t.flannel?.device || ifname === 'cni0' || kind === 'veth') return t.flannel?.mtu;
    } else if (k === 'pod') {
      if (ifname === 'eth0') {
        const [node, pod] = host.split('.');
        return t.nodes.find((n) => n.name === node)?.pods?.find((p) => p.name === pod)?.mtu ?? t.flannel?.mtu;
      }
    } else if (k === 'unit') {
      if (ifname === 'underlay') return t.underlay?.mtu;
      if (ifname === t.tunnel?.name) return t.tunnel?.mtu;
    }
    return undefined;
  };
  let mismatches = 0;
  const rows = hosts.map((h) => {
    const chips = h.links
      .filter((l) => l.name !== 'lo')
      .map((l) => {
        const want = expect(h.host, l.name, l.kind);
        const bad = want !== undefined && want !== l.mtu;
        if (bad) mismatches++;
        const tip = `${h.host} ${l.name}${l.kind ? ` (${l.kind})` : ''}${l.master ? ` in ${l.master}` : ''}: MTU ${l.mtu}${want !== undefined ? `, expected ${want}` : ''}`;
        return html`<span class="mtu-if ${want === undefined ? '' : bad ? 'bad' : 'ok'}" title="${tip}">${l.name} <b>${l.mtu}</b>${bad ? ` ≠ ${want}` : ''}</span>`;
      });
    return html`<tr><td class="mono">${h.host}</td><td class="muted">${dir.kind(h.host)}</td><td>${chips}</td></tr>`;
  });
  const mtuAssert = report.assertions.find((a) => a.id === 'mtu');
  const pmtuRows = ev.pmtu.flatMap((p) => {
    const [fits, big] = p.data;
    if (!fits || !big) return [];
    const ok = fits.ok && !big.ok;
    return [
      html`<tr><td class="mono">${fits.from}</td><td class="mono">${fits.to} <span class="muted">${dir.ip(fits.to) ?? ''}</span></td><td>${fits.size} B ${fits.ok ? html`<span class="pill ok">crosses</span>` : html`<span class="pill bad">${fits.detail}</span>`}</td><td>${big.size} B ${big.ok ? html`<span class="pill bad">crosses (should not)</span>` : html`<span class="pill ok">refused</span> <span class="muted">${big.detail}</span>`}</td><td>${ok ? html`<span class="pill ok">PASS</span>` : html`<span class="pill bad">FAIL</span>`}</td><td>${fileLink(p.path, p.path.replace(/^evidence\//, ''))}</td></tr>`,
    ];
  });
  const planned = [t.underlay ? `underlay ${t.underlay.mtu}` : '', t.flannel ? `overlay ${t.flannel.mtu} (${t.flannel.device}, cni0, pods)` : '', t.tunnel ? `BIG-IP tunnel ${t.tunnel.mtu}` : ''].filter(Boolean).join(', ');
  return html`<h2>MTU <span class="count">${mismatches ? `${mismatches} mismatch${mismatches === 1 ? '' : 'es'}` : 'as planned'}</span></h2>
<p class="lead">Every interface's MTU as the kernel reports it${planned ? `; planned: ${planned}` : ''}. Green: as planned; red: not; grey: no plan for it.${mtuAssert ? ` The mtu assertion ${mtuAssert.status}: ${mtuAssert.actual}.` : ''}</p>
${rows.length ? html`<div class="panel"><table class="mtu" id="mtu-table"><thead><tr><th>host</th><th>kind</th><th>interfaces (MTU)</th></tr></thead><tbody>${rows}</tbody></table></div>` : ''}
${pmtuRows.length ? html`<div class="panel"><h4 class="muted">Path MTU: the largest DF ping that fits crosses the overlay, one byte more does not</h4><table class="pmtu"><thead><tr><th>from</th><th>to</th><th>fits</th><th>one byte more</th><th></th><th>evidence</th></tr></thead><tbody>${pmtuRows}</tbody></table></div>` : ''}`;
}

// ---- captures ----

function capturesSection(report: RunReport, ev: RunEvidence, dir: Directory): Raw | undefined {
  if (ev.pcaps.length === 0) return undefined;
  const size = (path: string) => ev.files.find((f) => f.path === path)?.bytes;
  const rows = ev.pcaps.map((p) => {
    const bytes = size(p.artifact.path);
    return html`<tr><td class="mono">${p.artifact.node}</td><td class="mono">${p.artifact.interface}</td><td>${p.artifact.packets >= 0 ? p.artifact.packets : '?'}</td><td>${p.exists ? fileLink(p.artifact.path) : html`<span class="muted">${p.artifact.path} (missing)</span>`}</td><td class="muted">${bytes !== undefined ? fmtBytes(bytes) : ''}</td><td>${p.summary ? fileLink(p.summary.path, 'summary') : ''}</td></tr>`;
  });
  const summaries = ev.pcaps
    .filter((p) => p.summary)
    .map((p) => html`<div class="panel pcap-summary" id="pcap-${p.artifact.node}-${p.artifact.interface}"><h3>${p.artifact.node} ${p.artifact.interface} <span class="muted">${fileLink(p.artifact.path)} · ${fileLink(p.summary!.path, 'summary')}</span></h3>${pcapSummaryView(p.summary!.data, dir)}</div>`);
  const total = ev.pcaps.reduce((s, p) => s + Math.max(0, p.artifact.packets), 0);
  return html`<h2>Captures <span class="count">${ev.pcaps.length} files, ${total} packets</span></h2>
<p class="lead">Underlay captures (open them with <code>tshark -d udp.port==${report.topology.flannel?.port ?? 8472},vxlan -r FILE</code> or Wireshark).${summaries.length ? '' : ' No capture summaries were written for this run.'}</p>
<div class="panel"><table class="pcaps"><thead><tr><th>host</th><th>interface</th><th>packets</th><th>file</th><th>size</th><th>summary</th></tr></thead><tbody>${rows}</tbody></table></div>
${summaries.length ? html`<div class="grid2 pcap-grid">${summaries}</div>` : ''}`;
}

interface SummaryShape {
  packets: number;
  bytes?: number;
  durationMs?: number;
  vxlanPackets?: number;
  nonVxlanPackets?: number;
  vnis?: { vni: number; packets: number }[];
  flows: { src: string; dst: string; packets: number; bytes?: number; vnis?: number[]; maxOuterIpTotalLength?: number; maxInnerFrameLength?: number; outerFragments?: number }[];
  maxOuterIpTotalLength?: number;
  maxInnerFrameLength?: number;
  truncatedPackets?: number;
  outerIpv4Fragments?: number;
  innerProtocols?: Record<string, number>;
  arp?: { inner?: { requests: number; replies: number; senders?: { ip: string; macs: string[] }[] }; outer?: { requests: number; replies: number } };
  warnings?: string[];
  examples?: string[];
}

/** A capture summary (harness/pcap/summary.ts PcapSummary) for a person; anything else as generic JSON. */
function pcapSummaryView(data: unknown, dir: Directory): Raw {
  if (!isObject(data) || typeof data.packets !== 'number' || !Array.isArray(data.flows)) return jsonView(data, 0);
  const s = data as unknown as SummaryShape;
  const head = [
    `${s.packets} packets`,
    s.bytes !== undefined ? fmtBytes(s.bytes) : '',
    s.durationMs !== undefined ? `over ${fmtMs(s.durationMs)}` : '',
    s.vxlanPackets !== undefined ? `${s.vxlanPackets} VXLAN${s.vnis?.length ? ` (${s.vnis.map((v) => `VNI ${v.vni}: ${v.packets}`).join(', ')})` : ''}` : '',
    s.nonVxlanPackets ? `${s.nonVxlanPackets} other` : '',
  ].filter(Boolean);
  const inner = s.innerProtocols ? Object.entries(s.innerProtocols).filter(([, n]) => n > 0).map(([k, n]) => `${k.toUpperCase()} ${n}`).join(' · ') : '';
  const sizes = [s.maxOuterIpTotalLength ? `largest outer IP ${s.maxOuterIpTotalLength} B` : '', s.maxInnerFrameLength ? `largest inner frame ${s.maxInnerFrameLength} B` : '', `${s.outerIpv4Fragments ?? 0} outer fragments`, s.truncatedPackets ? `${s.truncatedPackets} cut by the snap length` : ''].filter(Boolean);
  const who = (ipText: string) => dir.ip(ipText)?.replace(/ underlay( self IP)?$/, '') ?? '';
  const flows = s.flows.map(
    (f) => html`<tr><td class="mono">${f.src} <span class="muted">${who(f.src)}</span></td><td class="mono">${f.dst} <span class="muted">${who(f.dst)}</span></td><td>${f.packets}</td><td class="muted">${f.bytes !== undefined ? fmtBytes(f.bytes) : ''}</td><td class="mono">${(f.vnis ?? []).join(', ')}</td><td class="muted">${f.maxOuterIpTotalLength ?? ''}${f.maxInnerFrameLength ? ` / ${f.maxInnerFrameLength}` : ''}</td></tr>`,
  );
  const arp = s.arp?.inner;
  const notes = [...(s.warnings ?? []), ...(s.examples ?? [])];
  return html`<p class="pcap-head"><b>${head.join(' · ')}</b></p>
${inner ? html`<p class="note">inner: ${inner}${arp ? html` · ARP ${arp.requests} requests, ${arp.replies} replies${arp.senders?.length ? html` (${arp.senders.map((x) => `${x.ip} is ${x.macs.join('/')}`).join('; ')})` : ''}` : ''}</p>` : ''}
<p class="note">${sizes.join(' · ')}</p>
<table class="flows"><thead><tr><th>outer source</th><th>outer destination</th><th>packets</th><th>bytes</th><th>VNI</th><th>max outer / inner</th></tr></thead><tbody>${flows}</tbody></table>
${notes.length ? html`<details><summary>${notes.length} decoder note${notes.length === 1 ? '' : 's'}</summary><pre>${notes.join('\n')}</pre></details>` : ''}`;
}

/** Any JSON, readably: scalars as key/value, arrays of objects as tables, nested objects nested. */
export function jsonView(value: unknown, depth: number): Raw {
  if (value === null || typeof value !== 'object') return html`<code>${JSON.stringify(value)}</code>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">(none)</span>`;
    if (value.every((v) => isObject(v))) {
      const cols = [...new Set(value.flatMap((v) => Object.keys(v as object)))].slice(0, 10);
      const shown = value.slice(0, 50);
      return html`<table class="json"><thead><tr>${cols.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${shown.map((v) => html`<tr>${cols.map((c) => html`<td class="mono">${cell((v as Record<string, unknown>)[c])}</td>`)}</tr>`)}</tbody></table>${value.length > shown.length ? html`<p class="note">+${value.length - shown.length} more rows</p>` : ''}`;
    }
    return html`<code>${value.slice(0, 100).map((v) => cell(v)).join(', ')}${value.length > 100 ? ` … (+${value.length - 100})` : ''}</code>`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (depth > 2) return html`<code>${JSON.stringify(value).slice(0, 400)}</code>`;
  return html`<dl class="kv">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v !== null && typeof v === 'object' ? jsonView(v, depth + 1) : cell(v)}</dd>`)}</dl>`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// ---- phases and evidence ----

function phasesSection(report: RunReport): Raw | undefined {
  if (report.phases.length === 0) return undefined;
  const total = report.phases.reduce((s, p) => s + p.durationMs, 0);
  return html`<h2>Phases <span class="count">${report.phases.length} phases, ${fmtMs(total)}</span></h2>
<p class="lead">The scenario's steps in the order they ran; the rest of the run's ${fmtMs(report.durationMs)} is preflight, planning and writing the report.</p>
<div class="panel">${raw(phasesSvg(report.phases))}</div>`;
}

function evidenceSection(report: RunReport, ev: RunEvidence): Raw {
  // The report's own files first (their sizes change as they are written), then the evidence.
  const own = ['report.json', 'report.html', 'junit.xml'];
  const rows = [
    ...own.map((f) => html`<tr><td>${fileLink(f)}</td><td class="muted"></td><td class="muted">${describeFile(f)}</td></tr>`),
    ...ev.files.filter((f) => !own.includes(f.path)).map((f) => html`<tr><td>${fileLink(f.path)}</td><td class="muted">${fmtBytes(f.bytes)}</td><td class="muted">${describeFile(f.path)}</td></tr>`),
  ];
  const texts = [...ev.tmsh.map((t) => ({ path: t.path, text: t.data })), ...ev.nft];
  return html`<h2>Evidence <span class="count">${rows.length} files</span></h2>
<p class="lead">Everything in the run directory <code>${report.runDir}</code>; links are relative, so the directory (or its bundle) can be moved as a whole.</p>
<div class="panel"><table class="files"><thead><tr><th>file</th><th>size</th><th>what</th></tr></thead><tbody>${rows}</tbody></table>
${texts.map((t) => html`<details><summary>${t.path}</summary><pre>${t.text}</pre></details>`)}</div>`;
}

function describeFile(path: string): string {
  if (path === 'report.json') return 'the report (design.md §4 contract)';
  if (path === 'report.html') return 'this page';
  if (path === 'junit.xml') return 'JUnit XML for CI';
  if (path === 'ledger.jsonl') return 'every resource created, with its undo';
  if (/^evidence\/snapshots?(-.+)?\.json$/.test(path)) return 'links, addresses, routes, neighbours and FDB of each host (ip -j, bridge -j)';
  if (/^evidence\/reachability-.+\.json$/.test(path)) return 'ping matrices';
  if (/^evidence\/pmtu-.+\.json$/.test(path)) return 'path-MTU probes (DF pings)';
  if (/^evidence\/tmsh-.+\.txt$/.test(path)) return 'the units in tmsh shapes (failover status, net fdb, net arp)';
  if (path === 'evidence/probes.json') return 'every UDP/TCP probe through the VIP';
  if (path === 'evidence/failover-outage.json') return 'the outage window and the failover moment';
  if (/^evidence\/pcap-.+\.json$/.test(path)) return 'capture summary';
  if (/\.pcap(ng)?$/.test(path)) return 'packet capture';
  if (/^nft\//.test(path)) return 'nftables ruleset loaded into a unit';
  if (/\.png$/.test(path)) return 'screenshot';
  return '';
}

