// A node that left the cluster, as flannel's registry tells it: listed at the run's first
// observation and no longer listed later (a node that never registered has not left, and its
// checks still fail). Once it has left, nothing is expected to reach its pods or to be reached
// from it, except by a unit that still holds it, as the unit's own state shows: a static FDB record
// toward its VTEP (Dynamic no, as CIS writes them) or static ARP for one of its pods. Such a unit
// still sends there, so those pods must still answer it: a unit keeping a departed node is the
// node-leave reproduction's symptom, and CIS forgetting it (bigip-forget-node) is the fix.
import type { FlannelLease } from '../overlay/flannel/types.js';
import type { NodeTopology } from '../spec/topology.js';
import type { UnitState } from '../devices/bigip/types.js';
import type { PingResult } from '../probes/ping.js';
import { podHostId } from '../plan/plan.js';

/** The nodes `first` listed (a lease for their podCIDR) and `now` does not. */
export function leftNodes(nodes: readonly NodeTopology[], first: readonly FlannelLease[] | undefined, now: readonly FlannelLease[] | undefined): NodeTopology[] {
  if (!first || !now) return [];
  const listed = (leases: readonly FlannelLease[], n: NodeTopology) => leases.some((l) => l.subnet === n.podCidr);
  return nodes.filter((n) => listed(first, n) && !listed(now, n));
}

/** The unit still sends to the pod: a static record toward its node's VTEP, or static ARP for it. */
export function unitHolds(unit: UnitState, node: NodeTopology, podIp: string): boolean {
  return unit.fdb.some((r) => !r.dynamic && r.endpoint === node.underlayIp) || unit.arp.some((a) => a.status === 'static' && a.address === podIp);
}

export interface ExpectedProbes {
  /** The probes that must be answered (stillHeld among them). */
  expected: PingResult[];
  /** From or to a node that left: no longer has to be answered. */
  notExpected: PingResult[];
  /** From a unit to a pod of a node that left, which the unit still holds: still has to be answered. */
  stillHeld: PingResult[];
  /** The nodes that left. */
  left: string[];
}

/** Splits a reachability matrix into the probes that must be answered and those of nodes that left. */
export function expectedProbes(nodes: readonly NodeTopology[], left: readonly NodeTopology[], matrix: readonly PingResult[], units: readonly UnitState[]): ExpectedProbes {
  const gone = new Set(left.map((n) => n.name));
  const nodeOfHost = (host: string) => nodes.find((n) => n.name === host || n.pods.some((p) => podHostId(n.name, p.name) === host));
  const nodeOfPod = (ip: string) => nodes.find((n) => n.pods.some((p) => p.ip === ip));
  const out: ExpectedProbes = { expected: [], notExpected: [], stillHeld: [], left: [...gone] };
  for (const probe of matrix) {
    const from = nodeOfHost(probe.from);
    const to = nodeOfPod(probe.to);
    const unit = units.find((u) => u.unit === probe.from);
    const departed = (from !== undefined && gone.has(from.name)) || (to !== undefined && gone.has(to.name));
    const stillHeld = departed && unit !== undefined && to !== undefined && unitHolds(unit, to, probe.to);
    if (departed && !stillHeld) out.notExpected.push(probe);
    else out.expected.push(probe);
    if (stillHeld) out.stillHeld.push(probe);
  }
  return out;
}
