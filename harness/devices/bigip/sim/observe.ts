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
import { TG_TABLE, UNIT_EXTERNAL_IF, UNIT_UNDERLAY_IF, trafficGroupAddresses, vlanOf, type TrafficGroupAddress } from './config.js';

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

/** How a stand-in unit's kernel devices are named in BIG-IP's terms. */
export interface UnitNaming {
  /** Kernel interface -> the VLAN it is (eth0 -> underlay). */
  vlans: ReadonlyMap<string, string>;
  /** Kernel VXLAN device -> the tunnel it is. */
  tunnels: ReadonlyMap<string, string>;
  /** traffic-group-1's addresses: a floating self IP is one, a virtual address is no self IP at all. */
  trafficGroup: readonly TrafficGroupAddress[];
}

/** How sim names its devices: eth0 and ext0 are the underlay and external VLANs, the tunnel keeps its name. */
export function simNaming(b: BigipTopology): UnitNaming {
  return {
    vlans: new Map([UNIT_UNDERLAY_IF, UNIT_EXTERNAL_IF].map((dev) => [dev, vlanOf(b, dev)])),
    tunnels: new Map([[b.tunnel.name, b.tunnel.name]]),
    trafficGroup: trafficGroupAddresses(b),
  };
}

/** The device-neutral state of a stand-in unit, from its kernel snapshot. Pure (unit-tested). */
export function unitStateOf(unit: string, b: BigipTopology, snap: HostSnapshot, active: boolean): UnitState {
  return unitStateFrom(unit, simNaming(b), snap, active);
}

/** The same for any naming of the unit's devices (the tmsh face's names its objects were created with). Pure. */
export function unitStateFrom(unit: string, naming: UnitNaming, snap: HostSnapshot, active: boolean): UnitState {
  const nameOf = (dev: string) => naming.tunnels.get(dev) ?? naming.vlans.get(dev) ?? dev;
  const known = (dev: string) => naming.tunnels.has(dev) || naming.vlans.has(dev);
  const floating = new Map(naming.trafficGroup.map((a) => [`${a.dev} ${a.ip}`, a]));
  return {
    unit,
    failoverStatus: active ? 'ACTIVE' : 'STANDBY',
    tunnels: snap.links
      .filter((l) => naming.tunnels.has(l.name) && l.vxlan)
      .map((l) => ({ name: nameOf(l.name), mac: l.mac, key: l.vxlan!.id, ...(l.vxlan!.local ? { localAddress: l.vxlan!.local } : {}), mtu: l.mtu, up: l.up })),
    vlans: snap.links.filter((l) => naming.vlans.has(l.name)).map((l) => ({ name: nameOf(l.name), mtu: l.mtu })),
    fdb: snap.fdb
      .filter((f) => naming.tunnels.has(f.dev) && f.dst && f.mac !== ZERO_MAC)
      .map((f) => ({ tunnel: nameOf(f.dev), mac: f.mac, endpoint: f.dst!, dynamic: f.learned })),
    arp: snap.neighbours.filter((n) => known(n.dev)).map((n): UnitArpEntry => ({ address: n.dst, ...(n.lladdr ? { mac: n.lladdr } : {}), vlan: nameOf(n.dev), status: arpStatus(n) })),
    selfIps: snap.addrs
      .filter((a) => known(a.ifname))
      .flatMap((a) =>
        a.addrs
          .filter((x) => x.family === 'inet')
          .flatMap((x): UnitSelfIp[] => {
            const tg = floating.get(`${a.ifname} ${x.local}`);
            // A virtual server's destination is a virtual address, not a self IP.
            if (tg?.virtual) return [];
            return [{ address: `${x.local}/${x.prefixlen}`, vlan: nameOf(a.ifname), trafficGroup: tg ? 'traffic-group-1' : 'traffic-group-local-only', floating: tg !== undefined }];
          }),
      ),
  };
}

function arpStatus(n: NeighbourInfo): UnitArpEntry['status'] {
  if (n.permanent) return 'static';
  if (n.states.includes('INCOMPLETE') || n.states.includes('FAILED')) return 'incomplete';
  return n.lladdr ? 'resolved' : 'unknown';
}
