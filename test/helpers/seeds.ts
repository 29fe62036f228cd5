// Seed hosts (test/fixtures/seeds/) read into HostSnapshots with the project's own parsers, and
// the flannel node records the seeds describe.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAddrs, parseFdb, parseLinks, parseNeighbours, parseRoutes } from '../../harness/devices/linux/parse.js';
import type { FlannelLease } from '../../harness/overlay/flannel/types.js';
import type { HostSnapshot } from '../../harness/probes/snapshot.js';

const SEEDS = join(process.cwd(), 'test/fixtures/seeds');

/** The host's five outputs (`<prefix>.ip-d-link.json`, ...) as a snapshot named `host`. */
export function seedSnapshot(prefix: 'seed004-k8s-dev' | 'seed000-master', host: string): HostSnapshot {
  const out = (command: string) => readFileSync(join(SEEDS, `${prefix}.${command}.json`), 'utf8');
  return {
    host,
    links: parseLinks(out('ip-d-link')),
    addrs: parseAddrs(out('ip-addr')),
    routes: parseRoutes(out('ip-route')),
    neighbours: parseNeighbours(out('ip-neigh')),
    fdb: parseFdb(out('bridge-fdb')),
  };
}

/** Seed 004's three nodes: podCIDR, `backend-data` VtepMAC and `public-ip`. */
export const SEED004_NODES: FlannelLease[] = [
  { subnet: '10.244.0.0/24', publicIp: '172.17.8.101', backendType: 'vxlan', vni: 1, vtepMac: '0a:72:64:c9:50:f4' },
  { subnet: '10.244.1.0/24', publicIp: '172.17.8.102', backendType: 'vxlan', vni: 1, vtepMac: '8e:79:a7:a7:bd:1c' },
  { subnet: '10.244.2.0/24', publicIp: '172.17.8.103', backendType: 'vxlan', vni: 1, vtepMac: 'ee:8a:1f:f7:96:c7' },
];

/** Seed 000's nodes and the two units registered as flannel nodes (design.md §1). */
export const SEED000_NODES: FlannelLease[] = [
  { subnet: '10.217.0.0/24', publicIp: '10.169.72.127', backendType: 'vxlan', vni: 0, vtepMac: 'ae:de:d6:ee:15:ab' },
  { subnet: '10.217.1.0/24', publicIp: '10.169.72.128', backendType: 'vxlan', vni: 0, vtepMac: 'fa:41:fe:3f:5c:4d' },
  { subnet: '10.217.31.0/24', publicIp: '10.169.72.36', backendType: 'vxlan', vni: 0, vtepMac: '00:50:56:86:68:a3' },
  { subnet: '10.217.33.0/24', publicIp: '10.169.72.38', backendType: 'vxlan', vni: 0, vtepMac: '00:50:56:86:78:2d' },
];
