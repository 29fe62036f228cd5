// The kind provider's pure parts, golden-tested: the cluster config of the failover scenario, how
// scenario node names map to kind's, kube-flannel's manifest patched from the scenario (on a
// fixture shaped like the release's, test/fixtures/kind/), the units' dummy Nodes, the pods'
// Deployments, the error of a rollout that did not finish, and `overlab plan --provider kind`.
// No cluster, no docker, no root.
// UPDATE_GOLDEN=1 npx ava dist/test/unit/kind-provider.test.js rewrites test/fixtures/golden/kind-*.
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { loadScenarioFile, validateSpec } from '../../harness/spec/load.js';
import { resolveTopology, type Topology } from '../../harness/spec/topology.js';
import { planScenario } from '../../harness/plan/plan.js';
import { formatPlan } from '../../harness/cli/print-plan.js';
import { kindClusterConfig, kindConfigYaml } from '../../harness/providers/kind/cluster-config.js';
import { clusterName, kindNodeNames, runOfCluster } from '../../harness/providers/kind/names.js';
import { netConfOf, parseManifest, patchFlannelManifest, renderManifest } from '../../harness/providers/kind/flannel-patch.js';
import { dummyNodes } from '../../harness/providers/kind/dummy-nodes.js';
import { podDeployments } from '../../harness/providers/kind/workloads.js';
import { describeFailingPods } from '../../harness/providers/kind/rollout-report.js';
import { KindProvider } from '../../harness/providers/kind/provider.js';
import { findBridgePlugin } from '../../harness/providers/kind/kind-cli.js';
import { moduleOfLedger } from '../../harness/providers/registry.js';
import { resolveAgent } from '../../harness/overlay/flannel/registry.js';
import { leaseOfNode } from '../../harness/overlay/flannel/kube-flannel/lease.js';
import { unitLeases } from '../../harness/overlay/flannel/emulated/program.js';

const FIXTURE = join(PROJECT_ROOT, 'test/fixtures/kind/kube-flannel.fixture.yml');
const failover = (): Topology => resolveTopology(loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml')));

function golden(t: { is: (a: string, b: string, m?: string) => void }, name: string, actual: string): void {
  const file = join(PROJECT_ROOT, 'test/fixtures/golden', name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  t.is(actual, readFileSync(file, 'utf8'), `differs from ${file} (UPDATE_GOLDEN=1 rewrites it after a deliberate change)`);
}

test('golden: the failover scenario\'s kind cluster config', (t) => {
  golden(t, 'kind-failover.kind.yaml', kindConfigYaml(kindClusterConfig(failover(), clusterName('abc123'), { image: 'kindest/node:v1.37.0', bridgePlugin: '/var/cache/overlab/kind/v0.33.0/cni-plugins-v1.9.1/bridge' })));
  const c = kindClusterConfig(failover(), 'ol-abc123');
  t.true(c.networking.disableDefaultCNI);
  t.is(c.networking.podSubnet, '10.217.0.0/16');
  t.deepEqual(c.nodes.map((n) => n.role), ['control-plane', 'worker']);
  t.false('image' in c.nodes[0]!, 'no image named: kind\'s own default');
  t.false('extraMounts' in c.nodes[0]!, 'no bridge plugin named: nothing mounted');
});

test('scenario node names map to kind\'s: control planes first, each role numbered in scenario order', (t) => {
  const nodes = [
    { name: 'w-a', role: 'worker' as const },
    { name: 'm', role: 'master' as const },
    { name: 'w-b', role: 'worker' as const },
    { name: 'w-c', role: 'worker' as const },
  ];
  t.deepEqual([...kindNodeNames('abc123', nodes)], [
    ['m', 'ol-abc123-control-plane'],
    ['w-a', 'ol-abc123-worker'],
    ['w-b', 'ol-abc123-worker2'],
    ['w-c', 'ol-abc123-worker3'],
  ]);
  const config = kindClusterConfig({ nodes: nodes as unknown as Topology['nodes'], flannel: failover().flannel }, 'ol-abc123');
  t.deepEqual(config.nodes.map((n) => n.labels?.['overlab.scenario-node']), ['m', 'w-a', 'w-b', 'w-c'], 'the config lists them in the order kind numbers them');
  t.is(runOfCluster('ol-abc123'), 'abc123');
  t.is(runOfCluster('kind'), undefined);
  t.is(runOfCluster('ol-abc123-x'), undefined);
});

test('golden: kube-flannel\'s manifest patched from the failover scenario; only net-conf.json changes', (t) => {
  const objects = parseManifest(readFileSync(FIXTURE, 'utf8'));
  const patched = patchFlannelManifest(objects, failover());
  golden(t, 'kind-failover.kube-flannel.yml', renderManifest(patched));
  t.deepEqual(JSON.parse(netConfOf(patched)!), { Network: '10.217.0.0/16', EnableNFTables: false, Backend: { Type: 'vxlan', VNI: 0, Port: 8472, Learning: true } }, 'the release\'s Backend (host-gw, MTU) replaced whole, its other keys kept');
  for (const i of [0, 1, 3]) t.deepEqual(patched[i], objects[i], `document ${i} untouched`);
  t.is(JSON.parse(netConfOf(objects)!).Network, '192.168.0.0/16', 'the input is not modified');
});

test('the manifest patch: MTU only where the overlay MTU is not the underlay\'s minus 50; images on request', (t) => {
  const objects = parseManifest(readFileSync(FIXTURE, 'utf8'));
  const spec = loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml'));
  const jumbo = resolveTopology(validateSpec({ ...spec, underlay: { ...spec.underlay, mtu: 9000 } }, '(variant)'));
  t.is(JSON.parse(netConfOf(patchFlannelManifest(objects, jumbo))!).Backend.MTU, 1500, 'flannel\'s MTU is the interface\'s: the VTEP gets it minus 50');
  const withImages = patchFlannelManifest(objects, failover(), { flannel: 'mirror.local/flannel:v0.28.9', cniPlugin: 'mirror.local/cni-plugin:v1' });
  const images = (withImages[3]!.spec as { template: { spec: { initContainers: { image: string }[]; containers: { image: string }[] } } }).template.spec;
  t.deepEqual([...images.initContainers, ...images.containers].map((c) => c.image), ['mirror.local/cni-plugin:v1', 'mirror.local/flannel:v0.28.9', 'mirror.local/flannel:v0.28.9']);
  t.throws(() => patchFlannelManifest(objects.filter((o) => o.kind !== 'ConfigMap'), failover()), { message: /one ConfigMap kube-flannel-cfg; it holds 0/ });
});

test('the pinned release\'s own manifest, where this machine has it, patches like the fixture', (t) => {
  const real = join(process.env.HOME ?? '/root', 'go/pkg/mod/github.com/flannel-io/flannel@v0.28.9/Documentation/kube-flannel.yml');
  if (!existsSync(real)) {
    t.pass(`no ${real} here (scripts/build-flanneld.sh puts it in the Go module cache)`);
    return;
  }
  const patched = patchFlannelManifest(parseManifest(readFileSync(real, 'utf8')), failover());
  t.like(JSON.parse(netConfOf(patched)!), { Network: '10.217.0.0/16', Backend: { Type: 'vxlan', VNI: 0, Port: 8472, Learning: true } });
});

test('golden: the units\' dummy Nodes (F5\'s flannel annotations, podCIDR)', (t) => {
  const nodes = dummyNodes(failover().bigip, 'abc123');
  golden(t, 'kind-failover.dummy-nodes.yaml', nodes.map((n) => `---\n${stringify(n, { lineWidth: 0, aliasDuplicateObjects: false })}`).join(''));
  t.deepEqual(nodes.map((n) => n.metadata?.name), ['bigip1', 'bigip2']);
  t.deepEqual(JSON.parse((n0(nodes).annotations as Record<string, string>)['flannel.alpha.coreos.com/backend-data']!), { VNI: 0, VtepMAC: failover().bigip!.units[0]!.tunnelMac });
  t.deepEqual(dummyNodes(undefined, 'abc123'), []);
});
const n0 = (nodes: ReturnType<typeof dummyNodes>) => nodes[0]!.metadata as Record<string, unknown>;

test('golden: the pods as Deployments pinned to their kind node, running the testbed\'s pod servers', (t) => {
  const ds = podDeployments(failover(), 'abc123', { image: 'overlab/node:0123456789abcdef', loaded: true });
  golden(t, 'kind-failover.deployments.yaml', ds.map((d) => `---\n${stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })}`).join(''));
  const pulled = podDeployments(failover(), 'abc123', { image: 'registry.example/socat:1', loaded: false });
  t.is((pulled[0]!.spec as { template: { spec: { containers: { imagePullPolicy: string }[] } } }).template.spec.containers[0]!.imagePullPolicy, 'IfNotPresent');
});

test('a rollout that did not finish names each failing pod, why, and its events', (t) => {
  const pods: V1Pod[] = [
    { metadata: { name: 'kube-flannel-ds-abcde', namespace: 'kube-flannel' }, spec: { nodeName: 'ol-abc123-worker', containers: [] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'install-cni-plugin', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3"' } } }] } },
    { metadata: { name: 'kube-flannel-ds-fghij', namespace: 'kube-flannel' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
  ];
  const events: CoreV1Event[] = [
    { metadata: {}, involvedObject: { name: 'kube-flannel-ds-abcde' }, type: 'Warning', reason: 'Failed', message: 'Failed to pull image: dial tcp: lookup ghcr.io: no such host', count: 3, lastTimestamp: new Date('2026-01-01T00:00:02Z') },
    { metadata: {}, involvedObject: { name: 'kube-flannel-ds-abcde' }, type: 'Normal', reason: 'Pulling', message: 'Pulling image', lastTimestamp: new Date('2026-01-01T00:00:01Z') },
    { metadata: {}, involvedObject: { name: 'kube-flannel-ds-fghij' }, type: 'Normal', reason: 'Started', message: 'Started container' },
  ];
  t.is(
    describeFailingPods(pods, events),
    [
      'kube-flannel/kube-flannel-ds-abcde on ol-abc123-worker: Pending; install-cni-plugin: ImagePullBackOff (Back-off pulling image "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3")',
      '    Normal Pulling: Pulling image',
      '    Warning Failed (x3): Failed to pull image: dial tcp: lookup ghcr.io: no such host',
    ].join('\n'),
  );
  t.regex(describeFailingPods([], []), /no pods were created/);
});

test('golden: `overlab plan failover --provider kind` prints the kind config, the patched ConfigMap and the dummy Nodes', (t) => {
  const spec = loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml'));
  const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: resolveAgent(undefined, 'kind') } });
  t.is(plan.topology.flannel.agent, 'kube-flannel');
  t.false(plan.steps.some((s) => s.id.startsWith('flannel')), 'kube-flannel has no plan steps: the provider applies its manifest');
  const provider = new KindProvider({ runId: 'RUN', ledger: new ResourceLedger('/nonexistent'), topology: plan.topology, options: { kind: { flannelManifest: FIXTURE } } });
  // This machine's bridge plugin (or the placeholder when it has none) is a path of its own.
  const text = formatPlan(plan, provider).replaceAll(findBridgePlugin() ?? 'BRIDGE-PLUGIN', '<bridge plugin>').replaceAll(PROJECT_ROOT, '<project>') + '\n';
  golden(t, 'kind-failover.plan.txt', text);
  for (const part of ['kind: Cluster', 'disableDefaultCNI: true', 'name: kube-flannel-cfg', '"VNI": 0', 'flannel.alpha.coreos.com/public-ip: 10.169.72.36', 'kind delete cluster --name ol-RUN']) t.true(text.includes(part), part);
});

test('a ledger-only run belongs to the provider that wrote its first own entry (kind builds the docker provider\'s images)', (t) => {
  t.is(moduleOfLedger(['run-dir', 'kind-cluster', 'docker-image', 'scratch-dir'])?.kind, 'kind');
  t.is(moduleOfLedger(['run-dir', 'docker-image', 'docker-container'])?.kind, 'docker');
  t.is(moduleOfLedger(['run-dir', 'netns'])?.kind, 'netns');
});

test('a plan with a host kind does not make (flanneld\'s etcd member) is refused before anything is created or recorded', async (t) => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'overlab-kind-unit-'));
  const spec = loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml'));
  const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: 'flanneld' } });
  const ledger = new ResourceLedger(dir);
  const provider = new KindProvider({ runId: 'abc123', ledger, topology: plan.topology });
  const hosts = plan.steps.flatMap((s) => (s.action.type === 'create-hosts' ? s.action.hosts : []));
  await t.throwsAsync(provider.createHosts(hosts), { message: /does not make service hosts yet \(etcd\).*nothing was created/ });
  t.deepEqual(ledger.entries(), []);
  t.is(provider.locationOf('master'), 'ol-abc123-control-plane');
  t.is(provider.locationOf('worker.nginx'), 'ol-abc123-worker/deployment/worker-nginx');
  // The units and the client are the docker provider's containers, found from the topology too (overlab exec of a kept run).
  t.is(provider.locationOf('bigip1'), 'ol-abc123.bigip1');
  t.is(provider.locationOf('client'), 'ol-abc123.client');
  t.deepEqual(provider.execArgv(provider.locationOf('bigip2'), ['ip', 'link']).slice(-3), ['ol-abc123.bigip2', 'ip', 'link']);
});

test('overlab clean finds our clusters by kind\'s container label, and only those named ol-<run>', async (t) => {
  const { clustersByLabel } = await import('../../harness/providers/kind/sweep.js');
  const containers = [
    { Id: '1', Names: ['/ol-abc123-control-plane'], Labels: { 'io.x-k8s.kind.cluster': 'ol-abc123' } },
    { Id: '2', Names: ['/ol-abc123-worker'], Labels: { 'io.x-k8s.kind.cluster': 'ol-abc123' } },
    { Id: '3', Names: ['/kind-control-plane'], Labels: { 'io.x-k8s.kind.cluster': 'kind' } },
    { Id: '4', Names: ['/ol-abc123x-control-plane'], Labels: { 'io.x-k8s.kind.cluster': 'ol-abc123x' } },
  ];
  let filters = '';
  const docker = { listContainers: async (o: { filters: string }) => ((filters = o.filters), containers) } as unknown as import('dockerode');
  t.deepEqual([...(await clustersByLabel(docker))], [['ol-abc123', ['ol-abc123-control-plane', 'ol-abc123-worker']]]);
  t.deepEqual(JSON.parse(filters), { label: ['io.x-k8s.kind.cluster'] });
});

test('kube-flannel reads a Node back as flannel does: the dummy Nodes say what the units\' etcd leases say', (t) => {
  const topology = failover();
  t.deepEqual(dummyNodes(topology.bigip, 'abc123').map((n) => leaseOfNode(n as Parameters<typeof leaseOfNode>[0])), unitLeases(topology));
  t.is(leaseOfNode({ metadata: { name: 'fresh', annotations: {} }, spec: { podCIDR: '10.217.5.0/24' } }), undefined, 'a node flannel has not annotated yet has no lease');
  t.deepEqual(
    leaseOfNode({ metadata: { name: 'n', annotations: { 'flannel.alpha.coreos.com/public-ip': '172.18.0.3', 'flannel.alpha.coreos.com/backend-type': 'vxlan', 'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"AE:DE:D6:EE:15:AB"}' } }, spec: { podCIDRs: ['10.244.1.0/24'] } }),
    { subnet: '10.244.1.0/24', publicIp: '172.18.0.3', backendType: 'vxlan', vni: 1, vtepMac: 'ae:de:d6:ee:15:ab' },
  );
  t.throws(() => leaseOfNode({ metadata: { name: 'bad', annotations: { 'flannel.alpha.coreos.com/public-ip': '1.2.3.4', 'flannel.alpha.coreos.com/backend-data': '{' } }, spec: { podCIDR: '10.0.0.0/24' } }), { message: /backend-data is not JSON/ });
});
