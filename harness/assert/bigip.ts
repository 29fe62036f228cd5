// Assertions of the failover scenario: data-plane learning on the unit that took over and on the
// nodes, and the failover itself.
import type { HostSnapshot } from '../probes/snapshot.js';
import type { Topology } from '../spec/topology.js';
import type { Outage } from '../probes/outage.js';
import { CNI_BRIDGE } from '../plan/plan.js';
import { listSome, result, type AssertionResult } from './types.js';

/** The unit holds each serving pod's own MAC as a learned (Dynamic yes) entry toward the pod's node VTEP. */
export function assertUnitLearnedPods(topo: Topology, unit: string, servedPods: readonly string[], snaps: readonly HostSnapshot[], evidence: string[]): AssertionResult {
  const b = topo.bigip!;
  const snap = snaps.find((s) => s.host === unit);
  const problems: string[] = [];
  const seen: string[] = [];
  for (const ref of servedPods) {
    const [nodeName, podName] = ref.split('/');
    const node = topo.nodes.find((n) => n.name === nodeName);
    const pod = node?.pods.find((p) => p.name === podName);
    if (!node || !pod) continue;
    const entry = snap?.fdb.find((f) => f.dev === b.tunnel.name && f.mac === pod.mac && f.dst);
    if (!entry) problems.push(`no FDB entry for ${ref} ${pod.mac}`);
    else if (entry.dst !== node.underlayIp) problems.push(`${pod.mac} -> ${entry.dst} (want ${node.underlayIp})`);
    else if (!entry.learned) problems.push(`${pod.mac} -> ${entry.dst} is static (Dynamic no), not learned`);
    else seen.push(`${pod.mac} endpoint:${entry.dst} Dynamic yes`);
    const arp = snap?.neighbours.find((n) => n.dst === pod.ip && n.dev === b.tunnel.name);
    if (arp && arp.lladdr !== pod.mac) problems.push(`ARP ${pod.ip} is ${arp.lladdr} (the pod's own MAC is ${pod.mac})${arp.permanent ? ', static' : ''}`);
  }
  return result(
    `fdb-learning[${unit}]`,
    `${unit} learned the serving pods' own MACs toward their node VTEPs (multipoint flooding, no static pod ARP)`,
    servedPods.length > 0 && problems.length === 0,
    `${servedPods.length} pod MACs as Dynamic entries pointing at their node VTEPs`,
    problems.length === 0 ? listSome(seen) : listSome(problems),
    evidence,
  );
}

/** The node learned the unit's tunnel MAC on cni0's VTEP port, and the VTEP sends that MAC to the unit. */
export function assertNodeLearnedUnit(topo: Topology, node: string, unit: string, snaps: readonly HostSnapshot[], evidence: string[]): AssertionResult {
  const u = topo.bigip!.units.find((x) => x.name === unit)!;
  const dev = topo.flannel.device;
  const snap = snaps.find((s) => s.host === node);
  const problems: string[] = [];
  if (topo.flannel.bridged) {
    const onBridge = snap?.fdb.find((f) => f.mac === u.tunnelMac && f.master === CNI_BRIDGE);
    if (!onBridge) problems.push(`${CNI_BRIDGE} has not learned ${u.tunnelMac}`);
    else if (onBridge.dev !== dev) problems.push(`${CNI_BRIDGE} learned ${u.tunnelMac} on ${onBridge.dev} (want ${dev})`);
  }
  const vtep = snap?.fdb.find((f) => f.mac === u.tunnelMac && f.dev === dev && f.self && f.dst);
  if (!vtep) problems.push(`${dev} has no FDB entry for ${u.tunnelMac}`);
  else if (vtep.dst !== u.underlayIp) problems.push(`${dev} sends ${u.tunnelMac} to ${vtep.dst} (want ${u.underlayIp})`);
  return result(
    `fdb-learning[${node}]`,
    `${node} knows ${unit}'s tunnel MAC: learned on ${CNI_BRIDGE}'s ${dev} port, and ${dev} sends it to ${u.underlayIp}`,
    problems.length === 0,
    `${u.tunnelMac} on ${CNI_BRIDGE} port ${dev}; ${dev}: ${u.tunnelMac} dst ${u.underlayIp}`,
    problems.length === 0 ? `${u.tunnelMac} on ${dev}, dst ${vtep?.dst} (${vtep?.permanent ? 'permanent, from the unit\'s flannel node' : 'learned'})` : listSome(problems),
    evidence,
  );
}

export function assertFailover(outage: Outage, maxOutageMs: number, activeAfter: string | undefined, expectedActive: string, servedAfter: readonly string[], evidence: string[]): AssertionResult {
  const ok = outage.recovered && outage.outageMs !== undefined && outage.outageMs <= maxOutageMs && activeAfter === expectedActive;
  return result(
    'failover',
    `traffic through the VIP recovers within ${maxOutageMs} ms and ${expectedActive} serves it`,
    ok,
    `outage <= ${maxOutageMs} ms; ${expectedActive} active`,
    `${outage.recovered ? `outage ${outage.outageMs?.toFixed(0)} ms` : 'never recovered'}, ${outage.lostInGap} probes lost in the gap (${outage.probesLost}/${outage.probesSent} in all); active after: ${activeAfter ?? 'none'}; TCP answered by ${servedAfter.length ? [...new Set(servedAfter)].join(', ') : 'nobody'}`,
    evidence,
  );
}
