// Compares a node's observed flannel state with what flanneld programs for the flannel registry's
// leases: exactly the expected routes, permanent neighbours and `self permanent` FDB entries on
// the VTEP, no more, and a VTEP whose own MAC and address are what its own lease publishes; and no
// other flannel VTEP beside it (flannel.<VNI> of an earlier VNI, which flanneld leaves behind with
// its old entries when its VNI changes). The expectation is derived here, from the registry as
// the overlay agent lists it, never from the code that programmed the kernel.
import type { HostSnapshot } from '../probes/snapshot.js';
import type { FlannelLease } from '../overlay/flannel/types.js';
import * as ipv4 from '../core/ipv4.js';
import { flannelDevice } from '../spec/topology.js';
import { listSome, result, type AssertionResult } from './types.js';

export interface ControlPlaneState {
  routes: { dst: string; via: string; dev: string; onlink: true }[];
  neighbours: { dst: string; lladdr: string; dev: string }[];
  fdb: { mac: string; dev: string; dst: string }[];
}

/** flanneld's vxlan backend, per other lease: route via the subnet's .0 onlink, neighbour .0 -> VtepMAC, FDB VtepMAC -> PublicIP. */
export function expectedFromRegistry(ownSubnet: string, leases: readonly FlannelLease[], device: string): ControlPlaneState {
  const state: ControlPlaneState = { routes: [], neighbours: [], fdb: [] };
  for (const lease of leases) {
    if (lease.subnet === ownSubnet) continue;
    const next = ipv4.formatIp(ipv4.parsePrefix(lease.subnet).network);
    state.routes.push({ dst: lease.subnet, via: next, dev: device, onlink: true });
    state.neighbours.push({ dst: next, lladdr: lease.vtepMac, dev: device });
    state.fdb.push({ mac: lease.vtepMac, dev: device, dst: lease.publicIp });
  }
  return state;
}

export interface ExpectedVtep {
  device: string;
  vni: number;
  port: number;
  local: string;
  learning: boolean;
  mtu: number;
  /** cni0 when bridged. */
  master?: string;
  /** The VtepMAC the node's own lease publishes: the device must carry it, or peers send to nothing. */
  mac?: string;
}

export function assertFlannelState(node: string, vtep: ExpectedVtep, expected: ControlPlaneState, snap: HostSnapshot, evidence: string[]): AssertionResult {
  const problems: string[] = [];
  const link = snap.links.find((l) => l.name === vtep.device);
  if (!link?.vxlan) problems.push(`no VXLAN device ${vtep.device}`);
  else {
    const v = link.vxlan;
    if (v.id !== vtep.vni) problems.push(`${vtep.device} id ${v.id} (want ${vtep.vni})`);
    if (v.port !== vtep.port) problems.push(`${vtep.device} dstport ${v.port} (want ${vtep.port})`);
    if (v.local !== vtep.local) problems.push(`${vtep.device} local ${v.local} (want ${vtep.local})`);
    if (v.learning !== vtep.learning) problems.push(`${vtep.device} ${v.learning ? 'learning' : 'nolearning'} (want ${vtep.learning ? 'learning' : 'nolearning'})`);
    if (link.mtu !== vtep.mtu) problems.push(`${vtep.device} mtu ${link.mtu} (want ${vtep.mtu})`);
    if ((link.master ?? undefined) !== vtep.master) problems.push(`${vtep.device} master ${link.master ?? 'none'} (want ${vtep.master ?? 'none'})`);
    if (vtep.mac !== undefined && link.mac !== vtep.mac) problems.push(`${vtep.device} address ${link.mac}, but its lease publishes VtepMAC ${vtep.mac}`);
  }

  // flanneld names its VTEP after its VNI: a flannel.<VNI> of another VNI is an earlier flanneld's.
  for (const stale of snap.links.filter((l) => l.vxlan && l.name !== vtep.device && l.name === flannelDevice(l.vxlan.id))) {
    const fdb = snap.fdb.filter((f) => f.dev === stale.name && f.self && f.dst && f.mac !== '00:00:00:00:00:00').length;
    const neighbours = snap.neighbours.filter((n) => n.dev === stale.name && n.permanent).length;
    problems.push(`stale ${stale.name} (VNI ${stale.vxlan!.id}${stale.master ? `, in ${stale.master}` : ''}) beside ${vtep.device}, with ${fdb} FDB entries and ${neighbours} neighbours flanneld no longer keeps`);
  }

  const routes = snap.routes.filter((r) => r.dev === vtep.device && r.gateway);
  const routeKey = (r: { dst: string; via?: string; gateway?: string; onlink: boolean }) => `${r.dst} via ${r.via ?? r.gateway}${r.onlink ? ' onlink' : ''}`;
  diff('route', expected.routes.map(routeKey), routes.map(routeKey), problems);

  const neighbours = snap.neighbours.filter((n) => n.dev === vtep.device && n.permanent);
  diff('permanent neighbour', expected.neighbours.map((n) => `${n.dst} lladdr ${n.lladdr}`), neighbours.map((n) => `${n.dst} lladdr ${n.lladdr}`), problems);

  const fdb = snap.fdb.filter((f) => f.dev === vtep.device && f.self && f.permanent && f.dst && f.mac !== '00:00:00:00:00:00');
  diff('fdb', expected.fdb.map((f) => `${f.mac} dst ${f.dst}`), fdb.map((f) => `${f.mac} dst ${f.dst}`), problems);

  const total = expected.routes.length + expected.neighbours.length + expected.fdb.length;
  return result(
    `flannel-control-plane[${node}]`,
    `${node}: ${vtep.device} and the routes, neighbours and FDB entries flanneld programs`,
    problems.length === 0,
    `${vtep.device} VNI ${vtep.vni} ${vtep.learning ? 'learning' : 'nolearning'}${vtep.master ? ` in ${vtep.master}` : ''}; ${expected.routes.length} routes, ${expected.neighbours.length} neighbours, ${expected.fdb.length} FDB entries`,
    problems.length === 0 ? `exactly those ${total} entries` : listSome(problems),
    evidence,
  );
}

function diff(what: string, expected: string[], actual: string[], problems: string[]): void {
  for (const e of expected) if (!actual.includes(e)) problems.push(`missing ${what} ${e}`);
  for (const a of actual) if (!expected.includes(a)) problems.push(`unexpected ${what} ${a}`);
}
