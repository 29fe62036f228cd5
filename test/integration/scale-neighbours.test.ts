// A testbed that needs more neighbour entries than the kernel's table holds (20 nodes x 10 pods,
// all pods to all pods: ~3000, against gc_thresh3 = 1024 by default) loses replies between pods
// of one node. The harness raises the limit for the run, says so, and puts it back after.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, isolateState, rootTest } from './_env.js';

const state = isolateState('scale-neighbours');
const limit = (n: number) => Number(readFileSync(`/proc/sys/net/ipv4/neigh/default/gc_thresh${n}`, 'utf8'));

rootTest('20 x 10 with full pod-to-pod reachability: the neighbour limit is raised for the run and put back', async (t) => {
  const lines = ['name: scale-20x10', 'underlay:', '  cidr: 172.16.0.0/16', 'flannel:', '  network: 10.244.0.0/16', '  vni: 1', '  learning: false', '  bridged: false', '  agent: emulated', 'assertions: [reachability]', 'nodes:'];
  for (let i = 0; i < 20; i++) lines.push(`  - name: node${String(i).padStart(2, '0')}`, `    podCidr: 10.244.${i}.0/24`, '    pods: 10');
  const file = join(state.root, 'scale-20x10.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  const before = [limit(2), limit(3)];
  const r = await cli(['scenario', file], { env: state.env, timeoutMs: 120_000 });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /reachability\s+39800\/39800 replies/);
  if (before[1]! < 6000) t.regex(r.stderr, /net\.ipv4\.neigh\.default\.gc_thresh3 raised from \d+ to \d+ for this run \(it needs ~\d+ neighbour entries\); put back at teardown/);
  t.deepEqual([limit(2), limit(3)], before);
});
