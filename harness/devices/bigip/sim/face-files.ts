// The tmsh face's files for a sim unit, so that `overlab exec <run> bigip1 -- tmsh show net fdb`
// answers in tmsh's shape on the stand-in as on a real unit: unit.json and a config.json naming
// the devices sim created (eth0 and ext0 the underlay and external VLANs, the tunnel under its
// own name) with the objects the scenario's BIG-IP spec declares. The face reads everything it
// prints (records, ARP, MACs, status) from the unit's kernel; the objects only name things.
// sim changes its units itself (failover, tunnel key), so on a sim unit the face answers reads only.
import type { Topology, UnitTopology } from '../../../spec/topology.js';
import type { FaceConfig, FaceObject } from '../tmsh-face/objects.js';
import type { UnitConfig } from '../tmsh-face/unit.js';
import type { TrafficGroup } from '../tmsh-face/commands.js';
import { UNIT_EXTERNAL_IF, UNIT_UNDERLAY_IF, tunnelLocalAddress, unitFdbRecords, vlanOf } from './config.js';

/** Why a sim unit's face refuses changes (the face prints it). */
export const SIM_READS_ONLY = 'this is a sim unit: its tmsh answers show and list only; sim changes it itself (fail over with `overlab failover <run>`)';

const tg = (name: string): TrafficGroup => (name === 'traffic-group-1' ? 'traffic-group-1' : 'traffic-group-local-only');

export function simFaceUnit(topology: Topology, unit: UnitTopology): UnitConfig {
  const b = topology.bigip!;
  const peer = b.units.find((u) => u.name !== unit.name) ?? unit;
  return { unit: unit.name, peer: { unit: peer.name, haAddress: peer.underlayIp }, haAddress: unit.underlayIp, interfaces: { '1.1': UNIT_UNDERLAY_IF, '1.2': UNIT_EXTERNAL_IF }, tunnelMac: unit.tunnelMac, initialStatus: unit.name === b.active ? 'ACTIVE' : 'STANDBY' };
}

/** The objects of the scenario's BIG-IP spec on this unit, named as sim names them. Pure. */
export function simFaceConfig(topology: Topology, unit: UnitTopology): FaceConfig {
  const b = topology.bigip!;
  const underlay = vlanOf(b, UNIT_UNDERLAY_IF);
  const external = vlanOf(b, UNIT_EXTERNAL_IF);
  const vlanName = { underlay, external, tunnel: b.tunnel.name } as const;
  const devOf = { underlay: UNIT_UNDERLAY_IF, external: UNIT_EXTERNAL_IF, tunnel: b.tunnel.name } as const;
  const objects: FaceObject[] = [
    { type: 'vlan', name: underlay, interface: '1.1', mtu: topology.underlay.mtu, dev: UNIT_UNDERLAY_IF },
    { type: 'vlan', name: external, interface: '1.2', mtu: topology.underlay.mtu, dev: UNIT_EXTERNAL_IF },
    { type: 'self', name: 'self_underlay', address: `${unit.underlayIp}/${topology.underlay.prefixLength}`, vlan: underlay, trafficGroup: 'traffic-group-local-only', allowService: 'default', dev: UNIT_UNDERLAY_IF },
    { type: 'self', name: 'self_external', address: `${unit.externalIp}/${b.external.prefixLength}`, vlan: external, trafficGroup: 'traffic-group-local-only', allowService: 'default', dev: UNIT_EXTERNAL_IF },
    { type: 'vxlan', name: b.profile.name, port: b.profile.port, floodingType: b.profile.floodingType },
    {
      type: 'tunnel',
      name: b.tunnel.name,
      key: b.tunnel.key,
      profile: b.profile.name,
      localAddress: tunnelLocalAddress(b, unit),
      trafficGroup: tg(b.tunnel.trafficGroup),
      mtu: b.tunnel.mtu,
      dev: b.tunnel.name,
      underlayDev: UNIT_UNDERLAY_IF,
      mac: unit.tunnelMac,
      port: b.profile.port,
      flood: b.profile.floodingType === 'multipoint',
      records: unitFdbRecords(topology),
    },
    { type: 'self', name: 'self_tunnel', address: unit.tunnelSelfIp, vlan: b.tunnel.name, trafficGroup: 'traffic-group-local-only', allowService: 'none', dev: b.tunnel.name },
    ...b.floatingSelfIps.map((f, i): FaceObject => ({ type: 'self', name: `float_${f.vlan}${i ? `_${i + 1}` : ''}`, address: f.address, vlan: vlanName[f.vlan], trafficGroup: 'traffic-group-1', allowService: f.vlan === 'tunnel' ? 'none' : 'default', dev: devOf[f.vlan] })),
    ...b.virtualServers.flatMap((vs): FaceObject[] => [
      { type: 'pool', name: `pool_${vs.name}`, members: vs.pool.map((m) => m.ip) },
      { type: 'virtual', name: `${vs.name}_tcp`, destination: vs.destination, port: vs.tcpPort, protocol: 'tcp', pool: `pool_${vs.name}`, snat: vs.snat, trafficGroup: 'traffic-group-1', dev: UNIT_EXTERNAL_IF },
      { type: 'virtual', name: `${vs.name}_udp`, destination: vs.destination, port: vs.udpPort, protocol: 'udp', pool: `pool_${vs.name}`, snat: vs.snat, trafficGroup: 'traffic-group-1', dev: UNIT_EXTERNAL_IF },
    ]),
  ];
  return { version: 1, objects };
}
