// Which pod pairs a reachability check probes. Up to FULL_PAIRS, every ordered pair. Above it
// (a 100 x 10 testbed has 999 000) a fixed sample that still covers every way a reply gets lost:
// every pair of pods on one node (one L2 segment, where the neighbour table overflowed), and from
// every pod one pod on every other node (every VTEP pair, in both directions), the pod chosen in
// turn so that every pod is also a target. The sample is said in the check's title.
import type { Topology } from '../spec/topology.js';

export const FULL_PAIRS = 40_000;

export interface PodRef {
  node: string;
  pod: string;
  ip: string;
}

export interface PodPairs<T> {
  pairs: { a: T; b: T }[];
  /** Undefined when every pair is probed; else how the sample was made. */
  sample?: string;
}

export function podPairs<T extends PodRef>(pods: readonly T[], topology: Pick<Topology, 'nodes'>): PodPairs<T> {
  const total = pods.length * (pods.length - 1);
  if (total <= FULL_PAIRS) return { pairs: pods.flatMap((a) => pods.filter((b) => b !== a).map((b) => ({ a, b }))) };
  const byNode = new Map<string, T[]>();
  for (const p of pods) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  const pairs: { a: T; b: T }[] = [];
  pods.forEach((a, i) => {
    for (const b of byNode.get(a.node) ?? []) if (b !== a) pairs.push({ a, b });
    for (const n of topology.nodes) {
      if (n.name === a.node) continue;
      const there = byNode.get(n.name) ?? [];
      if (there.length) pairs.push({ a, b: there[i % there.length]! });
    }
  });
  return { pairs, sample: `sampled above ${FULL_PAIRS} pairs: ${pairs.length} of ${total} (every pair within a node, and from every pod one pod of every other node)` };
}
