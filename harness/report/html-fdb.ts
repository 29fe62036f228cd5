// The FDB section of report.html: every unit's (tmsh show net fdb shape) and node's (bridge fdb
// show shape) forwarding entries at the first and last snapshot, changes marked. Past
// FDB_NODES_FULL nodes a row per changed node and a few tables in full; long tables are cut.
import type { RunReport } from './types.js';
import type { RunEvidence } from './evidence.js';
import type { Directory } from './directory.js';
import { BRIDGE_COLUMNS, TMSH_COLUMNS, diffFdb, isMulticastMac, nodeFdbRows, unitFdbRows, type FdbRow } from './fdb.js';
import { fileLink, html, join, raw, type Raw } from './html-util.js';
import { FDB_NODES_FULL, FDB_NODES_SAMPLED, FDB_ROWS_FULL, FDB_ROWS_SAMPLED } from './limits.js';

export function fdbSection(report: RunReport, ev: RunEvidence, dir: Directory): Raw | undefined {
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
  // Past FDB_NODES_FULL nodes: one summary row a node, and a few in full (the most changes first).
  const nodeStats = nodeHosts.map((host) => {
    const b = rowsAt(host, beforeLabel)?.rows;
    const a = rowsAt(host, afterLabel)?.rows;
    const d = beforeLabel ? diffFdb(b ?? [], a ?? []) : undefined;
    return { host, before: b?.length, after: a?.length ?? 0, added: d?.added ?? 0, removed: d?.removed ?? 0, changed: d?.changed ?? 0 };
  });
  const nodesSummarised = nodeHosts.length > FDB_NODES_FULL;
  const nodesInFull = nodesSummarised
    ? [...nodeStats].sort((x, y) => y.added + y.removed + y.changed - (x.added + x.removed + x.changed)).slice(0, FDB_NODES_SAMPLED).map((x) => x.host)
    : nodeHosts;
  if (nodesSummarised) totalChanges += nodeStats.filter((x) => !nodesInFull.includes(x.host)).reduce((n, x) => n + x.added + x.removed + x.changed, 0);
  for (const host of [...unitHosts, ...nodesInFull]) {
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
<div class="grid2"><div><h4>${beforeLabel}</h4>${fdbTable(columns, d.before, dir, (unit ? unitsAt(beforeLabel) : nodesAt(beforeLabel))?.path)}</div><div><h4>${afterLabel}</h4>${fdbTable(columns, d.after, dir, (unit ? unitsAt(afterLabel) : nodesAt(afterLabel))?.path)}</div></div>
${hiddenMc ? html`<p class="note">${hiddenMc} kernel multicast entries (33:33:…, 01:00:5e:…) not shown.</p>` : ''}</div>`);
    } else {
      const rows = (a?.rows ?? []).map((row) => ({ row, change: 'same' as const }));
      cardsOut.push(html`<div class="panel host" id="fdb-${host}"><h3>${host} <span class="pill muted">${shape}</span></h3>${fdbTable(columns, rows, dir, unit ? unitsAt(afterLabel)?.path : nodesAt(afterLabel)?.path)}
${hiddenMc ? html`<p class="note">${hiddenMc} kernel multicast entries (33:33:…, 01:00:5e:…) not shown.</p>` : ''}</div>`);
    }
  }
  const lead = beforeLabel
    ? `Forwarding entries of every unit (as the unit reports them, in the shape of tmsh show net fdb: Dynamic yes = learned) and every node (as bridge fdb show prints them), at snapshot "${beforeLabel}" and at snapshot "${afterLabel}". Added entries are green, removed ones red and struck through, changed ones amber with their earlier value. ${totalChanges} change${totalChanges === 1 ? '' : 's'} in all.`
    : `Forwarding entries of every ${report.topology.bigips.length ? 'unit (tmsh show net fdb shape) and every ' : ''}node (bridge fdb show shape) when the checks ran.`;
  const sources = [beforeLabel, afterLabel].flatMap((l) => [nodesAt(l)?.path, unitsAt(l)?.path]).filter((p): p is string => p !== undefined);
  const changedNodes = nodeStats.filter((x) => x.added + x.removed + x.changed > 0).length;
  const countsTable = (list: typeof nodeStats): Raw | '' =>
    list.length === 0
      ? ''
      : html`<table class="fdb-counts"><thead><tr><th>node</th>${beforeLabel ? html`<th>entries at ${beforeLabel}</th>` : ''}<th>entries at ${afterLabel}</th>${beforeLabel ? html`<th>added</th><th>removed</th><th>changed</th>` : ''}</tr></thead><tbody>${list.map(
          (x) => html`<tr${x.added + x.removed + x.changed ? raw(' class="changed"') : ''}><td class="mono">${nodesInFull.includes(x.host) ? html`<a href="#fdb-${x.host}">${x.host}</a>` : x.host}</td>${beforeLabel ? html`<td>${x.before ?? '–'}</td>` : ''}<td>${x.after}</td>${beforeLabel ? html`<td>${x.added || ''}</td><td>${x.removed || ''}</td><td>${x.changed || ''}</td>` : ''}</tr>`,
        )}</tbody></table>`;
  const nodeSources = [beforeLabel, afterLabel].map((l) => nodesAt(l)?.path).filter((p): p is string => p !== undefined);
  const summary = nodesSummarised
    ? html`<div class="panel fdb-summary" id="fdb-nodes-summary" data-nodes="${nodeHosts.length}" data-in-full="${nodesInFull.length}"><h3>${nodeHosts.length} nodes <span class="pill muted">summarised</span></h3>
<p class="note">${changedNodes} of ${nodeHosts.length} nodes' entries changed${changedNodes ? ' (listed here)' : ''}. Above ${FDB_NODES_FULL} nodes the page shows ${nodesInFull.length} node tables in full (${nodesInFull.join(', ')}: the most changes first) and each node's counts. Not on this page: the other ${nodeHosts.length - nodesInFull.length} nodes' entries; every node's table is in ${join([...new Set(nodeSources)].map((p) => fileLink(p)), ' and ')}.</p>
${countsTable(nodeStats.filter((x) => x.added + x.removed + x.changed > 0))}
<details class="fdb-all-counts"><summary>entries of each of the ${nodeHosts.length} nodes${changedNodes ? '' : ' (none changed)'}</summary>${countsTable(nodeStats)}</details></div>`
    : '';
  return html`<h2>FDB <span class="count">${unitHosts.length + nodeHosts.length} hosts</span></h2><p class="lead">${lead}</p>${cardsOut.slice(0, unitHosts.length)}${summary}${cardsOut.slice(unitHosts.length)}
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

function fdbTable(columns: readonly string[], all: readonly { row: FdbRow; change: string; was?: string[] }[], dir: Directory, source?: string): Raw {
  if (all.length === 0) return html`<p class="note">no entries</p>`;
  // A long table keeps its first FDB_ROWS_FULL changed rows and first FDB_ROWS_SAMPLED unchanged ones; the file has them all.
  let rows = all;
  let cut: Raw | '' = '';
  if (all.length > FDB_ROWS_FULL) {
    let same = 0;
    let changed = 0;
    rows = all.filter((r) => (r.change === 'same' ? same++ < FDB_ROWS_SAMPLED : changed++ < FDB_ROWS_FULL));
    const hiddenChanged = Math.max(0, changed - FDB_ROWS_FULL);
    const hiddenSame = Math.max(0, same - FDB_ROWS_SAMPLED);
    const what = [hiddenChanged ? `${hiddenChanged} changed` : '', hiddenSame ? `${hiddenSame} unchanged` : ''].filter(Boolean).join(' and ');
    cut = html`<p class="note fdb-cut" data-hidden="${all.length - rows.length}">${all.length} entries: ${what} not shown (above ${FDB_ROWS_FULL} rows a table keeps up to ${FDB_ROWS_FULL} changed and ${FDB_ROWS_SAMPLED} unchanged ones)${source ? html`; all of them are in ${fileLink(source)}` : ''}.</p>`;
  }
  return html`${cut}<table class="fdb fdb-table"><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}<th>whose MAC</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr class="${r.change}" title="${r.change === 'same' ? '' : r.change}">${r.row.cells.map((c, i) => html`<td>${c}${i === r.row.cells.length - 1 && r.row.hint ? html`<span class="muted">${c ? ' ' : ''}(${r.row.hint})</span>` : ''}${r.was && r.was[i] !== c ? html`<span class="was">was ${r.was[i] || '(none)'}</span>` : ''}</td>`)}<td class="who">${dir.mac(r.row.mac) ?? ''}</td></tr>`,
  )}</tbody></table>`;
}
