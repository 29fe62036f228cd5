// The captures section of report.html: every capture linked, and its summary (flows per VTEP
// pair, VNIs, sizes, ARP). Past CAPTURE_PANELS_FULL summaries, totals and a few panels.
import type { RunReport } from './types.js';
import type { RunEvidence } from './evidence.js';
import { isObject } from './evidence.js';
import type { Directory } from './directory.js';
import { fileLink, fmtBytes, fmtMs, html, type Raw } from './html-util.js';
import { CAPTURE_FLOWS_LISTED, CAPTURE_PANELS_FULL, CAPTURE_PANELS_SAMPLED } from './limits.js';

export function capturesSection(report: RunReport, ev: RunEvidence, dir: Directory): Raw | undefined {
  if (ev.pcaps.length === 0) return undefined;
  const size = (path: string) => ev.files.find((f) => f.path === path)?.bytes;
  const rows = ev.pcaps.map((p) => {
    const bytes = size(p.artifact.path);
    return html`<tr><td class="mono">${p.artifact.node}</td><td class="mono">${p.artifact.interface}</td><td>${p.artifact.packets >= 0 ? p.artifact.packets : '?'}</td><td>${p.exists ? fileLink(p.artifact.path) : html`<span class="muted">${p.artifact.path} (missing)</span>`}</td><td class="muted">${bytes !== undefined ? fmtBytes(bytes) : ''}</td><td>${p.summary ? fileLink(p.summary.path, 'summary') : ''}</td></tr>`;
  });
  const withSummary = ev.pcaps.filter((p) => p.summary);
  // Past CAPTURE_PANELS_FULL summaries: totals, and a few panels (decoder notes, fragments or cut packets first, then the largest).
  const panelsSummarised = withSummary.length > CAPTURE_PANELS_FULL;
  const shape = (p: (typeof withSummary)[number]) => (isObject(p.summary!.data) ? (p.summary!.data as Partial<SummaryShape>) : {});
  const worth = (p: (typeof withSummary)[number]) => {
    const x = shape(p);
    return (x.warnings?.length ?? 0) + (x.outerIpv4Fragments ?? 0) + (x.truncatedPackets ?? 0);
  };
  const panelled = panelsSummarised ? [...withSummary].sort((a, b) => worth(b) - worth(a) || (shape(b).packets ?? 0) - (shape(a).packets ?? 0)).slice(0, CAPTURE_PANELS_SAMPLED) : withSummary;
  const summaries = panelled.map((p) => html`<div class="panel pcap-summary" id="pcap-${p.artifact.node}-${p.artifact.interface}"><h3>${p.artifact.node} ${p.artifact.interface} <span class="muted">${fileLink(p.artifact.path)} · ${fileLink(p.summary!.path, 'summary')}</span></h3>${pcapSummaryView(p.summary!.data, dir, p.summary!.path)}</div>`);
  const sum = (f: (x: Partial<SummaryShape>) => number | undefined) => withSummary.reduce((n, p) => n + (f(shape(p)) ?? 0), 0);
  const totals = panelsSummarised
    ? html`<div class="panel pcap-totals" id="pcap-totals" data-captures="${withSummary.length}" data-panels="${panelled.length}"><p class="pcap-head"><b>${withSummary.length} capture summaries: ${sum((x) => x.packets)} packets, ${sum((x) => x.vxlanPackets)} VXLAN, ${sum((x) => x.outerIpv4Fragments)} outer fragments, ${sum((x) => x.truncatedPackets)} cut by the snap length, ${sum((x) => x.warnings?.length)} decoder notes</b></p>
<p class="note">Above ${CAPTURE_PANELS_FULL} captures the page draws ${panelled.length} summaries (${panelled.map((p) => p.artifact.node).join(', ')}: decoder notes, fragments and cut packets first, then the most packets). Not on this page: the other ${withSummary.length - panelled.length} summaries; each capture and its summary are linked in the table above.</p></div>`
    : '';
  const total = ev.pcaps.reduce((s, p) => s + Math.max(0, p.artifact.packets), 0);
  return html`<h2>Captures <span class="count">${ev.pcaps.length} files, ${total} packets</span></h2>
<p class="lead">Underlay captures (open them with <code>tshark -d udp.port==${report.topology.flannel?.port ?? 8472},vxlan -r FILE</code> or Wireshark).${summaries.length ? '' : ' No capture summaries were written for this run.'}</p>
<div class="panel"><table class="pcaps"><thead><tr><th>host</th><th>interface</th><th>packets</th><th>file</th><th>size</th><th>summary</th></tr></thead><tbody>${rows}</tbody></table></div>
${totals}${summaries.length ? html`<div class="grid2 pcap-grid">${summaries}</div>` : ''}`;
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
function pcapSummaryView(data: unknown, dir: Directory, path?: string): Raw {
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
  // A capture of a big run has a flow to every other VTEP: the largest are listed, the file has them all.
  const listedFlows = s.flows.length > CAPTURE_FLOWS_LISTED ? [...s.flows].sort((a, b) => b.packets - a.packets).slice(0, CAPTURE_FLOWS_LISTED) : s.flows;
  const flowsCut = s.flows.length > listedFlows.length ? html`<p class="note flows-cut">${s.flows.length} flows: the ${listedFlows.length} with the most packets listed${path ? html`; all of them are in ${fileLink(path)}` : ''}.</p>` : '';
  const flows = listedFlows.map(
    (f) => html`<tr><td class="mono">${f.src} <span class="muted">${who(f.src)}</span></td><td class="mono">${f.dst} <span class="muted">${who(f.dst)}</span></td><td>${f.packets}</td><td class="muted">${f.bytes !== undefined ? fmtBytes(f.bytes) : ''}</td><td class="mono">${(f.vnis ?? []).join(', ')}</td><td class="muted">${f.maxOuterIpTotalLength ?? ''}${f.maxInnerFrameLength ? ` / ${f.maxInnerFrameLength}` : ''}</td></tr>`,
  );
  const arp = s.arp?.inner;
  const notes = [...(s.warnings ?? []), ...(s.examples ?? [])];
  return html`<p class="pcap-head"><b>${head.join(' · ')}</b></p>
${inner ? html`<p class="note">inner: ${inner}${arp ? html` · ARP ${arp.requests} requests, ${arp.replies} replies${arp.senders?.length ? html` (${arp.senders.map((x) => `${x.ip} is ${x.macs.join('/')}`).join('; ')})` : ''}` : ''}</p>` : ''}
<p class="note">${sizes.join(' · ')}</p>
<table class="flows"><thead><tr><th>outer source</th><th>outer destination</th><th>packets</th><th>bytes</th><th>VNI</th><th>max outer / inner</th></tr></thead><tbody>${flows}</tbody></table>${flowsCut}
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
