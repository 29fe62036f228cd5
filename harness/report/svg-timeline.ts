// The failover timeline as inline SVG: the RTT of every UDP probe through the VIP by sequence
// number (log scale), lost probes marked in a band above the plot, the outage window shaded, the
// failover moment (and the failover command's duration) marked, the TCP connects below with the
// pod that answered each one, and a time axis relative to the failover on top.
import type { ProbeRecord } from '../probes/vip-probe.js';
import type { OutageEvidence } from './evidence.js';
import { esc, fmtMs, num } from './html-util.js';

export interface TimelineStats {
  sent: number;
  lost: number;
  medianMs?: number;
  p99Ms?: number;
  maxMs?: number;
}

const W = 960;
const LEFT = 64;
const RIGHT = 20;
const TOP_AXIS = 36;
const LOST_Y = 62;
const PLOT_TOP = 78;
const PLOT_H = 210;
const POINT_LIMIT = 3000;

export function timelineStats(records: readonly ProbeRecord[]): TimelineStats {
  const udp = records.filter((r) => r.proto === 'udp');
  const rtts = udp.flatMap((r) => (r.rttMs === null ? [] : [r.rttMs])).sort((a, b) => a - b);
  const q = (p: number) => (rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] : undefined);
  return { sent: udp.length, lost: udp.length - rtts.length, medianMs: q(0.5), p99Ms: q(0.99), maxMs: rtts[rtts.length - 1] };
}

export function timelineSvg(records: readonly ProbeRecord[], outage?: OutageEvidence): string {
  const udp = records.filter((r) => r.proto === 'udp').sort((a, b) => a.seq - b.seq);
  const tcp = records.filter((r) => r.proto === 'tcp').sort((a, b) => a.sentAt - b.sentAt);
  if (udp.length === 0) return '';
  const hasTcp = tcp.length > 0;
  const plotBottom = PLOT_TOP + PLOT_H;
  const tcpY = plotBottom + 58;
  const legendY = (hasTcp ? tcpY + 34 : plotBottom + 62);
  const H = legendY + 18;
  const x0 = LEFT;
  const x1 = W - RIGHT;

  // x: sequence numbers; times map onto them by interpolating between probes' send times.
  const seqMin = udp[0]!.seq;
  const seqMax = Math.max(udp[udp.length - 1]!.seq, seqMin + 1);
  const xs = (seq: number) => x0 + ((seq - seqMin + 0.5) / (seqMax - seqMin + 1)) * (x1 - x0);
  const bySent = [...udp].sort((a, b) => a.sentAt - b.sentAt);
  const seqAt = (t: number): number => {
    const first = bySent[0]!;
    const last = bySent[bySent.length - 1]!;
    if (t <= first.sentAt) return first.seq - (first.sentAt - t) / (outage?.intervalMs ?? 10);
    if (t >= last.sentAt) return last.seq + (t - last.sentAt) / (outage?.intervalMs ?? 10);
    let lo = 0;
    let hi = bySent.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (bySent[mid]!.sentAt <= t) lo = mid;
      else hi = mid;
    }
    const a = bySent[lo]!;
    const b = bySent[hi]!;
    return a.seq + ((t - a.sentAt) / (b.sentAt - a.sentAt || 1)) * (b.seq - a.seq);
  };
  const xt = (t: number) => Math.min(x1, Math.max(x0, xs(seqAt(t))));

  // y: RTT on a log scale spanning at least one decade.
  const rtts = udp.flatMap((r) => (r.rttMs === null ? [] : [r.rttMs]));
  // A reduce, not Math.max(...rtts): a soak's hundreds of thousands of probes overflow the call stack.
  let hi = rtts.reduce((m, v) => (v > m ? v : m), 0.1) * 1.3;
  let lo = Math.max(0.005, rtts.reduce((m, v) => (v < m ? v : m), hi) / 1.3);
  if (hi / lo < 10) lo = hi / 10;
  hi = niceUp(hi);
  lo = niceDown(lo);
  const ys = (ms: number) => plotBottom - ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * PLOT_H;

  const out: string[] = [];
  out.push(`<svg id="failover-timeline" class="chart timeline" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="tl-title" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<title id="tl-title">Probe round-trip time by sequence number${outage ? `; failover ${esc(outage.failover.from)} to ${esc(outage.failover.to)}` : ''}</title>`);
  out.push(`<rect class="tl-bg" x="${x0}" y="${PLOT_TOP}" width="${x1 - x0}" height="${PLOT_H}"/>`);

  // Grid and y axis (log ticks 1-2-5).
  for (const v of logTicks(lo, hi)) {
    const y = ys(v);
    out.push(`<line class="tl-grid" x1="${x0}" x2="${x1}" y1="${num(y)}" y2="${num(y)}"/>`);
    out.push(`<text class="tl-tick" x="${x0 - 6}" y="${num(y + 4)}" text-anchor="end">${esc(fmtTick(v))}</text>`);
  }
  out.push(`<text class="tl-label" transform="translate(14 ${PLOT_TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle">RTT (ms, log)</text>`);

  // x axis: sequence numbers.
  const seqStep = niceStep((seqMax - seqMin) / 10);
  for (let s = Math.ceil(seqMin / seqStep) * seqStep; s <= seqMax; s += seqStep) {
    const x = xs(s);
    out.push(`<line class="tl-grid tl-grid-x" x1="${num(x)}" x2="${num(x)}" y1="${PLOT_TOP}" y2="${plotBottom}"/>`);
    out.push(`<text class="tl-tick" x="${num(x)}" y="${plotBottom + 16}" text-anchor="middle">${s}</text>`);
  }
  out.push(`<text class="tl-label" x="${(x0 + x1) / 2}" y="${plotBottom + 34}" text-anchor="middle">UDP probe sequence number (one every ${esc(outage?.intervalMs ?? '?')} ms)</text>`);

  // Top axis: time relative to the failover command (or to the first probe).
  const t0 = outage?.failover.startedAt ?? bySent[0]!.sentAt;
  const span = bySent[bySent.length - 1]!.sentAt - bySent[0]!.sentAt;
  const tStep = niceStep(span / 8);
  const tFirst = Math.ceil((bySent[0]!.sentAt - t0) / tStep) * tStep;
  for (let rel = tFirst; rel <= bySent[bySent.length - 1]!.sentAt - t0; rel += tStep) {
    const x = xt(t0 + rel);
    out.push(`<line class="tl-axis" x1="${num(x)}" x2="${num(x)}" y1="${TOP_AXIS + 4}" y2="${TOP_AXIS + 9}"/>`);
    out.push(`<text class="tl-tick" x="${num(x)}" y="${TOP_AXIS}" text-anchor="middle">${rel === 0 ? (outage ? '0' : '0 ms') : `${rel > 0 ? '+' : '−'}${Math.abs(Math.round(rel))}`}</text>`);
  }
  out.push(`<line class="tl-axis" x1="${x0}" x2="${x1}" y1="${TOP_AXIS + 4}" y2="${TOP_AXIS + 4}"/>`);
  out.push(`<text class="tl-label" x="${x0}" y="12">${outage ? 'time from the failover command (ms)' : 'time from the first probe (ms)'}</text>`);

  // The lost band.
  out.push(`<text class="tl-tick tl-lost-label" x="${x0 - 6}" y="${LOST_Y + 4}" text-anchor="end">lost</text>`);
  out.push(`<line class="tl-band" x1="${x0}" x2="${x1}" y1="${LOST_Y}" y2="${LOST_Y}"/>`);

  // Outage window and failover moment (drawn under the points).
  if (outage) {
    if (outage.lastGoodBefore !== undefined && outage.firstGoodAfter !== undefined && (outage.outageMs ?? 0) > 0) {
      const xa = xt(outage.lastGoodBefore);
      const xb = xt(outage.firstGoodAfter);
      out.push(`<rect id="outage-window" class="tl-outage" x="${num(xa)}" y="${LOST_Y - 12}" width="${num(Math.max(2, xb - xa))}" height="${num(plotBottom - LOST_Y + 12)}"><title>outage ${esc(fmtMs(outage.outageMs))}: last reply before at ${esc(fmtMs(outage.lastGoodBefore - t0))}, first after at +${esc(fmtMs(outage.firstGoodAfter - t0))}; ${outage.lostInGap} probes lost</title></rect>`);
      const label = `outage ${fmtMs(outage.outageMs)} · ${outage.lostInGap} lost`;
      const lx = Math.min(x1 - 4, xb + 6);
      out.push(`<text class="tl-outage-label" x="${num(lx)}" y="${PLOT_TOP + 16}" text-anchor="${lx > x1 - 160 ? 'end' : 'start'}">${esc(label)}</text>`);
    } else if (!outage.recovered) {
      const xa = outage.lastGoodBefore !== undefined ? xt(outage.lastGoodBefore) : xt(outage.failover.startedAt);
      out.push(`<rect id="outage-window" class="tl-outage" x="${num(xa)}" y="${LOST_Y - 12}" width="${num(x1 - xa)}" height="${num(plotBottom - LOST_Y + 12)}"><title>never recovered</title></rect>`);
      out.push(`<text class="tl-outage-label" x="${num(x1 - 6)}" y="${PLOT_TOP + 16}" text-anchor="end">never recovered</text>`);
    }
    const fx = xt(outage.failover.startedAt);
    const fxEnd = xt(outage.failover.startedAt + outage.failover.durationMs);
    out.push(`<rect class="tl-failover-cmd" x="${num(fx)}" y="${TOP_AXIS + 8}" width="${num(Math.max(1, fxEnd - fx))}" height="${num(plotBottom - TOP_AXIS - 8)}"><title>failover command ${esc(outage.failover.from)} → ${esc(outage.failover.to)}: ${esc(fmtMs(outage.failover.durationMs))}</title></rect>`);
    out.push(`<line id="failover-moment" class="tl-failover" x1="${num(fx)}" x2="${num(fx)}" y1="${TOP_AXIS + 8}" y2="${plotBottom}"/>`);
    if (hasTcp) out.push(`<line class="tl-failover" x1="${num(fx)}" x2="${num(fx)}" y1="${tcpY - 12}" y2="${tcpY + 12}"/>`);
    const flabel = `failover ${outage.failover.from} → ${outage.failover.to}`;
    out.push(`<text class="tl-failover-label" x="${num(fx - 6)}" y="${PLOT_TOP + 16}" text-anchor="end">${esc(flabel)}</text>`);
  }

  // Answered probes: a line through consecutive answers, a dot each (with a tooltip while few enough).
  const segments: string[] = [];
  let seg: string[] = [];
  for (const r of udp) {
    if (r.rttMs === null) {
      if (seg.length > 1) segments.push(seg.join(' '));
      seg = [];
    } else seg.push(`${num(xs(r.seq))},${num(ys(r.rttMs))}`);
  }
  if (seg.length > 1) segments.push(seg.join(' '));
  for (const s of segments) out.push(`<polyline class="tl-line" points="${s}"/>`);
  const tips = udp.length <= POINT_LIMIT;
  const rel = (t: number) => `${t - t0 >= 0 ? '+' : '−'}${Math.abs(t - t0).toFixed(1)} ms`;
  out.push(`<g class="tl-points" data-answered="${udp.length - udp.filter((r) => r.rttMs === null).length}">`);
  // Past POINT_LIMIT probes (a long run) answered probes pile up: one circle (4.8 px across) in
  // each 3 x 3 px square looks the same and keeps the page small. Lost probes are all marked.
  const drawn = new Set<string>();
  for (const r of udp) {
    if (r.rttMs === null) continue;
    const tip = tips ? `<title>#${r.seq} at ${rel(r.sentAt)}: ${r.rttMs.toFixed(3)} ms</title>` : '';
    if (!tips) {
      const pixel = `${Math.round(xs(r.seq) / 3)} ${Math.round(ys(r.rttMs) / 3)}`;
      if (drawn.has(pixel)) continue;
      drawn.add(pixel);
    }
    out.push(`<circle class="tl-point" cx="${num(xs(r.seq))}" cy="${num(ys(r.rttMs))}" r="2.4">${tip}</circle>`);
  }
  out.push('</g><g class="tl-lost-marks">');
  for (const r of udp) {
    if (r.rttMs !== null) continue;
    const x = xs(r.seq);
    out.push(`<path class="tl-lost" d="M${num(x - 4)} ${LOST_Y - 4}l8 8m0 -8l-8 8"><title>#${r.seq} at ${rel(r.sentAt)}: no reply</title></path>`);
  }
  out.push('</g>');

  // TCP connects: one mark per connect, coloured by the pod that answered.
  const servers = [...new Set(tcp.flatMap((r) => (r.server ? [r.server] : [])))].sort();
  if (hasTcp) {
    out.push(`<text class="tl-tick" x="${x0 - 6}" y="${tcpY + 4}" text-anchor="end">TCP</text>`);
    out.push(`<line class="tl-band" x1="${x0}" x2="${x1}" y1="${tcpY}" y2="${tcpY}"/>`);
    for (const r of tcp) {
      const x = xt(r.sentAt);
      if (r.rttMs === null || !r.server) {
        out.push(`<path class="tl-lost" d="M${num(x - 4)} ${tcpY - 4}l8 8m0 -8l-8 8"><title>TCP #${r.seq} at ${rel(r.sentAt)}: no answer</title></path>`);
      } else {
        const i = servers.indexOf(r.server);
        out.push(`<circle class="tl-tcp s${i % 6}" cx="${num(x)}" cy="${tcpY}" r="4"><title>TCP #${r.seq} at ${rel(r.sentAt)}: ${esc(r.server)} in ${r.rttMs.toFixed(2)} ms</title></circle>`);
      }
    }
  }

  // Legend.
  let lx = x0;
  const item = (mark: string, label: string) => {
    out.push(`<g transform="translate(${num(lx)} ${legendY})">${mark}<text class="tl-legend" x="14" y="4">${esc(label)}</text></g>`);
    lx += 28 + label.length * 6.6;
  };
  item('<circle class="tl-point" cx="4" cy="0" r="3"/>', 'UDP reply (RTT)');
  item('<path class="tl-lost" d="M0 -4l8 8m0 -8l-8 8"/>', 'lost');
  if (outage) {
    item('<rect class="tl-outage" x="0" y="-6" width="10" height="12"/>', 'outage window');
    item('<line class="tl-failover" x1="4" x2="4" y1="-7" y2="7"/>', 'failover command');
  }
  servers.forEach((s, i) => item(`<circle class="tl-tcp s${i % 6}" cx="4" cy="0" r="4"/>`, `TCP answered by ${s}`));
  out.push('</svg>');
  return out.join('\n');
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function niceUp(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function niceDown(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [5, 2, 1]) if (m * p <= v) return m * p;
  return p;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(Number(v.toPrecision(3)));
    }
  }
  return out;
}

function fmtTick(v: number): string {
  return v >= 1 ? String(v) : v.toPrecision(1).replace(/^0\./, '.').replace(/^\./, '0.');
}
