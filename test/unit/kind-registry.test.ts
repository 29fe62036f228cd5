// kube-flannel's registry is the cluster's Node objects: each read back as flannel's kube subnet
// manager reads it (podCIDR, annotations public-ip, backend-type, backend-data's VtepMAC), from a
// NodeList in the shape the API serves for a kind cluster of the failover scenario
// (test/fixtures/kind/nodes.list.json: kind's two nodes after kube-flannel annotated them, a third
// it has not reached yet, and bigip1's dummy Node as the provider applies it). The agent lists
// them through @kubernetes/client-node from a small API server on loopback with the run's
// kubeconfig, and the flannel-control-plane check's expectation follows from them, not the plan.
// UPDATE_GOLDEN=1 rewrites test/fixtures/golden/kind-nodes.leases.json.
import test from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../harness/core/paths.js';
import { leaseOfNode, type NodeLike } from '../../harness/overlay/flannel/kube-flannel/lease.js';
import { kubeFlannelAgent } from '../../harness/overlay/flannel/kube-flannel/index.js';
import { expectedFromRegistry } from '../../harness/assert/control-plane.js';
import { kubeconfigFile } from '../../harness/providers/kind/kind-cli.js';

const LIST = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/kind/nodes.list.json'), 'utf8')) as { items: NodeLike[] };
const GOLDEN = join(PROJECT_ROOT, 'test/fixtures/golden/kind-nodes.leases.json');

function golden(actual: unknown): unknown {
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, text);
  }
  return JSON.parse(readFileSync(GOLDEN, 'utf8'));
}

test('golden: each Node of a kind cluster read as flannel reads it; a node flannel has not annotated has no lease', (t) => {
  const leases = LIST.items.map((n) => [n.metadata!.name, leaseOfNode(n) ?? null]);
  t.deepEqual(leases, golden(leases));
  t.is(leases.find(([name]) => name === 'ol-abc123-worker2')![1], null, 'worker2 (not annotated yet) publishes nothing');
  t.deepEqual(leases.find(([name]) => name === 'ol-abc123-control-plane')![1], { subnet: '10.217.0.0/24', publicIp: '172.18.0.3', backendType: 'vxlan', vni: 0, vtepMac: '9e:41:7c:2b:0d:55' }, 'the VtepMAC flanneld made, lower-cased as the kernel prints it');
});

test('a Node whose flannel annotations are broken is named, with what is wrong', (t) => {
  const node = (data: string): NodeLike => ({ metadata: { name: 'ol-abc123-worker', annotations: { 'flannel.alpha.coreos.com/public-ip': '172.18.0.2', 'flannel.alpha.coreos.com/backend-data': data } }, spec: { podCIDR: '10.217.1.0/24' } });
  t.throws(() => leaseOfNode(node('{"VNI":0}')), { message: /node ol-abc123-worker: flannel\.alpha\.coreos\.com\/backend-data has no VtepMAC/ });
  t.throws(() => leaseOfNode(node('not json')), { message: /node ol-abc123-worker: .*backend-data is not JSON: not json/ });
});

test('the kube-flannel agent lists the cluster\'s Nodes through client-node with the run\'s kubeconfig; the check expects what they say', async (t) => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(req.url?.startsWith('/api/v1/nodes') ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url?.startsWith('/api/v1/nodes') ? LIST : { kind: 'Status', code: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'overlab-kind-registry-'));
  const saved = process.env.OVERLAB_LOCK_DIR;
  process.env.OVERLAB_LOCK_DIR = dir;
  try {
    const file = kubeconfigFile('abc123');
    mkdirSync(dirname(file), { recursive: true });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${url}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: run-token}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const leases = await kubeFlannelAgent.listNodes({ runDir: dir, runId: 'abc123' });
    t.deepEqual(seen, ['GET /api/v1/nodes Bearer run-token']);
    t.deepEqual(leases.map((l) => l.subnet), ['10.217.0.0/24', '10.217.1.0/24', '10.217.31.0/24'], 'the annotated nodes, by subnet');
    // master's expectation: worker and bigip1 as the cluster says, not as the plan guessed.
    const expected = expectedFromRegistry('10.217.0.0/24', leases, 'flannel.0');
    t.deepEqual(expected.fdb.map((f) => `${f.mac} dst ${f.dst}`), ['d2:6b:10:8f:3a:e1 dst 172.18.0.2', '02:0f:ac:12:ff:fe dst 172.18.255.254']);
    t.deepEqual(expected.routes.map((r) => `${r.dst} via ${r.via}`), ['10.217.1.0/24 via 10.217.1.0', '10.217.31.0/24 via 10.217.31.0']);
    // No kubeconfig for a run: said, with the path.
    await t.throwsAsync(kubeFlannelAgent.listNodes({ runDir: dir, runId: 'def456' }), { message: /kube-flannel: no kubeconfig for run def456 at .*kind-def456\/kubeconfig/ });
  } finally {
    if (saved === undefined) delete process.env.OVERLAB_LOCK_DIR;
    else process.env.OVERLAB_LOCK_DIR = saved;
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
