// `run sys failover standby` on the stand-in: the active unit releases traffic-group-1 while the
// peer takes it; then the peer announces the addresses with gratuitous ARP on every VLAN they
// live on, at once (traffic-group.ts does each part).
import type { BigipTopology, UnitTopology } from '../../../spec/topology.js';
import type { BigipTransport, FailoverTiming } from '../types.js';
import { trafficGroupAddresses, trafficGroupRuleset, tunnelFollowsTrafficGroup } from './config.js';
import { announceTrafficGroup, releaseTrafficGroup, takeTrafficGroup, type TrafficGroupPlan } from './traffic-group.js';

/** traffic-group-1 on one unit, from the scenario's BIG-IP spec. */
export function simTrafficGroup(b: BigipTopology, unit: UnitTopology): TrafficGroupPlan {
  return {
    addresses: trafficGroupAddresses(b),
    tunnels: tunnelFollowsTrafficGroup(b) ? [b.tunnel.name] : [],
    ruleset: trafficGroupRuleset(b, unit),
    virtualAddresses: b.virtualServers.map((vs) => vs.destination),
  };
}

export async function simFailover(t: BigipTransport, b: BigipTopology, fromName: string): Promise<FailoverTiming> {
  const from = b.units.find((u) => u.name === fromName);
  const to = b.units.find((u) => u.name !== fromName);
  if (!from || !to) throw new Error(`failover needs two units; active is ${fromName}`);
  const startedAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const taking = simTrafficGroup(b, to);
  // The peer configures the traffic group while the active unit releases it, but announces it
  // only once the release is complete: until then no client traffic reaches the peer, so no reply
  // can meet a translation the old unit has not flushed yet (on slow hosts that let a flow live on).
  await Promise.all([releaseTrafficGroup(t.node(from.name), simTrafficGroup(b, from)), takeTrafficGroup(t.node(to.name), taking, (ruleset) => t.nft(to.name, ruleset))]);
  announceTrafficGroup(taking, (argv) => t.spawnDetached(to.name, argv));
  return { from: from.name, to: to.name, startedAt, durationMs: performance.now() - t0 };
}
