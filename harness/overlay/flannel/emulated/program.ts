// The emulated agent's flanneld: what flanneld's vxlan backend programs on a node for every other
// lease in the registry (seeds 002 and 004): a route `subnet via X.0 dev flannel.N onlink`, a
// permanent neighbour `X.0 lladdr VtepMAC` and an FDB entry `VtepMAC dst PublicIP self permanent`.
// The flannel-control-plane check derives what it expects from the registry with its own code
// (assert/control-plane.ts), so a mistake here shows as a failed check, not as a pass.
import type { Topology } from '../../../spec/topology.js';
import { bridge, ip, type IpLine } from '../../../devices/linux/commands.js';
import * as ipv4 from '../../../core/ipv4.js';
import type { FlannelLease } from '../types.js';

/** The leases the cluster's nodes publish (flanneld's own lease on each node). */
export function nodeLeases(topology: Topology): FlannelLease[] {
  return topology.nodes.map((n) => ({ subnet: n.podCidr, publicIp: n.underlayIp, backendType: 'vxlan', vni: topology.flannel.vni, vtepMac: n.vtepMac }));
}

/** Each BIG-IP unit registered as a flannel node (F5's dummy Node): PublicIP its underlay self IP, VtepMAC its tunnel MAC. */
export function unitLeases(topology: Topology): FlannelLease[] {
  return (topology.bigip?.units ?? []).flatMap((u) => (u.flannelNode ? [{ subnet: u.flannelNode.podCidr, publicIp: u.underlayIp, backendType: 'vxlan', vni: topology.flannel.vni, vtepMac: u.tunnelMac }] : []));
}

/** The lines flanneld on the node owning `ownSubnet` would program for every other lease. */
export function programLines(ownSubnet: string, leases: readonly FlannelLease[], device: string): { ip: IpLine[]; fdb: IpLine[] } {
  const peers = leases.filter((l) => l.subnet !== ownSubnet);
  const gateway = (l: FlannelLease) => ipv4.formatIp(ipv4.parsePrefix(l.subnet).network);
  return {
    ip: [...peers.map((l) => ip.neighPermanent(gateway(l), l.vtepMac, device)), ...peers.map((l) => ip.routeReplace(l.subnet, gateway(l), device, true))],
    fdb: peers.map((l) => bridge.fdbVtep(l.vtepMac, device, l.publicIp)),
  };
}
