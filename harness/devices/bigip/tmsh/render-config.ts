// The scenario's BIG-IP spec as tmsh, per unit: one transaction that creates everything the unit
// needs (VLANs, self IPs, the VXLAN profile and tunnel, FDB records, CIS's static ARP when asked,
// the pool and the virtual servers with SNAT automap), and one that deletes exactly those objects
// by name, in reverse order. Pure: `overlab plan` prints it, the pair's teardown sends it. The
// words are the subset in harness/devices/bigip/tmsh/SUBSET.md, which the stand-in's tmsh face accepts.
import type { BigipTopology, Topology, UnitTopology } from '../../../spec/topology.js';
import { objectName, word } from './names.js';

/** The run's VLANs, by the names the unit state uses for them (as bigip-sim names its interfaces). */
export const UNDERLAY_VLAN = 'underlay';
export const EXTERNAL_VLAN = 'external';
/** The unit's interfaces: 1.1 carries the underlay, 1.2 the external VLAN (eth0 and ext0 on the stand-in). */
export const UNIT_INTERFACES = { underlay: '1.1', external: '1.2' } as const;
/** BIG-IP's VLAN MTU unless told otherwise; the external VLAN of the testbed has it. */
const DEFAULT_VLAN_MTU = 1500;
const LOCAL_ONLY = 'traffic-group-local-only';
const FLOATING_GROUP = 'traffic-group-1';

export interface TmshTransaction {
  /** `create cli transaction`, the commands, `submit cli transaction`. */
  commands: string[];
  /** The one argv that sends them: `tmsh -q -c '<command>; <command>; ...'`. */
  argv: string[];
}

export interface UnitTmshConfig {
  unit: string;
  configure: TmshTransaction;
  teardown: TmshTransaction;
}

/** `tmsh -q -c` with the commands joined by `; ` (one argv element: nothing is parsed by a shell). */
export function tmshArgv(commands: readonly string[]): string[] {
  return ['tmsh', '-q', '-c', commands.join('; ')];
}

const transaction = (commands: readonly string[]): TmshTransaction => {
  const all = ['create cli transaction', ...commands, 'submit cli transaction'];
  return { commands: all, argv: tmshArgv(all) };
};

/** Each unit's configure and teardown transactions; `prefix` is ol_<run>_ (or the plan's ol_{run}_). */
export function renderConfig(topology: Topology, prefix: string): UnitTmshConfig[] {
  const b = topology.bigip;
  if (!b) return [];
  return b.units.map((unit) => {
    const objects = unitObjects(topology, b, unit, prefix);
    return {
      unit: unit.name,
      configure: transaction(objects.map((o) => o.create)),
      teardown: transaction(objects.flatMap((o) => (o.remove ? [o.remove] : [])).reverse()),
    };
  });
}

/** A command that creates (or adds) something, and the one that removes it again by its name. */
interface Created {
  create: string;
  remove?: string;
}

/** What configure creates on one unit, in the order it must exist (a self IP before the tunnel that sends from it). */
function unitObjects(topology: Topology, b: BigipTopology, unit: UnitTopology, prefix: string): Created[] {
  const name = (n: string) => objectName(prefix, n);
  const tunnel = name(b.tunnel.name);
  const vlanName = { underlay: name(UNDERLAY_VLAN), external: name(EXTERNAL_VLAN), tunnel } as const;
  const self = (n: string, address: string, vlan: keyof typeof vlanName, group: string): Created => ({
    create: `create net self ${name(n)} address ${word(address)} vlan ${vlanName[vlan]} traffic-group ${group} allow-service ${vlan === 'tunnel' ? 'none' : 'default'}`,
    remove: `delete net self ${name(n)}`,
  });
  const floating = (vlan: keyof typeof vlanName): Created[] =>
    b.floatingSelfIps
      .filter((f) => f.vlan === vlan)
      .map((f, i) => self(`float_${vlan}${i === 0 ? '' : `_${i + 1}`}`, f.address, vlan, FLOATING_GROUP));
  // A floating local-address is traffic-group-1's underlay self IP (the semantic checks make sure there is one).
  const localAddress = b.tunnel.localAddress === 'floating' ? (b.floatingSelfIps.find((f) => f.vlan === 'underlay')?.address.split('/')[0] ?? unit.underlayIp) : unit.underlayIp;
  const out: Created[] = [
    { create: `create net vlan ${vlanName.underlay} interfaces add { ${UNIT_INTERFACES.underlay} } mtu ${word(topology.underlay.mtu)}`, remove: `delete net vlan ${vlanName.underlay}` },
    { create: `create net vlan ${vlanName.external} interfaces add { ${UNIT_INTERFACES.external} } mtu ${DEFAULT_VLAN_MTU}`, remove: `delete net vlan ${vlanName.external}` },
    self('self_underlay', `${unit.underlayIp}/${topology.underlay.prefixLength}`, 'underlay', LOCAL_ONLY),
    self('self_external', `${unit.externalIp}/${b.external.prefixLength}`, 'external', LOCAL_ONLY),
    ...floating('underlay'),
    ...floating('external'),
    { create: `create net tunnels vxlan ${name(b.profile.name)} port ${word(b.profile.port)} flooding-type ${word(b.profile.floodingType)}`, remove: `delete net tunnels vxlan ${name(b.profile.name)}` },
    {
      create: `create net tunnels tunnel ${tunnel} key ${word(b.tunnel.key)} profile ${name(b.profile.name)} local-address ${word(localAddress)} traffic-group ${word(b.tunnel.trafficGroup)} mtu ${word(b.tunnel.mtu)}`,
      remove: `delete net tunnels tunnel ${tunnel}`,
    },
    self('self_tunnel', unit.tunnelSelfIp, 'tunnel', LOCAL_ONLY),
    ...floating('tunnel'),
  ];
  // CIS's static FDB records: one per node VTEP (`Dynamic no`).
  const records = b.staticFdb ? topology.nodes.map((n) => `${word(n.vtepMac)} { endpoint ${word(n.underlayIp)} }`) : [];
  if (records.length) out.push({ create: `modify net fdb tunnel ${tunnel} records add { ${records.join(' ')} }`, remove: `modify net fdb tunnel ${tunnel} records delete { all }` });
  if (b.cisStaticArp) {
    // CIS's static ARP: pod IP -> its node's VTEP MAC (not the pod's own MAC), as the field report describes.
    const seen = new Set<string>();
    for (const m of b.virtualServers.flatMap((vs) => vs.pool)) {
      const node = topology.nodes.find((n) => n.name === m.node);
      if (!node || seen.has(m.ip)) continue;
      seen.add(m.ip);
      out.push({ create: `create net arp ${name(`arp_${m.ip}`)} ip-address ${word(m.ip)} mac-address ${word(node.vtepMac)}`, remove: `delete net arp ${name(`arp_${m.ip}`)}` });
    }
  }
  for (const vs of b.virtualServers) {
    const pool = name(`pool_${vs.name}`);
    out.push({ create: `create ltm pool ${pool} members add { ${vs.pool.map((m) => `${word(m.ip)}:any`).join(' ')} }`, remove: `delete ltm pool ${pool}` });
    // No traffic-group here: an ltm virtual has none; its virtual address (made with it, named by
    // its address) is in /Common's traffic group, traffic-group-1, and goes when the last virtual does.
    for (const [proto, port] of [['tcp', vs.tcpPort], ['udp', vs.udpPort]] as const) {
      const virtual = name(`${vs.name}_${proto}`);
      out.push({
        create: `create ltm virtual ${virtual} destination ${word(vs.destination)}:${word(port)} ip-protocol ${proto} pool ${pool} source-address-translation { type ${word(vs.snat)} }`,
        remove: `delete ltm virtual ${virtual}`,
      });
    }
  }
  return out;
}
