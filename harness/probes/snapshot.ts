// Snapshots of a host's kernel state, straight from `ip -j` and `bridge -j`.
import type { NodeHandle } from '../providers/types.js';
import { parseAddrs, parseFdb, parseLinks, parseNeighbours, parseRoutes, type AddrInfo, type FdbEntry, type LinkInfo, type NeighbourInfo, type RouteInfo } from '../devices/linux/parse.js';

export interface HostSnapshot {
  host: string;
  links: LinkInfo[];
  addrs: AddrInfo[];
  routes: RouteInfo[];
  neighbours: NeighbourInfo[];
  fdb: FdbEntry[];
}

export async function snapshotHost(node: NodeHandle, options: { fdb?: boolean } = {}): Promise<HostSnapshot> {
  const [links, addrs, routes, neighbours, fdb] = await Promise.all([
    node.exec(['ip', '-j', '-d', 'link', 'show']),
    node.exec(['ip', '-j', 'addr', 'show']),
    node.exec(['ip', '-j', 'route', 'show']),
    node.exec(['ip', '-j', 'neigh', 'show']),
    options.fdb === false ? undefined : node.exec(['bridge', '-j', 'fdb', 'show']),
  ]);
  return {
    host: node.id,
    links: parseLinks(links.stdout),
    addrs: parseAddrs(addrs.stdout),
    routes: parseRoutes(routes.stdout),
    neighbours: parseNeighbours(neighbours.stdout),
    fdb: fdb ? parseFdb(fdb.stdout) : [],
  };
}
