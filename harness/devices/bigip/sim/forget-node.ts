// CIS catching up with a node that left the cluster, on the stand-in. What CIS wrote for the node
// is removed from both units: its FDB records (and with them the flooding to its VTEP) and the
// static ARP of its pods. Its pods leave the pools: the unit that holds traffic-group-1 (by its own
// failover status) loads the group's ruleset again without them, in one transaction, and drops
// the flows it had translated to them (conntrack would keep translating them); the standby takes
// the new pools at a later failover, since the pair fails over with the configuration as changed
// here. What the units learned from the data plane (Dynamic entries) ages out, as on BIG-IP.
import type { Topology } from '../../../spec/topology.js';
import type { LinuxIntent } from '../../linux/intent.js';
import { applyIntent } from '../../linux/apply.js';
import type { BigipTransport } from '../types.js';
import { readSimFailoverStatus } from './observe.js';
import { TG_TABLE, replacingTable, trafficGroupRuleset, unitFdbIntent, unitStaticArpIntent } from './config.js';

const ZERO_MAC = '00:00:00:00:00:00';

/** The units' configuration without the node: CIS knows neither it nor its pods any more. Pure. */
export function withoutNode(topology: Topology, node: string): Topology {
  const b = topology.bigip!;
  return {
    ...topology,
    nodes: topology.nodes.filter((n) => n.name !== node),
    bigip: { ...b, virtualServers: b.virtualServers.map((vs) => ({ ...vs, pool: vs.pool.filter((m) => m.node !== node) })) },
  };
}

/** What CIS wrote for `before` and no longer writes for `after`, as its removal. Pure. */
export function forgetIntent(before: Topology, after: Topology): LinuxIntent[] {
  const written = (t: Topology) => [...unitFdbIntent(t), ...unitStaticArpIntent(t)];
  const kept = new Set(written(after).map((i) => JSON.stringify(i)));
  return written(before)
    .filter((i) => !kept.has(JSON.stringify(i)))
    .map(removal);
}

function removal(i: LinuxIntent): LinuxIntent {
  switch (i.kind) {
    case 'fdb-vtep':
      return { kind: 'fdb-removed', mac: i.mac, dev: i.dev, dst: i.dst };
    case 'fdb-flood':
      return { kind: 'fdb-removed', mac: ZERO_MAC, dev: i.dev, dst: i.dst };
    case 'neighbour':
      return { kind: 'neighbour-removed', ip: i.ip, dev: i.dev };
    default:
      throw new Error(`CIS writes no ${i.kind} on a unit`);
  }
}

export async function simForgetNode(t: BigipTransport, before: Topology, after: Topology): Promise<void> {
  const b = after.bigip!;
  const kept = new Set(b.virtualServers.flatMap((vs) => vs.pool.map((m) => m.ip)));
  const gone = [...new Set(before.bigip!.virtualServers.flatMap((vs) => vs.pool.map((m) => m.ip)))].filter((ip) => !kept.has(ip));
  const removed = forgetIntent(before, after);
  await Promise.all(
    b.units.map(async (unit) => {
      const node = t.node(unit.name);
      await applyIntent(node, removed);
      if ((await readSimFailoverStatus(node)) !== 'ACTIVE') return;
      await t.nft(unit.name, replacingTable(TG_TABLE, trafficGroupRuleset(b, unit)));
      await Promise.all(gone.map((ip) => node.exec(['conntrack', '-D', '--reply-src', ip], { allowFailure: true })));
    }),
  );
}
