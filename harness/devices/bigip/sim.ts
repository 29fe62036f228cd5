// bigip-sim: a Linux stand-in that realises the BIG-IP part of a scenario with kernel devices.
//
// Reproduced: the VXLAN tunnel (key as VNI, the profile's port, local-address, learning on, so
// the unit learns pod MAC -> node VTEP from the pods' replies like `Dynamic yes`), multipoint
// flooding (an all-zeros FDB entry per node VTEP: BUM frames, such as the unit's ARP for a pod,
// are head-end replicated to every VTEP), static FDB records (`Dynamic no`), CIS static pod ARP,
// non-floating self IPs, a virtual server with SNAT automap (nftables DNAT to the pool, round
// robin, SNAT to the unit's tunnel self IP), and HA: only the active unit holds traffic-group-1
// and forwards for it; failover moves its addresses and announces them with gratuitous ARP.
//
// SNAT automap prefers a floating self IP on the tunnel when the scenario has one (it moves with
// traffic-group-1), else the unit's non-floating tunnel self IP.
//
// Not reproduced: configsync, MAC masquerade, the HA heartbeat (failover is commanded, never
// detected), connection mirroring, persistence and health monitors, TMM's own ARP/FDB timers,
// and any behaviour of a floating tunnel local-address beyond "the address moves with the
// traffic group".
import type { BigipTopology, Topology, UnitTopology } from '../../spec/topology.js';
import { bridge, ip, type IpLine } from '../linux/commands.js';

export const UNIT_UNDERLAY_IF = 'eth0';
export const UNIT_EXTERNAL_IF = 'ext0';
export const TG_TABLE = 'overlab_tg1';
export const BASE_TABLE = 'overlab_unit';

export function unitBootLines(topology: Topology, unit: UnitTopology): IpLine[] {
  const b = topology.bigip!;
  const peers = [...topology.nodes.map((n) => ({ ip: n.underlayIp, mac: n.underlayMac })), ...b.units.filter((u) => u !== unit).map((u) => ({ ip: u.underlayIp, mac: u.underlayMac }))];
  const lines: IpLine[] = [
    ip.linkUp('lo'),
    ip.addrGenNone(UNIT_UNDERLAY_IF),
    ip.addrGenNone(UNIT_EXTERNAL_IF),
    ip.linkUp(UNIT_UNDERLAY_IF),
    ip.linkUp(UNIT_EXTERNAL_IF),
    ip.addrAdd(`${unit.underlayIp}/${topology.underlay.prefixLength}`, UNIT_UNDERLAY_IF),
    ip.addrAdd(`${unit.externalIp}/${b.external.prefixLength}`, UNIT_EXTERNAL_IF),
    ...peers.map((p) => ip.neighPermanent(p.ip, p.mac, UNIT_UNDERLAY_IF)),
    ip.addVxlan({
      name: b.tunnel.name,
      vni: b.tunnel.key,
      port: b.profile.port,
      local: unit.underlayIp,
      dev: b.tunnel.mtu + 50 <= topology.underlay.mtu ? UNIT_UNDERLAY_IF : undefined,
      learning: true,
      mtu: b.tunnel.mtu,
      mac: unit.tunnelMac,
    }),
    ip.addrGenNone(b.tunnel.name),
    ip.addrAdd(unit.tunnelSelfIp, b.tunnel.name),
    ip.linkUp(b.tunnel.name),
  ];
  if (b.cisStaticArp) {
    // CIS's static ARP: pod IP -> the node's VTEP MAC (not the pod's own MAC), as the field report describes.
    for (const vs of b.virtualServers) {
      for (const m of vs.pool) {
        const node = topology.nodes.find((n) => n.name === m.node);
        if (node) lines.push(ip.neighPermanent(m.ip, node.vtepMac, b.tunnel.name));
      }
    }
  }
  return lines;
}

export function unitFdbLines(topology: Topology, _unit: UnitTopology): IpLine[] {
  const b = topology.bigip!;
  const lines: IpLine[] = [];
  for (const n of topology.nodes) {
    if (b.profile.floodingType === 'multipoint') lines.push(bridge.fdbFlood(b.tunnel.name, n.underlayIp));
    if (b.staticFdb) lines.push(bridge.fdbVtep(n.vtepMac, b.tunnel.name, n.underlayIp));
  }
  return lines;
}

/** Always present: a unit never forwards traffic addressed to a virtual address it does not own. */
export function unitBaseRuleset(b: BigipTopology): string {
  const vips = b.virtualServers.map((v) => v.destination).join(', ');
  return [
    `table ip ${BASE_TABLE} {`,
    `  chain forward {`,
    `    type filter hook forward priority filter; policy accept;`,
    `    ip daddr { ${vips} } drop`,
    `  }`,
    `}`,
  ].join('\n') + '\n';
}

/** traffic-group-1 on the active unit: the virtual servers (DNAT to the pool) and SNAT automap. */
export function trafficGroupRuleset(b: BigipTopology, unit: UnitTopology): string {
  const out = [`table ip ${TG_TABLE} {`, `  chain prerouting {`, `    type nat hook prerouting priority dstnat; policy accept;`];
  for (const vs of b.virtualServers) {
    const map = vs.pool.map((m, i) => `${i} : ${m.ip}`).join(', ');
    const target = vs.pool.length === 1 ? vs.pool[0]!.ip : `numgen inc mod ${vs.pool.length} map { ${map} }`;
    out.push(`    ip daddr ${vs.destination} tcp dport ${vs.tcpPort} dnat to ${target}`);
    out.push(`    ip daddr ${vs.destination} udp dport ${vs.udpPort} dnat to ${target}`);
  }
  out.push(`  }`, `  chain postrouting {`, `    type nat hook postrouting priority srcnat; policy accept;`);
  // Automap prefers a floating self IP on the egress VLAN, as BIG-IP does; else the unit's own.
  const floating = b.floatingSelfIps.find((f) => f.vlan === 'tunnel');
  out.push(`    oifname "${b.tunnel.name}" ct status dnat snat to ${floating ? floating.address.split('/')[0] : unit.tunnelIp}`);
  out.push(`  }`, `}`);
  return out.join('\n') + '\n';
}

/** The addresses of traffic-group-1 and the device each lives on. */
export function trafficGroupAddresses(b: BigipTopology): { cidr: string; dev: string; ip: string }[] {
  const devOf = { tunnel: b.tunnel.name, underlay: UNIT_UNDERLAY_IF, external: UNIT_EXTERNAL_IF } as const;
  return [
    ...b.virtualServers.map((v) => ({ cidr: `${v.destination}/32`, dev: UNIT_EXTERNAL_IF, ip: v.destination })),
    ...b.floatingSelfIps.map((f) => ({ cidr: f.address, dev: devOf[f.vlan], ip: f.address.split('/')[0] ?? f.address })),
  ];
}
