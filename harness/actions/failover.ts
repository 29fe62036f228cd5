// `run sys failover standby` on the active unit: it releases traffic-group-1 (virtual servers,
// addresses, and the flows it translated) while the peer takes the addresses; then the peer
// announces them with gratuitous ARP on every VLAN they live on, at once.
import type { Provider } from '../providers/types.js';
import type { BigipTopology, UnitTopology } from '../spec/topology.js';
import { TG_TABLE, trafficGroupAddresses, trafficGroupRuleset } from '../devices/bigip/sim.js';

const batch = (lines: string[][]) => lines.map((l) => l.join(' ')).join('\n') + '\n';

export async function releaseTrafficGroup(provider: Provider, b: BigipTopology, unit: UnitTopology): Promise<void> {
  const node = provider.node(unit.name);
  // Drop the translation first: with the DNAT gone and conntrack flushed, nothing old keeps flowing.
  await node.exec(['nft', 'delete', 'table', 'ip', TG_TABLE], { allowFailure: true });
  await Promise.all([
    node.exec(['ip', '-force', '-batch', '-'], { stdin: batch(trafficGroupAddresses(b).map((a) => ['addr', 'del', a.cidr, 'dev', a.dev])), allowFailure: true }),
    ...b.virtualServers.map((vs) => node.exec(['conntrack', '-D', '--orig-dst', vs.destination], { allowFailure: true })),
  ]);
}

export async function takeTrafficGroup(provider: Provider, b: BigipTopology, unit: UnitTopology): Promise<void> {
  const node = provider.node(unit.name);
  const addresses = trafficGroupAddresses(b);
  await Promise.all([
    node.exec(['ip', '-batch', '-'], { stdin: batch(addresses.map((a) => ['addr', 'replace', a.cidr, 'dev', a.dev])) }),
    provider.nft(unit.name, trafficGroupRuleset(b, unit)),
  ]);
}

/** Gratuitous ARP for every traffic-group address, on the VLAN it lives on, all at once. */
export function announceTrafficGroup(provider: Provider, b: BigipTopology, unit: UnitTopology): void {
  // arping -c 1 returns about a second after sending: start them all, do not wait for them.
  for (const a of trafficGroupAddresses(b)) provider.spawn(unit.name, ['arping', '-q', '-U', '-c', '1', '-I', a.dev, a.ip]);
}

export interface FailoverTiming {
  from: string;
  to: string;
  startedAt: number;
  durationMs: number;
}

export async function failover(provider: Provider, b: BigipTopology, fromName: string): Promise<FailoverTiming> {
  const from = b.units.find((u) => u.name === fromName);
  const to = b.units.find((u) => u.name !== fromName);
  if (!from || !to) throw new Error(`failover needs two units; active is ${fromName}`);
  const startedAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  // The peer configures the traffic group while the active unit releases it, but announces it
  // only once the release is complete: until then no client traffic reaches the peer, so no reply
  // can meet a translation the old unit has not flushed yet (on slow hosts that let a flow live on).
  await Promise.all([releaseTrafficGroup(provider, b, from), takeTrafficGroup(provider, b, to)]);
  announceTrafficGroup(provider, b, to);
  return { from: from.name, to: to.name, startedAt, durationMs: performance.now() - t0 };
}
