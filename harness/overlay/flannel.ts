// Flannel's control plane, as flanneld programs it from node annotations (seeds 002 and 004):
// for every other node a route `podCIDR via X.0 dev flannel.N onlink`, a permanent neighbour
// `X.0 lladdr VtepMAC`, and an FDB entry `VtepMAC dst public-ip self permanent`. The same
// function gives the commands to program and the state the assertions expect to observe.
import type { Topology } from '../spec/topology.js';
import { bridge, ip, type IpLine } from '../devices/linux/commands.js';
import * as ipv4 from '../core/ipv4.js';

/** What a flannel node publishes: podCIDR, `backend-data` VtepMAC and `public-ip`. */
export interface FlannelNodeRecord {
  name: string;
  podCidr: string;
  vtepMac: string;
  publicIp: string;
}

export interface ExpectedRoute {
  dst: string;
  via: string;
  dev: string;
  onlink: true;
}
export interface ExpectedNeighbour {
  dst: string;
  lladdr: string;
  dev: string;
}
export interface ExpectedFdb {
  mac: string;
  dev: string;
  dst: string;
}

export interface ControlPlaneState {
  routes: ExpectedRoute[];
  neighbours: ExpectedNeighbour[];
  fdb: ExpectedFdb[];
}

/** The cluster's flannel nodes: the real nodes, and each BIG-IP unit registered as a flannel node. */
export function nodeRecords(topology: Topology): FlannelNodeRecord[] {
  const units = (topology.bigip?.units ?? []).flatMap((u) =>
    u.flannelNode ? [{ name: u.name, podCidr: u.flannelNode.podCidr, vtepMac: u.tunnelMac, publicIp: u.underlayIp }] : [],
  );
  return [...topology.nodes.map((n) => ({ name: n.name, podCidr: n.podCidr, vtepMac: n.vtepMac, publicIp: n.underlayIp })), ...units];
}

/** The state flanneld on node `self` programs for every other record. */
export function expectedControlPlane(self: string, records: readonly FlannelNodeRecord[], device: string): ControlPlaneState {
  const state: ControlPlaneState = { routes: [], neighbours: [], fdb: [] };
  for (const peer of records) {
    if (peer.name === self) continue;
    const vtepIp = ipv4.formatIp(ipv4.parsePrefix(peer.podCidr).network);
    state.routes.push({ dst: peer.podCidr, via: vtepIp, dev: device, onlink: true });
    state.neighbours.push({ dst: vtepIp, lladdr: peer.vtepMac, dev: device });
    state.fdb.push({ mac: peer.vtepMac, dev: device, dst: peer.publicIp });
  }
  return state;
}

export function controlPlaneIpLines(state: ControlPlaneState): IpLine[] {
  return [
    ...state.neighbours.map((n) => ip.neighPermanent(n.dst, n.lladdr, n.dev)),
    ...state.routes.map((r) => ip.routeReplace(r.dst, r.via, r.dev, true)),
  ];
}

export function controlPlaneFdbLines(state: ControlPlaneState): IpLine[] {
  return state.fdb.map((f) => bridge.fdbVtep(f.mac, f.dev, f.dst));
}
