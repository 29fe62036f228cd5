// Reachability's pod pairs: all of them up to 40 000, above it every pair within a node and one
// pod of every other node from each pod, every pod a target.
import test from 'ava';
import { FULL_PAIRS, podPairs } from '../../harness/probes/pod-pairs.js';

const testbed = (nodes: number, pods: number) => {
  const list = Array.from({ length: nodes }, (_, n) => Array.from({ length: pods }, (_, p) => ({ node: `n${n}`, pod: `p${p}`, ip: `10.244.${n}.${p + 2}` }))).flat();
  return { pods: list, topology: { nodes: Array.from({ length: nodes }, (_, n) => ({ name: `n${n}` })) } as never };
};

test('small testbeds: every ordered pair', (t) => {
  const { pods, topology } = testbed(20, 10);
  const r = podPairs(pods, topology);
  t.is(r.pairs.length, 200 * 199);
  t.is(r.sample, undefined);
});

test('100 x 10: within every node, to every other node, every pod a target', (t) => {
  const { pods, topology } = testbed(100, 10);
  const r = podPairs(pods, topology);
  t.is(r.pairs.length, 100 * 10 * 9 + 1000 * 99);
  t.true(r.pairs.length > FULL_PAIRS);
  t.regex(r.sample!, /^sampled above 40000 pairs: 108000 of 999000/);
  const key = (a: { node: string }, b: { node: string }) => `${a.node}>${b.node}`;
  const nodePairs = new Set(r.pairs.map(({ a, b }) => key(a, b)));
  t.is(nodePairs.size, 100 * 100, 'every ordered node pair, and every node to itself');
  t.is(new Set(r.pairs.map(({ b }) => b.ip)).size, 1000);
  t.false(r.pairs.some(({ a, b }) => a === b));
});
