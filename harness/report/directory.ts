// Who owns a MAC or an address: the report's tables name them ("bigip2 tunnel", "worker/nginx")
// so a reader does not have to decode 0e:0f:0a:a9:48:26 by hand. A MAC of the testbed's scheme
// that no table names (a switch port, a pod's host-side veth) is decoded from its prefix and the
// IPv4 address it carries (spec/topology.ts MAC_PREFIX).
import type { HostSnapshot } from '../probes/snapshot.js';
import type { RunReport } from './types.js';
import { MAC_PREFIX } from '../spec/topology.js';

const SCHEME: Record<string, string> = {
  underlay: 'underlay NIC',
  vtep: 'VTEP',
  hostVeth: 'host-side veth',
  switchPort: 'switch port',
  external: 'external NIC',
  cni: 'CNI interface',
};

/** Our deterministic MACs: `<kind> of <ip>` (the owner's name when the address has one), else undefined. */
export function decodeMac(mac: string, nameOfIp: (ip: string) => string | undefined = () => undefined): string | undefined {
  const bytes = mac.toLowerCase().split(':').map((h) => parseInt(h, 16));
  if (bytes.length !== 6 || bytes.some((b) => Number.isNaN(b))) return undefined;
  const kind = (Object.keys(MAC_PREFIX) as (keyof typeof MAC_PREFIX)[]).find((k) => MAC_PREFIX[k][0] === bytes[0] && MAC_PREFIX[k][1] === bytes[1]);
  if (!kind) return undefined;
  const ip = bytes.slice(2).join('.');
  const owner = nameOfIp(ip);
  return `${SCHEME[kind]} of ${ip}${owner ? ` (${owner})` : ''}`;
}

export interface Directory {
  mac(mac: string): string | undefined;
  ip(ip: string): string | undefined;
  /** The host kind of a snapshot's host: node, unit, pod, or other. */
  kind(host: string): 'node' | 'unit' | 'pod' | 'client' | 'other';
}

export function buildDirectory(report: RunReport, snapshots: readonly HostSnapshot[] = []): Directory {
  const macs = new Map<string, string>();
  const ips = new Map<string, string>();
  const set = (m: Map<string, string>, key: string | undefined, name: string) => {
    if (key && !m.has(key.toLowerCase())) m.set(key.toLowerCase(), name);
  };
  const t = report.topology;
  for (const n of t.nodes) {
    set(macs, n.vtepMac, `${n.name} VTEP`);
    set(ips, n.underlayIp, `${n.name} underlay`);
    for (const p of n.pods ?? []) {
      set(macs, p.mac, `pod ${n.name}/${p.name}`);
      set(ips, p.ip, `pod ${n.name}/${p.name}`);
    }
  }
  for (const u of t.bigips) {
    set(macs, u.tunnelMac, `${u.name} tunnel`);
    set(ips, u.underlayIp, `${u.name} underlay self IP`);
    set(ips, u.tunnelSelfIp.split('/')[0], `${u.name} tunnel self IP`);
    set(ips, u.externalIp, `${u.name} external self IP`);
  }
  for (const v of t.virtualServers ?? []) set(ips, v.destination, `VIP ${v.name}`);
  if (t.client) set(ips, t.client.ip, 'client');
  // Then every interface the snapshots saw: host/ifname.
  for (const s of snapshots) {
    for (const l of s.links) if (l.mac && l.mac !== '00:00:00:00:00:00') set(macs, l.mac, `${s.host} ${l.name}`);
    for (const a of s.addrs) for (const x of a.addrs) if (x.family === 'inet') set(ips, x.local, `${s.host} ${a.ifname}`);
  }
  const nodes = new Set(t.nodes.map((n) => n.name));
  const units = new Set(t.bigips.map((u) => u.name));
  const pods = new Set(t.nodes.flatMap((n) => (n.pods ?? []).map((p) => `${n.name}.${p.name}`)));
  return {
    mac: (mac) => macs.get(mac.toLowerCase()) ?? (mac.startsWith('33:33:') ? 'IPv6 multicast' : mac.startsWith('01:00:5e:') ? 'IPv4 multicast' : mac === '00:00:00:00:00:00' ? 'flood (all-zeros)' : decodeMac(mac, (ip) => ips.get(ip))),
    ip: (ip) => ips.get(ip),
    kind: (host) => (nodes.has(host) ? 'node' : units.has(host) ? 'unit' : pods.has(host) ? 'pod' : host === 'client' ? 'client' : 'other'),
  };
}
