// Assertions of the failover scenario: data-plane learning on the unit that took over and on the
// nodes, and the failover itself. Units are judged on their own state (UnitState, read from the
// unit through its device); nodes on their kernel snapshot.
import type { HostSnapshot } from '../probes/snapshot.js';
import type { Topology } from '../spec/topology.js';
import type { Outage } from '../probes/outage.js';
import type { UnitState } from '../devices/bigip/types.js';
import { CNI_BRIDGE } from '../plan/plan.js';
import { listSome, result, type AssertionResult } from './types.js';

/** The unit holds each serving pod's own MAC as a learned (Dynamic yes) record toward the pod's node VTEP. */
export function assertUnitLearnedPods(topo: Topology, unit: string, state: UnitState | undefined, servedPods: readonly string[], evidence: string[]): AssertionResult {
  const problems: string[] = [];
  const seen: string[] = [];
  if (!state) problems.push(`no state read from ${unit}`);
  for (const ref of servedPods) {
    const [nodeName, podName] = ref.split('/');
    const node = topo.nodes.find((n) => n.name === nodeName);
    const pod = node?.pods.find((p) => p.name === podName);
    if (!node || !pod) {
      problems.push(`unknown pod ${ref}`);
      continue;
    }
    if (!state) continue;
    const record = state.fdb.find((f) => f.mac === pod.mac);
    if (!record) problems.push(`no FDB record for ${ref} ${pod.mac}`);
    else if (record.endpoint !== node.underlayIp) problems.push(`${pod.mac} -> ${record.endpoint} (want ${node.underlayIp})`);
    else if (!record.dynamic) problems.push(`${pod.mac} -> ${record.endpoint} is static (Dynamic no), not learned`);
    else seen.push(`${pod.mac} endpoint:${record.endpoint} Dynamic yes`);
    const arp = state.arp.find((a) => a.address === pod.ip);
    if (arp?.mac && arp.mac !== pod.mac) problems.push(`ARP ${pod.ip} is ${arp.mac} (the pod's own MAC is ${pod.mac})${arp.status === 'static' ? ', static' : ''}`);
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

/**
 * The node reaches the unit's tunnel MAC: cni0 learned it on its VTEP port (a learned entry, never
 * one the harness installed), and the VTEP sends it to the address the unit's tunnel sends from.
 * The VTEP's own entry may be installed (permanent, from the unit's flannel node) or learned from
 * the wire; the result says which it saw.
 */
export function assertNodeLearnedUnit(topo: Topology, node: string, unit: UnitState | undefined, snaps: readonly HostSnapshot[], evidence: string[], unitName = unit?.unit ?? '?'): AssertionResult {
  const dev = topo.flannel.device;
  const tunnel = unit?.tunnels.find((t) => t.name === topo.bigip?.tunnel.name) ?? unit?.tunnels[0];
  const fallback = topo.bigip?.units.find((u) => u.name === unitName);
  const mac = tunnel?.mac ?? fallback?.tunnelMac ?? '?';
  const endpoint = tunnel?.localAddress ?? fallback?.underlayIp ?? '?';
  const snap = snaps.find((s) => s.host === node);
  const problems: string[] = [];
  const saw: string[] = [];
  if (!tunnel) problems.push(`${unitName} shows no tunnel ${topo.bigip?.tunnel.name ?? ''}`);
  if (topo.flannel.bridged) {
    const onBridge = snap?.fdb.find((f) => f.mac === mac && f.master === CNI_BRIDGE);
    if (!onBridge) problems.push(`${CNI_BRIDGE} has not learned ${mac}`);
    else if (onBridge.dev !== dev) problems.push(`${CNI_BRIDGE} learned ${mac} on ${onBridge.dev} (want ${dev})`);
    else if (!onBridge.learned) problems.push(`${CNI_BRIDGE}'s entry for ${mac} on ${dev} is ${onBridge.state || 'static'}: installed, not learned`);
    else saw.push(`${CNI_BRIDGE}: ${mac} on ${dev}, learned`);
  }
  const vtep = snap?.fdb.find((f) => f.mac === mac && f.dev === dev && f.self && f.dst);
  if (!vtep) problems.push(`${dev} has no FDB entry for ${mac}`);
  else if (vtep.dst !== endpoint) problems.push(`${dev} sends ${mac} to ${vtep.dst} (${vtep.permanent ? 'permanent, installed' : 'learned'}), but ${unitName}'s tunnel sends from ${endpoint}`);
  else saw.push(`${dev}: ${mac} dst ${vtep.dst}, ${vtep.permanent ? `permanent (installed by the flannel agent from ${unitName}'s flannel node)` : vtep.learned ? 'learned from the wire' : vtep.state}`);
  return result(
    `fdb-learning[${node}]`,
    `${node} knows ${unitName}'s tunnel MAC: learned on ${CNI_BRIDGE}'s ${dev} port, and ${dev} sends it to ${endpoint}`,
    problems.length === 0,
    `${topo.flannel.bridged ? `${mac} learned on ${CNI_BRIDGE} port ${dev}; ` : ''}${dev}: ${mac} dst ${endpoint} (installed or learned)`,
    problems.length === 0 ? saw.join('; ') : listSome(problems),
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
    `${!outage.recovered ? 'never recovered' : outage.outageMs === undefined ? 'recovered, but no probe was answered before the gap (outage not measurable)' : `outage ${outage.outageMs.toFixed(0)} ms`}, ${outage.lostInGap} probes lost in the gap (${outage.probesLost}/${outage.probesSent} in all); active after (as the units say): ${activeAfter ?? 'none'}; TCP answered by ${servedAfter.length ? [...new Set(servedAfter)].join(', ') : 'nobody'}`,
    evidence,
  );
}
