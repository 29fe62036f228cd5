// report.html: one self-contained page (inline CSS, SVG and a few lines of script; nothing is
// fetched) rendered from report.json and the run's evidence files. Sections: the verdict, key
// figures, the topology, the assertions, the failover timeline, FDB tables before and after,
// reachability matrices, MTUs, captures, phase timings, and every evidence file.
// The FDB and captures sections are html-fdb.ts and html-captures.ts; a matrix too big to draw
// probe by probe is matrix-summary.ts; the sizes past which a section summarises, limits.ts.
import type { PingResult } from '../probes/ping.js';
import type { AssertionResult } from '../assert/types.js';
import type { RunReport } from './types.js';
import type { RunEvidence } from './evidence.js';
import { buildDirectory, type Directory } from './directory.js';
import { fileLink, fmtBytes, fmtMs, html, join, raw, type Raw } from './html-util.js';
import { topologySvg } from './svg-topology.js';
import { timelineStats, timelineSvg } from './svg-timeline.js';
import { phasesSvg } from './svg-phases.js';
import { CSS, SCRIPT } from './style.js';
import * as ip from '../core/ipv4.js';
import { expectedFailure } from './verdict.js';
import { fdbSection } from './html-fdb.js';
import { capturesSection } from './html-captures.js';
import { summarisedMatrix } from './matrix-summary.js';
import { MATRIX_CELLS_DRAWN, MTU_HOSTS_FULL, MTU_HOSTS_LISTED, TEXT_INLINE_CHARS } from './limits.js';

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
  if (m.failoverOutageMs !== undefined) card('failover outage', m.failoverOutageMs < 0 ? 'never recovered' : fmtMs(m.failoverOutageMs), ev.outage ? `${ev.outage.data.failover.from} → ${ev.outage.data.failover.to}` : '', m.failoverOutageMs < 0 ? 'bad' : '');
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
<div class="panel">${raw(topologySvg(report, { ...(ev.outage ? { failover: ev.outage.data.failover } : {}), ...trafficGroupSeen(ev) }))}</div>`;
}

/**
 * traffic-group-1 as the units last reported themselves: the unit that lists a floating self IP
 * (or, with none anywhere, the one that says ACTIVE) holds it. Nothing when no unit was observed.
 */
function trafficGroupSeen(ev: RunEvidence): { trafficGroup?: { holder?: string; floatingSelfIps: { address: string; vlan: string }[]; source: string } } {
  const last = ev.units[ev.units.length - 1];
  if (!last || last.data.length === 0) return {};
  const withFloating = last.data.find((u) => (u.selfIps ?? []).some((x) => x.floating));
  const holder = withFloating ?? last.data.find((u) => u.failoverStatus === 'ACTIVE');
  const floatingSelfIps = (withFloating?.selfIps ?? []).filter((x) => x.floating).map((x) => ({ address: x.address, vlan: x.vlan }));
  const how = withFloating ? 'lists the floating self IPs' : 'says ACTIVE and no unit lists a floating self IP';
  return { trafficGroup: { holder: holder?.unit, floatingSelfIps, source: `${last.path} (${holder ? `${holder.unit} ${how}` : 'no unit says ACTIVE'})` } };
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

// ---- reachability ----

function reachabilitySection(ev: RunEvidence, dir: Directory): Raw | undefined {
  if (ev.matrices.length === 0) return undefined;
  const names = [...new Set(ev.matrices.flatMap((m) => Object.keys(m.data)))];
  const blocks: Raw[] = [];
  for (const name of names) {
    const versions = ev.matrices.filter((m) => m.data[name]);
    const first = versions[0]?.data[name] ?? [];
    const bytes = (path: string) => ev.files.find((f) => f.path === path)?.bytes;
    const tables = versions.map((m, i) =>
      m.data[name]!.length > MATRIX_CELLS_DRAWN
        ? summarisedMatrix({ name, label: m.label, path: m.path, bytes: bytes(m.path) }, m.data[name]!, dir, i > 0 ? first : undefined)
        : matrixTable(name, m.label, m.data[name]!, dir, i > 0 ? first : undefined),
    );
    const ok = versions.every((m) => m.data[name]!.every((p) => p.ok));
    blocks.push(html`<div class="panel matrix-group" id="matrix-${name}"><h3>${name} <span class="pill ${ok ? 'ok' : 'bad'}">${ok ? 'all replied' : 'no reply from some'}</span></h3><div class="matrices">${tables}</div></div>`);
  }
  const total = ev.matrices.reduce((s, m) => s + Object.values(m.data).reduce((x, l) => x + l.length, 0), 0);
  const bad = ev.matrices.reduce((s, m) => s + Object.values(m.data).reduce((x, l) => x + l.filter((p) => !p.ok).length, 0), 0);
  const summarised = ev.matrices.some((m) => Object.values(m.data).some((l) => l.length > MATRIX_CELLS_DRAWN));
  return html`<h2>Reachability <span class="count">${total - bad}/${total} replies</span></h2>
<p class="lead">One ICMP echo per cell, from the row's host to the column's address${ev.matrices.length > 1 ? `, at each snapshot (${ev.matrices.map((m) => m.label).join(', ')}); a cell outlined in amber differs from the first snapshot` : ''}. ✓ shows the RTT; ✗ has fping's own summary as a tooltip.${summarised ? ` A matrix of more than ${MATRIX_CELLS_DRAWN} probes is summarised: one square for all the probes from one node's hosts to another node's addresses (green all replied, red none, amber some), the probes without a reply listed, and every probe in its evidence file.` : ''}</p>
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
  const perHost = hosts.map((h) => {
    let hostBad = 0;
    let planned = 0;
    const links = h.links.filter((l) => l.name !== 'lo');
    const chips = links
      .map((l) => {
        const want = expect(h.host, l.name, l.kind);
        const bad = want !== undefined && want !== l.mtu;
        if (want !== undefined) planned++;
        if (bad) hostBad++;
        if (bad) mismatches++;
        const tip = `${h.host} ${l.name}${l.kind ? ` (${l.kind})` : ''}${l.master ? ` in ${l.master}` : ''}: MTU ${l.mtu}${want !== undefined ? `, expected ${want}` : ''}`;
        return html`<span class="mtu-if ${want === undefined ? '' : bad ? 'bad' : 'ok'}" title="${tip}">${l.name} <b>${l.mtu}</b>${bad ? ` ≠ ${want}` : ''}</span>`;
      });
    return { host: h.host, kind: dir.kind(h.host), links: links.length, planned, bad: hostBad, row: html`<tr><td class="mono">${h.host}</td><td class="muted">${dir.kind(h.host)}</td><td>${chips}</td></tr>` };
  });
  // Past MTU_HOSTS_FULL hosts: a count per kind, and only the hosts that differ from the plan.
  const mtuSummarised = perHost.length > MTU_HOSTS_FULL;
  const listed = mtuSummarised ? perHost.filter((h) => h.bad > 0).slice(0, MTU_HOSTS_LISTED) : perHost;
  const rows = listed.map((h) => h.row);
  const kinds = [...new Set(perHost.map((h) => h.kind))];
  const snapshotFiles = [...new Set([...ev.snapshots.map((x) => x.path), ...ev.units.map((x) => x.path)])];
  const mtuSummary = mtuSummarised
    ? html`<div class="panel mtu-summary" id="mtu-summary" data-hosts="${perHost.length}" data-listed="${listed.length}"><table class="mtu-counts"><thead><tr><th>kind</th><th>hosts</th><th>interfaces</th><th>with a planned MTU</th><th>not as planned</th></tr></thead><tbody>${kinds.map((k) => {
        const of = perHost.filter((h) => h.kind === k);
        const bad = of.reduce((n, h) => n + h.bad, 0);
        return html`<tr${bad ? raw(' class="bad"') : ''}><td>${k}</td><td>${of.length}</td><td>${of.reduce((n, h) => n + h.links, 0)}</td><td>${of.reduce((n, h) => n + h.planned, 0)}</td><td>${bad}</td></tr>`;
      })}</tbody></table>
<p class="note">Above ${MTU_HOSTS_FULL} hosts the table below lists only hosts with an interface not as planned${perHost.filter((h) => h.bad > 0).length > listed.length ? ` (the first ${listed.length} of ${perHost.filter((h) => h.bad > 0).length})` : ''}${listed.length ? '' : ': there are none'}. Not on this page: the other hosts' interfaces; every interface is in ${join(snapshotFiles.map((p) => fileLink(p)), ', ')}.</p></div>`
    : '';
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
${mtuSummary}${rows.length ? html`<div class="panel"><table class="mtu" id="mtu-table"><thead><tr><th>host</th><th>kind</th><th>interfaces (MTU)</th></tr></thead><tbody>${rows}</tbody></table></div>` : ''}
${pmtuRows.length ? html`<div class="panel"><h4 class="muted">Path MTU: the largest DF ping that fits crosses the overlay, one byte more does not</h4><table class="pmtu"><thead><tr><th>from</th><th>to</th><th>fits</th><th>one byte more</th><th></th><th>evidence</th></tr></thead><tbody>${pmtuRows}</tbody></table></div>` : ''}`;
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
${texts.map((t) => html`<details><summary>${t.path}</summary><pre>${t.text.length > TEXT_INLINE_CHARS ? `${t.text.slice(0, TEXT_INLINE_CHARS)}\n… ${t.text.length - TEXT_INLINE_CHARS} more characters in ${t.path}` : t.text}</pre></details>`)}</div>`;
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

