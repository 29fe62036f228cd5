// Assertions over the underlay captures: what the wire carried, not what the kernel was told.
import type { PcapEvidence } from '../probes/pcap-evidence.js';
import type { Topology } from '../spec/topology.js';
import type { HostSnapshot } from '../probes/snapshot.js';
import type { UnitState } from '../devices/bigip/types.js';
import { listSome, result, type AssertionResult } from './types.js';

/** Ethernet header of the inner frame: the overlay MTU counts from the inner IP header. */
const ETH_HEADER = 14;

/** A VTEP as its host showed it at an observation: the address it receives on and a VNI it accepts. */
export interface HeldVni {
  host: string;
  address: string;
  vni: number;
}

/** Every VTEP the observations saw: the nodes' VXLAN devices (kernel state) and the units' tunnels (their own state). */
export function heldVnis(topo: Topology, snapshots: readonly HostSnapshot[], units: readonly UnitState[]): HeldVni[] {
  const held = new Map<string, HeldVni>();
  const add = (host: string, address: string | undefined, vni: number | undefined) => {
    if (address !== undefined && vni !== undefined) held.set(`${address} ${vni}`, { host, address, vni });
  };
  // A device without a local address receives on its host's underlay address.
  for (const snap of snapshots) {
    const node = topo.nodes.find((n) => n.name === snap.host);
    for (const l of snap.links) if (l.vxlan) add(snap.host, l.vxlan.local ?? node?.underlayIp, l.vxlan.id);
  }
  for (const u of units) {
    const unit = topo.bigip?.units.find((x) => x.name === u.unit);
    for (const t of u.tunnels) add(u.unit, t.localAddress ?? unit?.underlayIp, t.key);
  }
  return [...held.values()];
}

/**
 * Every VXLAN packet carries the scenario's VNI (flannel's or the tunnel's key) and port; or,
 * when the run changed a VNI, one its receiving VTEP was seen to hold (`held`: the devices' own
 * state at the observations). A packet toward a VTEP that never held its VNI is dropped there.
 */
export function assertPcapVxlanHeaders(topo: Topology, pcaps: readonly PcapEvidence[], held: readonly HeldVni[] = []): AssertionResult {
  const vnis = new Set([topo.flannel.vni, ...(topo.bigip ? [topo.bigip.tunnel.key] : [])]);
  const ports = new Set([topo.flannel.port, ...(topo.bigip ? [topo.bigip.profile.port] : [])]);
  const changed = [...new Set(held.map((h) => h.vni).filter((v) => !vnis.has(v)))].sort((a, b) => a - b);
  const receiver = (address: string) => {
    const at = held.filter((h) => h.address === address);
    return `${at[0]?.host ?? 'a host'} ${address}${at.length ? ` (it held VNI ${[...new Set(at.map((h) => h.vni))].join('/')})` : ''}`;
  };
  const wrong: string[] = [];
  let total = 0;
  for (const p of pcaps) {
    total += p.summary.vxlanPackets;
    for (const v of p.summary.vnis) {
      if (vnis.has(v.vni)) continue;
      if (changed.length === 0) {
        wrong.push(`${p.artifact.node}: ${v.packets} packets with VNI ${v.vni}`);
        continue;
      }
      const toward = new Map<string, string[]>();
      for (const f of p.summary.flows) if (f.vnis.includes(v.vni) && !held.some((h) => h.address === f.dst && h.vni === v.vni)) toward.set(f.dst, [...(toward.get(f.dst) ?? []), f.src]);
      if (toward.size) wrong.push(`${p.artifact.node}: VNI ${v.vni} toward ${[...toward].map(([dst, srcs]) => `${receiver(dst)} from ${srcs.join(', ')}`).join('; ')}`);
    }
    for (const f of p.summary.flows) for (const port of f.dstPorts) if (!ports.has(port)) wrong.push(`${p.artifact.node}: ${f.src} -> ${f.dst} on port ${port}`);
  }
  const seen = [...new Set(pcaps.flatMap((p) => p.summary.vnis.map((v) => v.vni)))].sort((a, b) => a - b);
  return result(
    'pcap-vxlan-headers',
    'every VXLAN packet on the underlay carries the scenario\'s VNI and port',
    total > 0 && wrong.length === 0,
    `VNI ${[...vnis].join('/')} on port ${[...ports].join('/')}${changed.length ? `, or VNI ${changed.join('/')} toward a VTEP that held it` : ''}`,
    total === 0 ? 'no VXLAN packets captured' : wrong.length ? listSome(wrong) : `${total} VXLAN packets, VNI ${seen.join(', ')}`,
    pcaps.map((p) => p.evidencePath),
  );
}

export function assertPcapSizes(topo: Topology, pcaps: readonly PcapEvidence[]): AssertionResult {
  const underlayMtu = topo.underlay.mtu;
  const overlayMtu = Math.max(topo.flannel.mtu, topo.bigip?.tunnel.mtu ?? 0);
  const wrong: string[] = [];
  let maxOuter = 0;
  let maxInner = 0;
  let packets = 0;
  for (const p of pcaps) {
    const s = p.summary;
    packets += s.vxlanPackets;
    maxOuter = Math.max(maxOuter, s.maxOuterIpTotalLength);
    maxInner = Math.max(maxInner, s.maxInnerFrameLength);
    if (s.maxOuterIpTotalLength > underlayMtu) wrong.push(`${p.artifact.node}: outer IPv4 length ${s.maxOuterIpTotalLength} > ${underlayMtu}`);
    if (s.outerIpv4Fragments > 0) wrong.push(`${p.artifact.node}: ${s.outerIpv4Fragments} outer IPv4 fragments`);
    if (s.maxInnerFrameLength > overlayMtu + ETH_HEADER) wrong.push(`${p.artifact.node}: inner frame ${s.maxInnerFrameLength} B > ${overlayMtu + ETH_HEADER}`);
  }
  return result(
    'pcap-sizes',
    'outer packets fit the underlay MTU unfragmented; inner frames fit the overlay MTU',
    // Nothing captured proves nothing: sizes are judged on VXLAN packets the wire really carried.
    packets > 0 && wrong.length === 0,
    `outer IPv4 <= ${underlayMtu} B, no outer fragments, inner frame <= ${overlayMtu + ETH_HEADER} B`,
    packets === 0 ? 'no VXLAN packets captured' : wrong.length ? listSome(wrong) : `largest outer IPv4 ${maxOuter} B, largest inner frame ${maxInner} B, no fragments (${packets} VXLAN packets)`,
    pcaps.map((p) => p.evidencePath),
  );
}

/**
 * Multipoint flooding: a unit's ARP requests (inner, from its tunnel MAC and a tunnel self IP it held) reach every
 * flannel node's VTEP. The nodes expected come from the flannel registry (the agent's listing),
 * the unit's MAC and address from the unit's own state: neither from what configured the unit,
 * so a unit that floods nowhere (it knows no VTEP) fails here.
 */
export function assertUnitArpFlooded(unit: string, identity: { mac: string; ips: readonly string[] }, flannelNodes: readonly { node: string; publicIp: string }[], pcaps: readonly PcapEvidence[]): AssertionResult {
  const missing: string[] = [];
  const counts: string[] = [];
  for (const { node } of flannelNodes) {
    const p = pcaps.find((x) => x.artifact.node === node);
    // Requests the unit itself sent: from one of its addresses and from its MAC (another MAC's request with the same address does not count).
    const requests = p?.summary.arp.inner.senders.filter((s) => identity.ips.includes(s.ip)).reduce((n, s) => n + (s.requestsByMac?.[identity.mac] ?? 0), 0) ?? 0;
    if (!p) missing.push(`${node} (not captured)`);
    else if (requests === 0) missing.push(node);
    counts.push(`${node} ${requests}`);
  }
  const nodes = flannelNodes.map((n) => n.node);
  return result(
    `pcap-arp-flooding[${unit}]`,
    `${unit}'s ARP requests for pods reach every node VTEP (multipoint flooding)`,
    flannelNodes.length > 0 && missing.length === 0,
    `ARP requests from ${identity.ips.join(' or ') || 'its tunnel self IP'} (${identity.mac}) on the underlay of every flannel node (${nodes.join(', ') || 'the registry lists none'})`,
    missing.length ? `none seen on ${missing.join(', ')} (requests per node: ${counts.join(', ')})` : `requests per node: ${counts.join(', ')}`,
    pcaps.filter((p) => nodes.includes(p.artifact.node)).map((p) => p.evidencePath),
  );
}

/**
 * After failover, VIP traffic reaching the pods comes from the new active unit's tunnel: its MAC
 * and the address it sends from, as the unit itself shows them (`sender`; without it, the
 * scenario's values).
 */
export function assertVipTrafficFromUnit(topo: Topology, unit: string, failoverAt: number, settleMs: number, pcaps: readonly PcapEvidence[], sender?: { mac: string; address: string }): AssertionResult {
  const u = topo.bigip!.units.find((x) => x.name === unit)!;
  const mac = sender?.mac ?? u.tunnelMac;
  const address = sender?.address ?? u.underlayIp;
  const after = pcaps.filter((p) => topo.nodes.some((n) => n.name === p.artifact.node)).flatMap((p) => p.vipPackets.filter((v) => v.atMs > failoverAt + settleMs).map((v) => ({ ...v, node: p.artifact.node })));
  const wrong = after.filter((v) => v.innerSrcMac !== mac || v.outerSrc !== address);
  return result(
    `pcap-vip-source[${unit}]`,
    `after failover, VIP traffic reaches the pods from ${unit}'s tunnel MAC and the address its tunnel sends from`,
    after.length > 0 && wrong.length === 0,
    `inner source MAC ${mac}, outer source ${address}`,
    after.length === 0
      ? 'no VIP traffic captured on the nodes after failover'
      : wrong.length
        ? `${wrong.length}/${after.length} packets from elsewhere: ${listSome([...new Set(wrong.map((w) => `${w.innerSrcMac} via ${w.outerSrc}`))])}`
        : `${after.length} packets, all from ${mac} via ${address}`,
    pcaps.map((p) => p.evidencePath),
  );
}
