// The emulated agent's flanneld: what flanneld's vxlan backend programs on a node for every other
// lease in the registry (seeds 002 and 004): a route `subnet via X.0 dev flannel.N onlink`, a
// permanent neighbour `X.0 lladdr VtepMAC` and an FDB entry `VtepMAC dst PublicIP self permanent`.
// The flannel-control-plane check derives what it expects from the registry with its own code
// (assert/control-plane.ts), so a mistake here shows as a failed check, not as a pass.
import type { Topology } from '../../../spec/topology.js';
import type { LinuxIntent } from '../../../devices/linux/intent.js';
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

/**
 * What flanneld on the node owning `ownSubnet` would program for every other lease: the
 * neighbours and routes (`routes`), and the FDB entries (`fdb`), two steps as flanneld's own.
 */
export function programIntent(ownSubnet: string, leases: readonly FlannelLease[], device: string): { routes: LinuxIntent[]; fdb: LinuxIntent[] } {
  const peers = leases.filter((l) => l.subnet !== ownSubnet);
  const gateway = (l: FlannelLease) => ipv4.formatIp(ipv4.parsePrefix(l.subnet).network);
  return {
    routes: [
      ...peers.map((l): LinuxIntent => ({ kind: 'neighbour', ip: gateway(l), mac: l.vtepMac, dev: device })),
      ...peers.map((l): LinuxIntent => ({ kind: 'route', mode: 'replace', dst: l.subnet, via: gateway(l), dev: device, onlink: true })),
    ],
    fdb: peers.map((l): LinuxIntent => ({ kind: 'fdb-vtep', mac: l.vtepMac, dev: device, dst: l.publicIp })),
  };
}
