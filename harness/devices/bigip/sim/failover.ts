// `run sys failover standby` on the stand-in: the active unit releases traffic-group-1 (virtual
// servers, floating addresses, a traffic-group-1 tunnel, and the flows it translated) while the
// peer takes them; then the peer announces the addresses with gratuitous ARP on every VLAN they
// live on, at once.
import type { BigipTopology, UnitTopology } from '../../../spec/topology.js';
import type { BigipTransport, FailoverTiming } from '../types.js';
import { batchText as batch } from '../../linux/apply.js';
import { TG_TABLE, trafficGroupAddresses, trafficGroupRuleset, tunnelFollowsTrafficGroup } from './config.js';

async function releaseTrafficGroup(t: BigipTransport, b: BigipTopology, unit: UnitTopology): Promise<void> {
  const node = t.node(unit.name);
  // Drop the translation first: with the DNAT gone and conntrack flushed, nothing old keeps flowing.
  await node.exec(['nft', 'delete', 'table', 'ip', TG_TABLE], { allowFailure: true });
  const lines = [...trafficGroupAddresses(b).map((a) => ['addr', 'del', a.cidr, 'dev', a.dev]), ...(tunnelFollowsTrafficGroup(b) ? [['link', 'set', 'dev', b.tunnel.name, 'down']] : [])];
  await Promise.all([
    node.exec(['ip', '-force', '-batch', '-'], { stdin: batch(lines), allowFailure: true }),
    ...b.virtualServers.map((vs) => node.exec(['conntrack', '-D', '--orig-dst', vs.destination], { allowFailure: true })),
  ]);
}

async function takeTrafficGroup(t: BigipTransport, b: BigipTopology, unit: UnitTopology): Promise<void> {
  const lines = [...trafficGroupAddresses(b).map((a) => ['addr', 'replace', a.cidr, 'dev', a.dev]), ...(tunnelFollowsTrafficGroup(b) ? [['link', 'set', 'dev', b.tunnel.name, 'up']] : [])];
  await Promise.all([t.node(unit.name).exec(['ip', '-batch', '-'], { stdin: batch(lines) }), t.nft(unit.name, trafficGroupRuleset(b, unit))]);
}

/** Gratuitous ARP for every traffic-group address, on the VLAN it lives on, all at once. */
function announceTrafficGroup(t: BigipTransport, b: BigipTopology, unit: UnitTopology): void {
  // arping -c 1 returns about a second after sending: start them all, do not wait for them.
  for (const a of trafficGroupAddresses(b)) t.spawnDetached(unit.name, ['arping', '-q', '-U', '-c', '1', '-I', a.dev, a.ip]);
}

export async function simFailover(t: BigipTransport, b: BigipTopology, fromName: string): Promise<FailoverTiming> {
  const from = b.units.find((u) => u.name === fromName);
  const to = b.units.find((u) => u.name !== fromName);
  if (!from || !to) throw new Error(`failover needs two units; active is ${fromName}`);
  const startedAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  // The peer configures the traffic group while the active unit releases it, but announces it
  // only once the release is complete: until then no client traffic reaches the peer, so no reply
  // can meet a translation the old unit has not flushed yet (on slow hosts that let a flow live on).
  await Promise.all([releaseTrafficGroup(t, b, from), takeTrafficGroup(t, b, to)]);
  announceTrafficGroup(t, b, to);
  return { from: from.name, to: to.name, startedAt, durationMs: performance.now() - t0 };
}
