// Reads a stand-in unit's state from its own kernel, in BIG-IP's terms: the tunnel (a VXLAN
// device), its FDB records (learned entries are `Dynamic yes`), ARP, self IPs, and the failover
// status, which is whether traffic-group-1's ruleset is loaded in the unit (the unit processes
// the group's virtual servers exactly when it is loaded): read from the unit, never inferred
// from who holds a virtual address.
import type { NodeHandle } from '../../../providers/types.js';
import type { BigipTopology } from '../../../spec/topology.js';
import { snapshotHost, type HostSnapshot } from '../../../probes/snapshot.js';
import type { NeighbourInfo } from '../../linux/parse.js';
import type { FailoverStatus, UnitArpEntry, UnitSelfIp, UnitState } from '../types.js';
import { TG_TABLE, UNIT_EXTERNAL_IF, UNIT_UNDERLAY_IF, trafficGroupAddresses, vlanOf } from './config.js';

const ZERO_MAC = '00:00:00:00:00:00';

export async function readSimUnit(node: NodeHandle, b: BigipTopology): Promise<UnitState> {
  const [snap, status] = await Promise.all([snapshotHost(node), readSimFailoverStatus(node)]);
  return unitStateOf(node.id, b, snap, status === 'ACTIVE');
}

/** ACTIVE exactly when traffic-group-1's ruleset is loaded in the unit. */
export async function readSimFailoverStatus(node: NodeHandle): Promise<FailoverStatus> {
  const tables = await node.exec(['nft', 'list', 'tables'], { allowFailure: true });
  if (tables.exitCode !== 0) return 'UNKNOWN';
  return tables.stdout.split('\n').some((l) => l.trim() === `table ip ${TG_TABLE}`) ? 'ACTIVE' : 'STANDBY';
}

/** The device-neutral state of a stand-in unit, from its kernel snapshot. Pure (unit-tested). */
export function unitStateOf(unit: string, b: BigipTopology, snap: HostSnapshot, active: boolean): UnitState {
  const devices = new Set([b.tunnel.name, UNIT_UNDERLAY_IF, UNIT_EXTERNAL_IF]);
  const floating = new Map(trafficGroupAddresses(b).map((a) => [`${a.dev} ${a.ip}`, a]));
  return {
    unit,
    failoverStatus: active ? 'ACTIVE' : 'STANDBY',
    tunnels: snap.links
      .filter((l) => l.name === b.tunnel.name && l.vxlan)
      .map((l) => ({ name: l.name, mac: l.mac, key: l.vxlan!.id, ...(l.vxlan!.local ? { localAddress: l.vxlan!.local } : {}), mtu: l.mtu, up: l.up })),
    vlans: snap.links.filter((l) => l.name === UNIT_UNDERLAY_IF || l.name === UNIT_EXTERNAL_IF).map((l) => ({ name: vlanOf(b, l.name), mtu: l.mtu })),
    fdb: snap.fdb
      .filter((f) => f.dev === b.tunnel.name && f.dst && f.mac !== ZERO_MAC)
      .map((f) => ({ tunnel: b.tunnel.name, mac: f.mac, endpoint: f.dst!, dynamic: f.learned })),
    arp: snap.neighbours.filter((n) => devices.has(n.dev)).map((n): UnitArpEntry => ({ address: n.dst, ...(n.lladdr ? { mac: n.lladdr } : {}), vlan: vlanOf(b, n.dev), status: arpStatus(n) })),
    selfIps: snap.addrs
      .filter((a) => devices.has(a.ifname))
      .flatMap((a) =>
        a.addrs
          .filter((x) => x.family === 'inet')
          .flatMap((x): UnitSelfIp[] => {
            const tg = floating.get(`${a.ifname} ${x.local}`);
            // A virtual server's destination is a virtual address, not a self IP.
            if (tg?.virtual) return [];
            return [{ address: `${x.local}/${x.prefixlen}`, vlan: vlanOf(b, a.ifname), trafficGroup: tg ? 'traffic-group-1' : 'traffic-group-local-only', floating: tg !== undefined }];
          }),
      ),
  };
}

function arpStatus(n: NeighbourInfo): UnitArpEntry['status'] {
  if (n.permanent) return 'static';
  if (n.states.includes('INCOMPLETE') || n.states.includes('FAILED')) return 'incomplete';
  return n.lladdr ? 'resolved' : 'unknown';
}
