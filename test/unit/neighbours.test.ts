// The neighbour entries a testbed needs, and the limits that hold them.
import test from 'ava';
import { neighbourEntries } from '../../harness/plan/neighbours.js';
import { neighbourLimitsFor } from '../../harness/core/kernel-limits.js';
import { resolveTopology } from '../../harness/spec/topology.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { validateSpec } from '../../harness/spec/load.js';

const generated = (nodes: number, pods: number) =>
  resolveTopology(validateSpec({ name: `g${nodes}x${pods}`, underlay: { cidr: '172.16.0.0/16' }, flannel: { network: '10.244.0.0/16', vni: 1, learning: false, bridged: false, agent: 'emulated' }, nodes: Array.from({ length: nodes }, (_, i) => ({ name: `n${i}`, podCidr: `10.244.${i}.0/24`, pods })) }));

test('the library fits the default table; 100 x 10 needs more than ten times it', (t) => {
  t.true(neighbourEntries(resolveTopology(loadScenario('failover'))) < 1024);
  const big = neighbourEntries(generated(100, 10));
  t.true(big > 10 * 1024, String(big));
  t.true(neighbourEntries(generated(20, 10)) > 1024, 'the size at which replies were lost');
  t.deepEqual(neighbourLimitsFor(4000), [
    { path: '/proc/sys/net/ipv4/neigh/default/gc_thresh2', value: 5000 },
    { path: '/proc/sys/net/ipv4/neigh/default/gc_thresh3', value: 8000 },
  ]);
});
