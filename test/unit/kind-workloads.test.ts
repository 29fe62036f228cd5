// The scenario's pods read back from the API after their rollout (a PodList in the API's shape,
// test/fixtures/kind/pods.list.json, with a terminating old replica beside worker's pod): each on
// the kind node it is pinned to, its address the one the CNI's IPAM gave; a pod missing or on
// another node is named.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenarioFile } from '../../harness/spec/load.js';
import { resolveTopology } from '../../harness/spec/topology.js';
import { placedPods, type PodLike } from '../../harness/providers/kind/workloads.js';

const topology = () => resolveTopology(loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml')));
const pods = (): PodLike[] => (JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/kind/pods.list.json'), 'utf8')) as { items: PodLike[] }).items;

test('each pod on its pinned node, with the address the CNI gave it (a terminating replica ignored)', (t) => {
  const { placed, problems } = placedPods(topology(), 'abc123', pods());
  t.deepEqual(problems, []);
  t.deepEqual(placed.map((p) => `${p.node}/${p.pod} ${p.name} on ${p.nodeName} ${p.podIP} (planned ${p.planned})`), [
    'master/nginx master-nginx-7c9d8b6f5d-x4k2p on ol-abc123-control-plane 10.217.0.2 (planned 10.217.0.22)',
    'worker/nginx worker-nginx-5f6b7c8d9e-q8z1m on ol-abc123-worker 10.217.1.2 (planned 10.217.1.30)',
  ]);
});

test('a pod on another node, or none running, is named', (t) => {
  const moved = pods().map((p) => (p.metadata?.name === 'master-nginx-7c9d8b6f5d-x4k2p' ? { ...p, spec: { nodeName: 'ol-abc123-worker' } } : p));
  t.deepEqual(placedPods(topology(), 'abc123', moved).problems, ['master/nginx: pod master-nginx-7c9d8b6f5d-x4k2p runs on ol-abc123-worker, not on ol-abc123-control-plane it is pinned to']);
  const none = pods().filter((p) => !p.metadata?.name?.startsWith('worker-nginx-5f6b7c8d9e-q8z1m'));
  t.deepEqual(placedPods(topology(), 'abc123', none).problems, ['worker/nginx: 0 running pods of Deployment worker-nginx (want 1)']);
});
