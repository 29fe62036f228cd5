// The topology diagram as inline SVG: nodes with their pods, cni0 and VTEP above the underlay,
// the BIG-IP units (active one highlighted, with the VIP) below it, the external network with
// the client, and the VXLAN overlay drawn between the VTEPs (to the active unit when there is one).
// Past TOPOLOGY_NODES_DRAWN nodes they are a grid of small marks (pods counted, details as
// tooltips), so a 100-node run is one screen. traffic-group-1 (the VIP and the floating self IPs,
// or the words that there is none) is drawn on the unit that holds it, at every size.
import type { RunReport } from './types.js';
import { esc, num, textWidth } from './html-util.js';
import * as ip from '../core/ipv4.js';
import { TOPOLOGY_NODES_DRAWN } from './limits.js';

const PAD = 24;
const POD_W = 126;
const POD_H = 38;
const POD_GAP = 8;
const MAX_PODS = 4;
const NODE_H = 170;
const NODE_GAP = 28;
const STUB = 44;
const UNIT_W = 270;
const UNIT_H = 172;
const UNIT_GAP = 60;
const MIN_W = 960;
const ROW_MAX_W = 1320;

export interface TopologyOptions {
  /** failover-outage.json's failover: who was active before. */
  failover?: { from: string; to: string };
  /**
   * traffic-group-1 as the units' own state shows it (the latest units-*.json): the unit whose
   * self IPs include a floating one, and those addresses. Without it the active unit holds it and
   * the planned floating self IPs (report.topology.floatingSelfIps) are drawn there.
   */
  trafficGroup?: { holder?: string; floatingSelfIps: { address: string; vlan: string }[]; source: string };
}

/** Nodes drawn one by one, or a grid of marks: what topologySvg does for a run of this size. */
export function isCompactTopology(report: RunReport): boolean {
  return report.topology.nodes.length > TOPOLOGY_NODES_DRAWN;
}

export function topologySvg(report: RunReport, options: TopologyOptions = {}): string {
  const t = report.topology;
  const flannel = t.flannel;
  const device = flannel?.device ?? 'VTEP';
  const nodeW = (n: RunReport['topology']['nodes'][number]) => {
    const pods = Math.min((n.pods ?? []).length, MAX_PODS) + ((n.pods ?? []).length > MAX_PODS ? 1 : 0);
    return Math.max(250, pods * (POD_W + POD_GAP) - POD_GAP + 24);
  };

  const compact = isCompactTopology(report);
  const grid = compact ? nodeGrid(t.nodes) : undefined;
  // Rows of nodes, each at most ROW_MAX_W wide (none when they are drawn as a grid).
  const rows: { node: RunReport['topology']['nodes'][number]; w: number }[][] = compact ? [] : [[]];
  for (const node of compact ? [] : t.nodes) {
    const w = nodeW(node);
    const row = rows[rows.length - 1]!;
    const rowW = row.reduce((s, r) => s + r.w + NODE_GAP, 0);
    if (row.length > 0 && rowW + w > ROW_MAX_W) rows.push([{ node, w }]);
    else row.push({ node, w });
  }
  const rowWidths = rows.map((r) => r.reduce((s, x) => s + x.w, 0) + NODE_GAP * Math.max(0, r.length - 1));
  const unitsW = t.bigips.length * UNIT_W + Math.max(0, t.bigips.length - 1) * UNIT_GAP;
  const clientW = t.client ? 190 : 0;
  const W = Math.max(MIN_W, ...rowWidths.map((w) => w + 2 * PAD), grid ? grid.w + 2 * PAD : 0, unitsW + 2 * PAD + (clientW ? clientW + 2 * UNIT_GAP : 0));

  const body: string[] = [];
  const under: string[] = []; // drawn first: links and the overlay
  const legendY = 22;
  // Legend.
  const legend: string[] = [];
  let lx = PAD;
  let ly = legendY;
  // Items wrap onto another line rather than run past the drawing's edge.
  const item = (mark: string, label: string) => {
    const w = 40 + textWidth(label, 12);
    if (lx > PAD && lx + w > W - PAD) {
      lx = PAD;
      ly += 22;
    }
    legend.push(`<g transform="translate(${num(lx)} ${ly})">${mark}<text class="tp-legend" x="26" y="4">${esc(label)}</text></g>`);
    lx += w;
  };
  item('<line class="tp-bus" x1="0" x2="20" y1="0" y2="0"/>', 'underlay (L2 segment)');
  if (flannel) item('<line class="tp-overlay tp-overlay-active" x1="0" x2="20" y1="0" y2="0"/>', `VXLAN overlay, VNI ${flannel.vni}, ${flannel.learning ? 'learning' : 'nolearning'}${flannel.bridged ? ', VTEP in cni0' : ''}`);
  if (t.bigips.some((u) => u.haState === 'active')) {
    item('<rect class="tp-box tp-unit-active" x="0" y="-7" width="20" height="14" rx="3"/>', 'active unit');
    item('<rect class="tp-box tp-unit-standby" x="0" y="-7" width="20" height="14" rx="3"/>', 'standby unit');
  }
  if (t.bigips.length) item('<rect class="tp-tg" x="0" y="-7" width="20" height="14" rx="3"/>', 'traffic-group-1 (floating)');
  if (grid) item('<rect class="tp-node-mark" x="4" y="-6" width="12" height="12" rx="2"/>', 'a node and its pod count (hover for its addresses)');

  let y = ly + 26;
  const vteps: { name: string; x: number; y: number }[] = [];
  const rowOverlay: { x1: number; x2: number; y: number }[] = [];
  const stubs: { x: number; top: number; label: string; row: number }[] = [];
  const rowBusYs: number[] = [];

  rows.forEach((row, ri) => {
    let x = (W - rowWidths[ri]!) / 2;
    const chipYs: number[] = [];
    const chipXs: number[] = [];
    for (const { node, w } of row) {
      const g = drawNode(node, x, y, w, device, flannel?.bridged ?? false, flannel?.vni);
      body.push(g.svg);
      vteps.push({ name: node.name, x: g.vtepX, y: g.vtepBottom });
      chipYs.push(g.vtepMidY);
      chipXs.push(g.vtepX);
      stubs.push({ x: x + w / 2, top: y + NODE_H, label: `eth0 ${node.underlayIp}`, row: ri });
      x += w + NODE_GAP;
    }
    if (chipXs.length > 1) rowOverlay.push({ x1: Math.min(...chipXs), x2: Math.max(...chipXs), y: chipYs[0]! });
    y += NODE_H + STUB + (ri < rows.length - 1 ? 24 : 0);
    rowBusYs.push(ri < rows.length - 1 ? y - 24 - 6 : y);
  });

  if (grid) {
    // Every node in one box: a mark each, the shape they share written once.
    const x = (W - grid.w) / 2;
    body.push(grid.draw(x, y, device, flannel?.bridged ?? false, flannel?.vni));
    vteps.push({ name: 'nodes', x: x + grid.w / 2, y: y + grid.h });
    const ips = t.nodes.map((n) => n.underlayIp);
    stubs.push({ x: x + grid.w / 2, top: y + grid.h, label: `eth0 of each node: ${ips[0]} … ${ips[ips.length - 1]}`, row: 0 });
    y += grid.h + STUB;
    rowBusYs.push(y);
  }

  // The underlay bus.
  const busY = y;
  const busX1 = PAD;
  const busX2 = W - PAD;
  for (const s of stubs) {
    const to = rowBusYs[s.row] ?? busY;
    under.push(`<line class="tp-link" x1="${num(s.x)}" x2="${num(s.x)}" y1="${num(s.top)}" y2="${num(to)}"/>`);
    body.push(`<text class="tp-small" x="${num(s.x + 6)}" y="${num(s.top + 16)}">${esc(s.label)}</text>`);
  }
  // Nodes in several rows: a bus under each row, joined to the underlay by a trunk at the left.
  if (rowBusYs.length > 1) {
    for (const ry of rowBusYs.slice(0, -1)) body.push(`<line class="tp-bus tp-bus-row" x1="${busX1}" x2="${busX2}" y1="${num(ry)}" y2="${num(ry)}"/>`);
    body.push(`<line class="tp-bus tp-bus-row" x1="${busX1}" x2="${busX1}" y1="${num(rowBusYs[0]!)}" y2="${busY}"/>`);
  }
  body.push(`<line class="tp-bus" x1="${busX1}" x2="${busX2}" y1="${busY}" y2="${busY}"/>`);
  const underlayLabel = `underlay ${t.underlay?.cidr ?? ''}${t.underlay ? ` · MTU ${t.underlay.mtu}` : ''}${flannel ? ` · VXLAN udp/${flannel.port}` : ''}`;
  body.push(`<text class="tp-bus-label" x="${busX1}" y="${busY + 18}">${esc(underlayLabel)}</text>`);
  y = busY + STUB;

  // BIG-IP units and the external network.
  const active = t.bigips.find((u) => u.haState === 'active');
  const trafficGroup = {
    holder: options.trafficGroup?.holder ?? active?.name,
    floatingSelfIps: options.trafficGroup?.floatingSelfIps ?? t.floatingSelfIps,
    source: options.trafficGroup?.source ?? (active ? `${active.name} is active at the end of the run` : ''),
  };
  if (t.bigips.length > 0) {
    const totalW = unitsW + (clientW ? UNIT_GAP + clientW : 0);
    let x = (W - totalW) / 2;
    const extY = y + UNIT_H + STUB;
    const unitXs: number[] = [];
    for (const u of t.bigips) {
      const g = drawUnit(u, x, y, t, options.failover, trafficGroup);
      body.push(g.svg);
      unitXs.push(x + UNIT_W / 2);
      under.push(`<line class="tp-link" x1="${num(x + UNIT_W / 2)}" x2="${num(x + UNIT_W / 2)}" y1="${busY}" y2="${y}"/>`);
      body.push(`<text class="tp-small" x="${num(x + UNIT_W / 2 + 6)}" y="${num(y - 10)}">${esc(`eth0 ${u.underlayIp}`)}</text>`);
      if (t.external) {
        under.push(`<line class="tp-link" x1="${num(x + UNIT_W / 2)}" x2="${num(x + UNIT_W / 2)}" y1="${y + UNIT_H}" y2="${extY}"/>`);
        if (u.externalIp) body.push(`<text class="tp-small" x="${num(x + UNIT_W / 2 + 6)}" y="${num(extY - 10)}">${esc(`ext0 ${u.externalIp}`)}</text>`);
      }
      if (u === active) {
        // The overlay toward the active unit: VXLAN from each node VTEP to the unit's tunnel.
        for (const v of vteps) under.push(`<path class="tp-overlay tp-overlay-active" d="M${num(v.x)} ${num(v.y)} C ${num(v.x)} ${num(busY)}, ${num(g.vtepX)} ${num(busY)}, ${num(g.vtepX)} ${num(g.vtepTop)}"/>`);
      }
      x += UNIT_W + UNIT_GAP;
    }
    if (t.external) {
      const ex1 = Math.min(...unitXs) - 60;
      const ex2 = t.client ? x + clientW / 2 + 20 : Math.max(...unitXs) + 60;
      body.push(`<line class="tp-bus tp-bus-ext" x1="${num(ex1)}" x2="${num(ex2)}" y1="${extY}" y2="${extY}"/>`);
      body.push(`<text class="tp-bus-label" x="${num(ex1)}" y="${extY + 18}">${esc(`external ${t.external.cidr}`)}</text>`);
      if (t.client) {
        const cx = x;
        const cy = extY - 70;
        under.push(`<line class="tp-link" x1="${num(cx + clientW / 2)}" x2="${num(cx + clientW / 2)}" y1="${cy + 44}" y2="${extY}"/>`);
        body.push(`<g class="tp-client"><rect class="tp-box tp-client-box" x="${num(cx)}" y="${num(cy)}" width="${clientW}" height="44" rx="8"/>`);
        body.push(`<text class="tp-title" x="${num(cx + 12)}" y="${num(cy + 19)}">client</text>`);
        const vip = t.virtualServers?.[0];
        body.push(`<text class="tp-small" x="${num(cx + 12)}" y="${num(cy + 35)}">${esc(`${t.client.ip}${vip ? ` → VIP ${vip.destination}` : ''}`)}</text></g>`);
      }
    }
    y = (t.external ? extY + 30 : y + UNIT_H + 20);
  }
  for (const o of rowOverlay) under.push(`<line class="tp-overlay" x1="${num(o.x1)}" x2="${num(o.x2)}" y1="${num(o.y)}" y2="${num(o.y)}"/>`);

  const H = y + 8;
  return [
    `<svg id="topology" class="chart topology" viewBox="0 0 ${num(W)} ${num(H)}" role="img" aria-labelledby="tp-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="tp-title">Topology of ${esc(report.scenario)}: ${t.nodes.length} nodes${t.bigips.length ? `, ${t.bigips.length} BIG-IP units (${esc(active?.name ?? 'none')} active)` : ''}</title>`,
    ...legend,
    ...under,
    ...body,
    '</svg>',
  ].join('\n');
}

function drawNode(node: RunReport['topology']['nodes'][number], x: number, y: number, w: number, device: string, bridged: boolean, vni: number | undefined) {
  const out: string[] = [];
  out.push(`<g class="tp-node" id="tp-node-${esc(node.name)}">`);
  out.push(`<rect class="tp-box tp-node-box" x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${NODE_H}" rx="10"/>`);
  out.push(`<text class="tp-title" x="${num(x + 12)}" y="${num(y + 21)}">${esc(node.name)}${node.role !== node.name ? `<tspan class="tp-muted"> · ${esc(node.role)}</tspan>` : ''}</text>`);
  const pods = node.pods ?? [];
  const shown = pods.slice(0, MAX_PODS);
  const barY = y + 32 + POD_H + 16;
  let px = x + 12;
  for (const p of shown) {
    out.push(`<line class="tp-link" x1="${num(px + POD_W / 2)}" x2="${num(px + POD_W / 2)}" y1="${num(y + 32 + POD_H)}" y2="${num(barY)}"/>`);
    out.push(`<rect class="tp-box tp-pod" x="${num(px)}" y="${num(y + 32)}" width="${POD_W}" height="${POD_H}" rx="6"><title>${esc(`pod ${node.name}/${p.name}: ${p.ip}, ${p.mac}${p.mtu ? `, MTU ${p.mtu}` : ''}`)}</title></rect>`);
    out.push(`<text class="tp-pod-name" x="${num(px + 8)}" y="${num(y + 48)}">${esc(p.name)}</text>`);
    out.push(`<text class="tp-small" x="${num(px + 8)}" y="${num(y + 63)}">${esc(p.ip)}</text>`);
    px += POD_W + POD_GAP;
  }
  if (pods.length > MAX_PODS) {
    out.push(`<rect class="tp-box tp-pod tp-more" x="${num(px)}" y="${num(y + 32)}" width="${POD_W}" height="${POD_H}" rx="6"/>`);
    out.push(`<text class="tp-small" x="${num(px + 8)}" y="${num(y + 55)}">+${pods.length - MAX_PODS} more pods</text>`);
  }
  // cni0: the pods' bridge, at the podCIDR's first address.
  let gw = '';
  try {
    const prefix = ip.parsePrefix(node.podCidr);
    gw = `${ip.formatIp(ip.nth(prefix, 1))}/${prefix.length}`;
  } catch {
    gw = '';
  }
  out.push(`<rect class="tp-bridge" x="${num(x + 12)}" y="${num(barY)}" width="${num(w - 24)}" height="7" rx="3"/>`);
  out.push(`<text class="tp-small" x="${num(x + w - 12)}" y="${num(barY + 20)}" text-anchor="end"><title>${esc(`cni0, the pods' bridge, at the first address of podCIDR ${node.podCidr}`)}</title>cni0 ${esc(gw)}</text>`);
  // The VTEP.
  const chipW = 190;
  const chipX = x + 12;
  const chipY = barY + 28;
  if (bridged) out.push(`<line class="tp-link" x1="${num(chipX + 30)}" x2="${num(chipX + 30)}" y1="${num(barY + 7)}" y2="${num(chipY)}"/>`);
  out.push(`<rect class="tp-box tp-vtep" x="${num(chipX)}" y="${num(chipY)}" width="${chipW}" height="36" rx="6"><title>${esc(`${device} on ${node.name}: VTEP MAC ${node.vtepMac}, local ${node.underlayIp}${bridged ? ', a port of cni0' : ', routed (not in cni0)'}`)}</title></rect>`);
  out.push(`<text class="tp-vtep-name" x="${num(chipX + 8)}" y="${num(chipY + 15)}">${esc(device)}${vni !== undefined ? `<tspan class="tp-muted"> VNI ${vni}</tspan>` : ''}${bridged ? '' : '<tspan class="tp-muted"> · routed</tspan>'}</text>`);
  out.push(`<text class="tp-mono" x="${num(chipX + 8)}" y="${num(chipY + 30)}">${esc(node.vtepMac)}</text>`);
  out.push('</g>');
  return { svg: out.join('\n'), vtepX: chipX + chipW / 2, vtepBottom: chipY + 36, vtepMidY: chipY + 18 };
}

interface TrafficGroupView {
  holder?: string;
  /** undefined: the report does not say (written before floating self IPs were recorded). */
  floatingSelfIps?: { address: string; vlan: string }[];
  source: string;
}

function drawUnit(u: RunReport['topology']['bigips'][number], x: number, y: number, t: RunReport['topology'], failover: { from: string; to: string } | undefined, tg: TrafficGroupView) {
  const out: string[] = [];
  const isActive = u.haState === 'active';
  const cls = isActive ? 'tp-unit-active' : 'tp-unit-standby';
  out.push(`<g class="tp-unit" data-ha="${isActive ? 'active' : 'standby'}" id="tp-unit-${esc(u.name)}">`);
  out.push(`<rect class="tp-box ${cls}" x="${num(x)}" y="${num(y)}" width="${UNIT_W}" height="${UNIT_H}" rx="10"/>`);
  out.push(`<text class="tp-title" x="${num(x + 12)}" y="${num(y + 22)}">${esc(u.name)}</text>`);
  const badge = isActive ? 'ACTIVE' : 'STANDBY';
  out.push(`<rect class="tp-badge ${isActive ? 'tp-badge-active' : 'tp-badge-standby'}" x="${num(x + UNIT_W - 86)}" y="${num(y + 8)}" width="74" height="20" rx="10"/>`);
  out.push(`<text class="tp-badge-text" x="${num(x + UNIT_W - 49)}" y="${num(y + 22)}" text-anchor="middle">${badge}</text>`);
  let note = '';
  if (failover && failover.to === u.name) note = `took over from ${failover.from}`;
  else if (failover && failover.from === u.name) note = `active until the failover`;
  if (note) out.push(`<text class="tp-small tp-muted" x="${num(x + 12)}" y="${num(y + 38)}">${esc(note)}</text>`);
  const chipY = y + 46;
  const tunnel = t.tunnel?.name ?? 'tunnel';
  const floatingLocal = t.tunnel?.localAddress === 'floating' ? (tg.floatingSelfIps?.find((f) => f.vlan === 'underlay')?.address ?? 'a floating self IP') : undefined;
  const local = floatingLocal ? `local-address ${floatingLocal}, floating in traffic-group-1 (sent from only where traffic-group-1 is)` : `local-address ${u.underlayIp}`;
  out.push(`<rect class="tp-box tp-vtep" x="${num(x + 12)}" y="${num(chipY)}" width="${UNIT_W - 24}" height="36" rx="6"><title>${esc(`${tunnel} on ${u.name}: tunnel MAC ${u.tunnelMac}, ${local}`)}</title></rect>`);
  out.push(`<text class="tp-vtep-name" x="${num(x + 20)}" y="${num(chipY + 15)}">${esc(tunnel)}${t.tunnel ? `<tspan class="tp-muted"> key ${t.tunnel.key} · ${esc(t.tunnel.floodingType)}</tspan>` : ''}</text>`);
  out.push(`<text class="tp-mono" x="${num(x + 20)}" y="${num(chipY + 30)}">${esc(u.tunnelMac)}${t.tunnel?.localAddress === 'floating' ? `<tspan class="tp-muted"> local: floating</tspan>` : ''}</text>`);
  out.push(`<text class="tp-small" x="${num(x + 12)}" y="${num(y + 100)}">self ${esc(u.tunnelSelfIp)} <tspan class="tp-muted">(non-floating)</tspan></text>`);
  const vip = t.virtualServers?.[0];
  const holds = tg.holder === u.name;
  // traffic-group-1: the virtual address and the floating self IPs move together to the unit that holds it.
  const floating = tg.floatingSelfIps;
  const floatFull = floating === undefined ? 'floating self IPs not recorded in this report' : floating.length ? `floating self IP${floating.length === 1 ? '' : 's'} ${floating.map((f) => `${f.address} (${f.vlan})`).join(', ')}` : 'no floating self IP';
  // In the box: the addresses (their VLANs in the tooltip), as many as fit.
  let floatText = floating?.length ? `floating self IP${floating.length === 1 ? '' : 's'} ${floating.map((f) => f.address).join(', ')}` : floatFull;
  if (floating && floating.length > 1 && textWidth(floatText, 11.5) > UNIT_W - 28) floatText = `floating self IPs ${floating[0]!.address} and ${floating.length - 1} more`;
  const tip = `traffic-group-1 ${holds ? `is on ${u.name}` : `is not on ${u.name}${tg.holder ? ` (${tg.holder} holds it)` : ''}`}: ${vip ? `VIP ${vip.destination}` : 'no virtual server'}; ${floatFull}${tg.source ? `. From: ${tg.source}` : ''}`;
  if (holds) {
    out.push(`<g class="tp-traffic-group" data-holder="${esc(u.name)}"><title>${esc(tip)}</title><rect class="tp-tg" x="${num(x + 8)}" y="${num(y + 106)}" width="${UNIT_W - 16}" height="${UNIT_H - 112}" rx="8"/>`);
    if (vip) {
      out.push(`<rect class="tp-vip" x="${num(x + 14)}" y="${num(y + 112)}" width="${UNIT_W - 28}" height="24" rx="12"/>`);
      out.push(`<text class="tp-vip-text" x="${num(x + UNIT_W / 2)}" y="${num(y + 128)}" text-anchor="middle">${esc(`VIP ${vip.destination} · ${vip.name}`)}</text>`);
    }
    out.push(`<text class="tp-tg-text" x="${num(x + 14)}" y="${num(y + (vip ? 150 : 126))}"><tspan class="tp-float">traffic-group-1</tspan> on ${esc(u.name)}</text>`);
    out.push(`<text class="tp-tg-text tp-floating-self" x="${num(x + 14)}" y="${num(y + (vip ? 164 : 142))}">${esc(floatText)}</text></g>`);
  } else {
    out.push(`<text class="tp-small tp-muted" x="${num(x + 12)}" y="${num(y + 129)}"><title>${esc(tip)}</title>${esc(vip || floating?.length ? `holds no traffic-group-1 address${tg.holder ? ` (${tg.holder} does)` : ''}` : '')}</text>`);
  }
  out.push('</g>');
  return { svg: out.join('\n'), vtepX: x + UNIT_W / 2, vtepTop: chipY };
}

/** Many nodes as a grid of small marks in one box: what they share written once, each node's details a tooltip. */
function nodeGrid(nodes: RunReport['topology']['nodes']) {
  const MARK = 18;
  const GAP = 5;
  const perRow = Math.min(nodes.length, 40);
  const gridRows = Math.ceil(nodes.length / perRow);
  const head = 58;
  const w = Math.max(560, perRow * (MARK + GAP) - GAP + 24);
  const h = head + gridRows * (MARK + GAP) - GAP + 16;
  const pods = nodes.map((n) => (n.pods ?? []).length);
  const total = pods.reduce((a, b) => a + b, 0);
  const lo = Math.min(...pods);
  const hi = Math.max(...pods);
  const draw = (x: number, y: number, device: string, bridged: boolean, vni: number | undefined): string => {
    const out: string[] = [];
    out.push(`<g class="tp-nodes-grid" data-nodes="${nodes.length}" data-pods="${total}">`);
    out.push(`<rect class="tp-box tp-grid-box" x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="10"/>`);
    out.push(`<text class="tp-title" x="${num(x + 12)}" y="${num(y + 21)}">${esc(`${nodes.length} nodes · ${total} pods`)}<tspan class="tp-muted">${esc(` · ${lo === hi ? `${lo}` : `${lo}–${hi}`} on each node · ${nodes[0]!.name} … ${nodes[nodes.length - 1]!.name}`)}</tspan></text>`);
    out.push(`<text class="tp-small" x="${num(x + 12)}" y="${num(y + 40)}">${esc(`each node: pods on cni0 (the podCIDR's first address)${bridged ? `, ${device} in cni0` : `, ${device} routed`}${vni !== undefined ? `, VNI ${vni}` : ''}; every VTEP reaches every other over the underlay`)}</text>`);
    nodes.forEach((n, i) => {
      const mx = x + 12 + (i % perRow) * (MARK + GAP);
      const my = y + head + Math.floor(i / perRow) * (MARK + GAP);
      const tip = `${n.name}${n.role !== n.name ? ` (${n.role})` : ''}: underlay ${n.underlayIp}, ${device} ${n.vtepMac}, podCIDR ${n.podCidr}, ${(n.pods ?? []).length} pods${(n.pods ?? []).length ? ` (${(n.pods ?? []).slice(0, 3).map((p) => `${p.name} ${p.ip}`).join(', ')}${(n.pods ?? []).length > 3 ? ', …' : ''})` : ''}`;
      out.push(`<g id="tp-node-${esc(n.name)}"><title>${esc(tip)}</title><rect class="tp-node-mark" x="${num(mx)}" y="${num(my)}" width="${MARK}" height="${MARK}" rx="3"/><text class="tp-mark-count" x="${num(mx + MARK / 2)}" y="${num(my + 12.5)}" text-anchor="middle">${(n.pods ?? []).length}</text></g>`);
    });
    out.push('</g>');
    return out.join('\n');
  };
  return { w, h, draw };
}
