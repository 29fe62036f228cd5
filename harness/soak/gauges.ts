// What a soak watches for drift, read from the units, this machine's kernel and the harness
// itself: FDB and ARP table sizes and conntrack entries on the units, the kernel's neighbour
// table, the harness's resident memory and open files.
import { readdirSync, readFileSync } from 'node:fs';
import type { BigipPair } from '../devices/bigip/types.js';
import type { Transport } from '../providers/types.js';

export type Gauges = Record<string, number>;

/** /proc/net/stat/arp_cache: the first column of its second line is the table's entries (hex), for all namespaces. */
function kernelNeighbours(): number | undefined {
  try {
    const line = readFileSync('/proc/net/stat/arp_cache', 'utf8').split('\n')[1];
    return line ? parseInt(line.trim().split(/\s+/)[0]!, 16) : undefined;
  } catch {
    return undefined;
  }
}

export async function readGauges(pair: BigipPair | undefined, units: readonly string[], provider: Transport, localKernel: boolean): Promise<Gauges> {
  const g: Gauges = { rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), openFiles: readdirSync('/proc/self/fd').length };
  if (pair) {
    const states = await Promise.all(units.map((u) => pair.observe(u).then((o) => o.state)));
    g.fdb = states.reduce((n, s) => n + s.fdb.length, 0);
    g.arp = states.reduce((n, s) => n + s.arp.length, 0);
    // conntrack -C on a unit the provider reaches (a stand-in); a VE has no such command.
    const counts = await Promise.all(units.map((u) => provider.node(u).exec(['conntrack', '-C'], { allowFailure: true }).then((r) => (r.exitCode === 0 ? Number(r.stdout.trim()) : undefined), () => undefined)));
    if (counts.every((c) => c !== undefined && Number.isFinite(c))) g.conntrack = counts.reduce((a, b) => a! + b!, 0)!;
  }
  const n = localKernel ? kernelNeighbours() : undefined;
  if (n !== undefined) g.neighbours = n;
  return g;
}
