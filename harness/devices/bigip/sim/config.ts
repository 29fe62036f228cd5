// What the stand-in programs into a unit's kernel for the scenario's BIG-IP spec: pure functions
// from the topology to Linux intent and nftables rulesets (see index.ts for what it reproduces).
// The Linux device (devices/linux/render.ts) turns the intent into iproute2 words.
import type { BigipTopology, Topology, UnitTopology } from '../../../spec/topology.js';
import type { LinuxIntent } from '../../linux/intent.js';
import { trafficGroupTable, virtualAddressFilter, type DnatRule } from './rulesets.js';

export const UNIT_UNDERLAY_IF = 'eth0';
export const UNIT_EXTERNAL_IF = 'ext0';
export { BASE_TABLE, TG_TABLE } from './rulesets.js';
/** VXLAN over IPv4 adds 50 bytes: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8. */
const VXLAN_OVERHEAD = 50;

/** The VLAN names the stand-in gives its interfaces, as `show net arp` and `list net self` print them. */
export function vlanOf(b: BigipTopology, dev: string): string {
  if (dev === b.tunnel.name) return b.tunnel.name;
  if (dev === UNIT_UNDERLAY_IF) return 'underlay';
  if (dev === UNIT_EXTERNAL_IF) return 'external';
  return dev;
}

/** The floating self IP on the underlay that a `localAddress: floating` tunnel uses (semantics checks it exists). */
export function floatingLocalAddress(b: BigipTopology): string | undefined {
  return b.floatingSelfIps.find((f) => f.vlan === 'underlay')?.address.split('/')[0];
}

/** The tunnel's local-address: the unit's non-floating underlay self IP, or traffic-group-1's floating one. */
export function tunnelLocalAddress(b: BigipTopology, unit: UnitTopology): string {
  return b.tunnel.localAddress === 'floating' ? (floatingLocalAddress(b) ?? unit.underlayIp) : unit.underlayIp;
}

/** A tunnel in traffic-group-1 is up on the unit active for the group only, and moves with it. */
export const tunnelFollowsTrafficGroup = (b: BigipTopology): boolean => b.tunnel.trafficGroup === 'traffic-group-1';

const up = (dev: string): LinuxIntent => ({ kind: 'link-up', dev });

export function unitBootIntent(topology: Topology, unit: UnitTopology): LinuxIntent[] {
  const b = topology.bigip!;
  const peers = [...topology.nodes.map((n) => ({ ip: n.underlayIp, mac: n.underlayMac })), ...b.units.filter((u) => u !== unit).map((u) => ({ ip: u.underlayIp, mac: u.underlayMac }))];
  return [
    up('lo'),
    { kind: 'ipv6-addrgen-off', dev: UNIT_UNDERLAY_IF },
    { kind: 'ipv6-addrgen-off', dev: UNIT_EXTERNAL_IF },
    up(UNIT_UNDERLAY_IF),
    up(UNIT_EXTERNAL_IF),
    { kind: 'address', cidr: `${unit.underlayIp}/${topology.underlay.prefixLength}`, dev: UNIT_UNDERLAY_IF },
    { kind: 'address', cidr: `${unit.externalIp}/${b.external.prefixLength}`, dev: UNIT_EXTERNAL_IF },
    ...peers.map((p): LinuxIntent => ({ kind: 'neighbour', ip: p.ip, mac: p.mac, dev: UNIT_UNDERLAY_IF })),
    ...unitTunnelIntent(topology, unit),
    ...tunnelUpUnlessInTrafficGroup(b),
    ...unitStaticArpIntent(topology),
  ];
}

/**
 * The tunnel device as the unit makes it: VXLAN with the key, the port, the local-address, the MTU
 * and its MAC, and its self IP. The boot's, and what a unit makes again when its key changes (the
 * kernel cannot change a VNI in place).
 */
export function unitTunnelIntent(topology: Topology, unit: UnitTopology): LinuxIntent[] {
  const b = topology.bigip!;
  return [
    {
      kind: 'vxlan-device',
      name: b.tunnel.name,
      vni: b.tunnel.key,
      port: b.profile.port,
      // A floating local-address is traffic-group-1's: the kernel sends from it only on the unit
      // that holds it, which is what BIG-IP does with such a tunnel.
      local: tunnelLocalAddress(b, unit),
      dev: b.tunnel.mtu + VXLAN_OVERHEAD <= topology.underlay.mtu ? UNIT_UNDERLAY_IF : undefined,
      learning: true,
      mtu: b.tunnel.mtu,
      mac: unit.tunnelMac,
    },
    { kind: 'ipv6-addrgen-off', dev: b.tunnel.name },
    { kind: 'address', cidr: unit.tunnelSelfIp, dev: b.tunnel.name },
  ];
}

/** A traffic-group-local-only tunnel is up on every unit; a traffic-group-1 tunnel comes up with the group (trafficGroupHeldIntent). */
export const tunnelUpUnlessInTrafficGroup = (b: BigipTopology): LinuxIntent[] => (tunnelFollowsTrafficGroup(b) ? [] : [up(b.tunnel.name)]);

/** CIS's static ARP, when it writes it: pod IP -> the node's VTEP MAC (not the pod's own MAC), as the field report describes. */
export function unitStaticArpIntent(topology: Topology): LinuxIntent[] {
  const b = topology.bigip!;
  if (!b.cisStaticArp) return [];
  return b.virtualServers.flatMap((vs) =>
    vs.pool.flatMap((m): LinuxIntent[] => {
      const node = topology.nodes.find((n) => n.name === m.node);
      return node ? [{ kind: 'neighbour', ip: m.ip, mac: node.vtepMac, dev: b.tunnel.name }] : [];
    }),
  );
}

/** The FDB records the unit holds: CIS writes one per node VTEP (`Dynamic no`) when staticFdb is set. */
export function unitFdbRecords(topology: Topology): { mac: string; endpoint: string }[] {
  return topology.bigip!.staticFdb ? topology.nodes.map((n) => ({ mac: n.vtepMac, endpoint: n.underlayIp })) : [];
}

/**
 * The unit's FDB records, and multipoint flooding to the endpoints it knows: BIG-IP replicates
 * BUM frames to the VTEPs of its FDB records, so a unit that knows no VTEP floods nowhere.
 */
export function unitFdbIntent(topology: Topology): LinuxIntent[] {
  const b = topology.bigip!;
  const records = unitFdbRecords(topology);
  const intent = records.map((r): LinuxIntent => ({ kind: 'fdb-vtep', mac: r.mac, dev: b.tunnel.name, dst: r.endpoint }));
  if (b.profile.floodingType === 'multipoint') for (const endpoint of new Set(records.map((r) => r.endpoint))) intent.push({ kind: 'fdb-flood', dev: b.tunnel.name, dst: endpoint });
  return intent;
}

/** Always present: a unit never forwards traffic addressed to a virtual address it does not own. */
export function unitBaseRuleset(b: BigipTopology): string {
  return virtualAddressFilter(b.virtualServers.map((v) => v.destination));
}

/** traffic-group-1 on the active unit: the virtual servers (DNAT to the pool) and SNAT automap. */
export function trafficGroupRuleset(b: BigipTopology, unit: UnitTopology): string {
  // A pool with no member left (CIS removed them all) has nothing to translate to.
  const dnat = b.virtualServers.filter((v) => v.pool.length > 0).flatMap((vs): DnatRule[] => {
    const members = vs.pool.map((m) => m.ip);
    return [
      { destination: vs.destination, protocol: 'tcp', port: vs.tcpPort, members },
      { destination: vs.destination, protocol: 'udp', port: vs.udpPort, members },
    ];
  });
  // Automap prefers a floating self IP on the egress VLAN, as BIG-IP does; else the unit's own.
  const floating = b.floatingSelfIps.find((f) => f.vlan === 'tunnel');
  return trafficGroupTable(dnat, [{ oifname: b.tunnel.name, to: floating ? floating.address.split('/')[0]! : unit.tunnelIp }]);
}

/** `ruleset` (which declares `table`) replacing the table in one transaction: declared, deleted, declared again, never absent. */
export const replacingTable = (table: string, ruleset: string): string => `table ip ${table} {}\ndelete table ip ${table}\n${ruleset}`;

/**
 * What the unit holding traffic-group-1 has beyond its ruleset: the group's addresses (those on
 * `onDev` only, when given) and a tunnel that follows the group, up.
 */
export function trafficGroupHeldIntent(b: BigipTopology, onDev?: string): LinuxIntent[] {
  return [
    ...trafficGroupAddresses(b)
      .filter((a) => onDev === undefined || a.dev === onDev)
      .map((a): LinuxIntent => ({ kind: 'address', cidr: a.cidr, dev: a.dev })),
    ...(tunnelFollowsTrafficGroup(b) ? [up(b.tunnel.name)] : []),
  ];
}

export interface TrafficGroupAddress {
  cidr: string;
  dev: string;
  ip: string;
  /** A virtual address (a virtual server's destination) rather than a floating self IP. */
  virtual: boolean;
}

/** The addresses of traffic-group-1 and the device each lives on. */
export function trafficGroupAddresses(b: BigipTopology): TrafficGroupAddress[] {
  const devOf = { tunnel: b.tunnel.name, underlay: UNIT_UNDERLAY_IF, external: UNIT_EXTERNAL_IF } as const;
  return [
    ...b.virtualServers.map((v) => ({ cidr: `${v.destination}/32`, dev: UNIT_EXTERNAL_IF, ip: v.destination, virtual: true })),
    ...b.floatingSelfIps.map((f) => ({ cidr: f.address, dev: devOf[f.vlan], ip: f.address.split('/')[0] ?? f.address, virtual: false })),
  ];
}
