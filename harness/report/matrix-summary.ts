// A reachability matrix too big to draw probe by probe (more than MATRIX_CELLS_DRAWN), summarised:
// the counts and RTTs, a node-by-node grid (each square all the probes from one node's hosts to
// another node's addresses, drawn as runs of equal squares so an all-green row is one rect), the
// probes that got no reply or changed since the first snapshot, a sample, and where every probe is.
import type { PingResult } from '../probes/ping.js';
import type { Directory } from './directory.js';
import { esc, fileLink, fmtBytes, fmtMs, html, num, raw, type Raw } from './html-util.js';
import { MATRIX_CELLS_DRAWN } from './limits.js';
import * as ip from '../core/ipv4.js';

export interface MatrixSource {
  name: string;
  label: string;
  /** The evidence file with every probe, and its size when known. */
  path: string;
  bytes?: number;
}

const FAILURES_LISTED = 50;
const CHANGES_LISTED = 20;
const SAMPLE = 10;
const SLOWEST = 5;
/** More runs of squares than this and the grid is not drawn (the lists still are). */
const MAX_RUNS = 20_000;

/** The node a probe's source belongs to: a pod host `node.pod` is its node's; anything else is itself. */
export function sourceGroup(from: string, dir: Directory): string {
  return dir.kind(from) === 'pod' ? from.slice(0, from.indexOf('.')) : from;
}

/** The node (or host) that owns a probed address: "pod node003/pod0" is node003's, "bigip2 tunnel self IP" bigip2's. */
export function targetGroup(to: string, dir: Directory): string {
  const owner = dir.ip(to);
  if (!owner) return to;
  if (owner.startsWith('pod ')) return owner.slice(4).split('/')[0]!;
  if (owner.startsWith('VIP ')) return owner;
  return owner.split(' ')[0]!;
}

interface Cell {
  probes: number;
  ok: number;
  changed: number;
}

export function summarisedMatrix(src: MatrixSource, results: readonly PingResult[], dir: Directory, baseline?: readonly PingResult[]): Raw {
  const ok = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  const before = new Map((baseline ?? []).map((r) => [`${r.from}\u0000${r.to}`, r.ok]));
  const changed = baseline ? results.filter((r) => {
    const was = before.get(`${r.from}\u0000${r.to}`);
    return was !== undefined && was !== r.ok;
  }) : [];
  const changedSet = new Set(changed);

  // Groups in the order the probes name them (sources) and by address (targets).
  const rows: string[] = [];
  const cols: string[] = [];
  const rowIndex = new Map<string, number>();
  const colIndex = new Map<string, number>();
  const colFirstIp = new Map<string, number>();
  for (const r of results) {
    const g = sourceGroup(r.from, dir);
    if (!rowIndex.has(g)) {
      rowIndex.set(g, rows.length);
      rows.push(g);
    }
    const c = targetGroup(r.to, dir);
    const order = ipNumber(r.to);
    if (!colFirstIp.has(c) || order < colFirstIp.get(c)!) colFirstIp.set(c, order);
  }
  for (const [c] of [...colFirstIp].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))) {
    colIndex.set(c, cols.length);
    cols.push(c);
  }
  const cells: (Cell | undefined)[][] = rows.map(() => new Array<Cell | undefined>(cols.length));
  for (const r of results) {
    const ri = rowIndex.get(sourceGroup(r.from, dir))!;
    const ci = colIndex.get(targetGroup(r.to, dir))!;
    const cell = (cells[ri]![ci] ??= { probes: 0, ok: 0, changed: 0 });
    cell.probes++;
    if (r.ok) cell.ok++;
    if (changedSet.has(r)) cell.changed++;
  }

  const rtts = ok.map((r) => r.rttMs).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  const q = (p: number) => (rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] : undefined);
  const sources = new Set(results.map((r) => r.from)).size;
  const targets = new Set(results.map((r) => r.to)).size;
  const facts = [
    `${results.length} probes from ${sources} hosts to ${targets} addresses`,
    `${ok.length} replied, ${failed.length} did not`,
    rtts.length ? `RTT median ${fmtMs(q(0.5))}, p99 ${fmtMs(q(0.99))}, max ${fmtMs(rtts[rtts.length - 1])}` : '',
    baseline ? `${changed.length} changed since the first snapshot` : '',
  ].filter(Boolean);

  const sample = [...new Set([...Array.from({ length: Math.min(SAMPLE, results.length) }, (_, i) => results[Math.floor((i * results.length) / Math.min(SAMPLE, results.length))]!), ...[...ok].filter((r) => r.rttMs !== undefined).sort((a, b) => b.rttMs! - a.rttMs!).slice(0, SLOWEST)])];
  const row = (r: PingResult) => html`<tr class="${r.ok ? 'ok' : 'fail'}"><td class="mono">${r.from}</td><td class="mono">${r.to} <span class="muted">${dir.ip(r.to) ?? ''}</span></td><td>${r.ok ? html`<span class="pill ok">reply</span> ${r.rttMs !== undefined ? `${r.rttMs} ms` : ''}` : html`<span class="pill bad">no reply</span> <span class="muted">${r.detail}</span>`}</td></tr>`;
  const table = (list: readonly PingResult[], cls: string) => html`<table class="probes ${cls}"><thead><tr><th>from</th><th>to</th><th>result</th></tr></thead><tbody>${list.map(row)}</tbody></table>`;
  const where = html`${fileLink(src.path)}${src.bytes !== undefined ? ` (${fmtBytes(src.bytes)})` : ''}`;

  return html`<div class="matrix-one matrix-summary" data-matrix="${src.name}" data-label="${src.label}" data-probes="${results.length}" data-replies="${ok.length}">
<h4>${src.label} · ${ok.length}/${results.length} · summarised</h4>
<p class="note">${facts.join(' · ')}.</p>
${raw(groupGrid(src, rows, cols, cells))}
${failed.length ? html`<h5>no reply <span class="muted">(${failed.length}${failed.length > FAILURES_LISTED ? `, the first ${FAILURES_LISTED}` : ''})</span></h5>${table(failed.slice(0, FAILURES_LISTED), 'failures')}` : ''}
${changed.length ? html`<h5>changed since the first snapshot <span class="muted">(${changed.length}${changed.length > CHANGES_LISTED ? `, the first ${CHANGES_LISTED}` : ''})</span></h5>${table(changed.slice(0, CHANGES_LISTED), 'changes')}` : ''}
<details class="sample"><summary>a sample of ${sample.length} probes (spread over the matrix, and the slowest replies)</summary>${table(sample, 'sample')}</details>
<p class="note missing">Not on this page: the ${results.length} probes one by one (a matrix of more than ${MATRIX_CELLS_DRAWN} is summarised). Every probe, with its RTT or fping's words, is in ${where}.</p>
</div>`;
}

/** The node-by-node grid as SVG: one row a source node, squares in runs of the same outcome. */
function groupGrid(src: MatrixSource, rows: readonly string[], cols: readonly string[], cells: readonly (Cell | undefined)[][]): string {
  const size = Math.max(3, Math.min(14, Math.floor(640 / Math.max(1, cols.length))));
  const labelW = 92;
  const top = 18;
  const W = labelW + cols.length * size + 8;
  const H = top + rows.length * size + 8;
  const state = (c: Cell | undefined) => (!c ? 'na' : c.ok === c.probes ? 'ok' : c.ok === 0 ? 'fail' : 'part') + (c && c.changed ? ' changed' : '');
  const out: string[] = [];
  let runs = 0;
  rows.forEach((from, ri) => {
    const y = top + ri * size;
    if (size >= 9 || ri % 10 === 0) out.push(`<text class="mx-label" x="${labelW - 6}" y="${num(y + size - 1)}" text-anchor="end">${esc(from)}</text>`);
    let start = 0;
    for (let ci = 1; ci <= cols.length; ci++) {
      const a = cells[ri]![start];
      const b = ci < cols.length ? cells[ri]![ci] : undefined;
      if (ci < cols.length && state(a) === state(b)) continue;
      if (a) {
        const group = cells[ri]!.slice(start, ci).filter((c): c is Cell => c !== undefined);
        const probes = group.reduce((s, c) => s + c.probes, 0);
        const replies = group.reduce((s, c) => s + c.ok, 0);
        const chg = group.reduce((s, c) => s + c.changed, 0);
        const to = ci - 1 > start ? `${cols[start]} … ${cols[ci - 1]} (${ci - start})` : cols[start]!;
        out.push(`<rect class="mx-${state(a)}" x="${labelW + start * size}" y="${y}" width="${(ci - start) * size - 1}" height="${size - 1}"><title>${esc(`${from} → ${to}: ${replies}/${probes} replied${chg ? `, ${chg} changed` : ''}`)}</title></rect>`);
        runs++;
      }
      start = ci;
    }
  });
  if (runs > MAX_RUNS) return `<p class="note">The node-by-node grid has ${runs} runs of squares, too varied to draw; the lists below name the probes that failed.</p>`;
  const axis = `<text class="mx-label" x="${labelW}" y="12">to ${esc(cols[0] ?? '')}${cols.length > 1 ? ` … ${esc(cols[cols.length - 1]!)}` : ''} (${cols.length}); from ${esc(rows[0] ?? '')}${rows.length > 1 ? ` … ${esc(rows[rows.length - 1]!)}` : ''} (${rows.length}); hover a run</text>`;
  return `<svg class="matrix-groups" data-matrix="${esc(src.name)}" data-label="${esc(src.label)}" viewBox="0 0 ${W} ${H}" width="${W}" role="img" xmlns="http://www.w3.org/2000/svg"><title>${esc(`${src.name} at ${src.label}, node by node`)}</title>${axis}${out.join('')}</svg>`;
}

function ipNumber(text: string): number {
  try {
    return ip.parseIp(text);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}
