// Snapshots of a host's kernel state, straight from `ip -j` and `bridge -j`.
import type { NodeHandle } from '../providers/types.js';
import { CommandError } from '../core/errors.js';
import { parseAddrs, parseFdb, parseLinks, parseNeighbours, parseRoutes, type AddrInfo, type FdbEntry, type LinkInfo, type NeighbourInfo, type RouteInfo } from '../devices/linux/parse.js';

export interface HostSnapshot {
  host: string;
  links: LinkInfo[];
  addrs: AddrInfo[];
  routes: RouteInfo[];
  neighbours: NeighbourInfo[];
  fdb: FdbEntry[];
}

/** Shown by one `ip -j -batch -`: each command prints its JSON array on a line of its own. */
const BATCHED = ['addr show', 'route show', 'neigh show'] as const;

/**
 * Three processes a host (links need -d, which would change the others' output; fdb is
 * bridge's), not five: a snapshot of every node and unit is taken twice per failover run and
 * starting a process is most of its cost.
 */
export async function snapshotHost(node: NodeHandle, options: { fdb?: boolean } = {}): Promise<HostSnapshot> {
  const [links, batch, fdb] = await Promise.all([
    node.exec(['ip', '-j', '-d', 'link', 'show']),
    node.exec(['ip', '-j', '-batch', '-'], { stdin: BATCHED.join('\n') + '\n' }),
    options.fdb === false ? undefined : node.exec(['bridge', '-j', 'fdb', 'show']),
  ]);
  const [addrs, routes, neighbours] = splitBatchJson(batch.stdout, node.id);
  return {
    host: node.id,
    links: parseLinks(links.stdout),
    addrs: parseAddrs(addrs, { command: 'ip -j addr show' }),
    routes: parseRoutes(routes, { command: 'ip -j route show' }),
    neighbours: parseNeighbours(neighbours, { command: 'ip -j neigh show' }),
    fdb: fdb ? parseFdb(fdb.stdout) : [],
  };
}

/** The batch's output, one JSON document per command. */
export function splitBatchJson(stdout: string, host: string): [string, string, string] {
  const docs = stdout.split('\n').filter((l) => l.trim() !== '');
  if (docs.length !== BATCHED.length) {
    throw new CommandError(`ip -j -batch (${BATCHED.join(', ')}) on ${host} printed ${docs.length} JSON documents, expected ${BATCHED.length}: ${stdout.slice(0, 200)}`, {
      node: host,
      argv: ['ip', '-j', '-batch', '-'],
    });
  }
  return [docs[0]!, docs[1]!, docs[2]!];
}
