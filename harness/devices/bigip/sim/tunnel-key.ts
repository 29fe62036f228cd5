// `modify net tunnels tunnel <t> key <key>` on the stand-in. The kernel cannot change a VXLAN
// device's VNI in place, so each unit makes its tunnel again from the intent the boot used
// (config.ts) with the new key: the same MAC, local-address, port and MTU, its self IP, its FDB
// records and flood entries, CIS's static ARP, up on both units; a traffic-group-1 tunnel comes up,
// with the group's addresses on it, only on the unit that holds the group by its own failover
// status. What the unit had learned (Dynamic FDB entries, resolved ARP) goes with the old device
// and is learned again from the traffic.
import type { Topology, UnitTopology } from '../../../spec/topology.js';
import type { LinuxIntent } from '../../linux/intent.js';
import { applyIntent } from '../../linux/apply.js';
import type { BigipTransport } from '../types.js';
import { readSimFailoverStatus } from './observe.js';
import { trafficGroupHeldIntent, tunnelUpUnlessInTrafficGroup, unitFdbIntent, unitStaticArpIntent, unitTunnelIntent } from './config.js';

/** The units' configuration with the tunnel's new key. Pure. */
export function withTunnelKey(topology: Topology, key: number): Topology {
  const b = topology.bigip!;
  return { ...topology, bigip: { ...b, tunnel: { ...b.tunnel, key } } };
}

/**
 * The unit's tunnel deleted and made again from `topology` (which has the new key). Pure. It comes
 * up only once its FDB records and flood entries are there: an ARP request sent before would reach
 * no VTEP, and the kernel asks again only a second later.
 */
export function remakeTunnelIntent(topology: Topology, unit: UnitTopology, active: boolean): LinuxIntent[] {
  const b = topology.bigip!;
  return [
    { kind: 'link-removed', dev: b.tunnel.name },
    ...unitTunnelIntent(topology, unit),
    ...unitFdbIntent(topology),
    ...(active ? trafficGroupHeldIntent(b, b.tunnel.name) : []),
    ...tunnelUpUnlessInTrafficGroup(b),
    ...unitStaticArpIntent(topology),
  ];
}

export async function simSetTunnelKey(t: BigipTransport, topology: Topology): Promise<void> {
  await Promise.all(
    topology.bigip!.units.map(async (unit) => {
      const node = t.node(unit.name);
      const active = (await readSimFailoverStatus(node)) === 'ACTIVE';
      await applyIntent(node, remakeTunnelIntent(topology, unit, active));
    }),
  );
}
