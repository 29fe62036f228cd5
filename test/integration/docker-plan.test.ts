// The docker provider's pure parts, without a daemon or root: where hosts live, the networks'
// gateways, the file paths inside containers, the image tags, and `overlab plan --provider docker`.
import test from 'ava';
import { cli } from './_env.js';
import { gatewayFor } from '../../harness/providers/docker/provider.js';
import { bridgeName, containerName, formatPlace, placeOf } from '../../harness/providers/docker/names.js';
import { imageTags, packageList } from '../../harness/providers/docker/images.js';
import { createProvider } from '../../harness/providers/registry.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { planScenario } from '../../harness/plan/plan.js';
import { hostActions } from '../../harness/plan/host-actions.js';
import { loadScenario } from '../../harness/scenario/resolve.js';

test('hosts: nodes, units and the client are containers; pods are namespaces in their node; the switch is networks', (t) => {
  t.deepEqual(placeOf('abc123', 'master'), { container: 'ol-abc123.master' });
  t.deepEqual(placeOf('abc123', 'master.nginx'), { container: 'ol-abc123.master', netns: 'nginx' });
  t.deepEqual(placeOf('abc123', 'w.pod-1', 'w'), { container: 'ol-abc123.w', netns: 'pod-1' });
  t.is(placeOf('abc123', 'underlay'), undefined);
  t.is(formatPlace(placeOf('abc123', 'master.nginx'), 'abc123'), 'ol-abc123.master/netns/nginx');
  t.is(containerName('abc123', 'bigip1'), 'ol-abc123.bigip1');
  t.true(bridgeName('abc123', 1).length <= 15);
});

test("a network's gateway is its highest address the plan does not use", (t) => {
  t.is(gatewayFor('10.169.0.0/16', new Set()), '10.169.255.254');
  t.is(gatewayFor('10.1.10.0/24', new Set(['10.1.10.254'])), '10.1.10.253');
  t.throws(() => gatewayFor('10.0.0.0/30', new Set(['10.0.0.1', '10.0.0.2'])));
});

test('files written in a container map into one flat directory and back', (t) => {
  const provider = createProvider('docker', { runId: 'abc123', ledger: new ResourceLedger('/tmp/reports/failover/abc123') });
  t.is(provider.files?.pathIn('master', '/tmp/reports/failover/abc123/pcaps/master-eth0.pcap'), '/overlab/out/pcaps__master-eth0.pcap');
  t.is(provider.files?.pathIn('client', '/tmp/reports/failover/abc123/evidence/probes.json'), '/overlab/out/evidence__probes.json');
  t.is(createProvider('netns', { runId: 'x', ledger: new ResourceLedger('/tmp/x') }).files, undefined, 'netns hosts share the filesystem');
});

test('image tags are content hashes of the package list and the build contexts', (t) => {
  const tags = imageTags();
  t.deepEqual(Object.keys(tags).sort(), ['base', 'bigip-sim', 'client', 'node']);
  for (const tag of Object.values(tags)) t.regex(tag, /^overlab\/[a-z-]+:[0-9a-f]{16}$/);
  t.deepEqual(imageTags(), tags, 'stable');
  t.true(packageList().includes('iproute2') && packageList().includes('tcpdump'));
  t.false(packageList().some((p) => p.includes('#')));
});

test('the same plan on docker: underlay ports become network attachments with the planned address; the switch runs nothing', (t) => {
  const plan = planScenario(loadScenario('failover'));
  const provider = createProvider('docker', { runId: 'RUN', ledger: new ResourceLedger('/nonexistent') });
  const rendered = plan.steps.flatMap((s) => (s.action.type === 'write-files' ? [] : [{ step: s, argv: hostActions(s.action).flatMap((a) => provider.render(a)) }]));
  const all = rendered.flatMap((r) => r.argv.map((a) => a.join(' ')));
  t.true(all.includes('docker network connect --ip 10.169.72.127 ol-RUN.underlay ol-RUN.master'));
  t.true(all.includes('docker network connect --ip 10.1.10.10 ol-RUN.external ol-RUN.client'));
  t.true(all.includes('docker exec ol-RUN.master ip netns add nginx'));
  t.true(all.some((l) => l.startsWith('docker exec ol-RUN.master ip link add name veth0') && l.endsWith('netns nginx')), 'pod veth made inside the node container');
  for (const r of rendered.filter((x) => x.step.action.type === 'host-config' && x.step.action.host === 'underlay')) {
    t.true(r.argv.every((a) => a[0] === ':'), `${r.step.id}: the switch's lines are not run`);
  }
  const node = rendered.find((r) => r.step.id === 'node:master');
  t.true(node?.argv.every((a) => a.slice(0, 4).join(' ') === 'docker exec ol-RUN.master ip'), 'node lines run in the node container');
  const pod = rendered.find((r) => r.step.id === 'pod:master.nginx');
  t.true(pod?.argv.every((a) => a.slice(0, 6).join(' ') === 'docker exec ol-RUN.master nsenter --net=/run/netns/nginx --'), 'pod lines run in the pod namespace');
});

test('`overlab plan failover --provider docker` prints the docker commands (no daemon needed)', async (t) => {
  const r = await cli(['plan', 'failover', '--provider', 'docker']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /docker run -d --name ol-RUN\.bigip1 --network none .* overlab\/bigip-sim:HASH/);
  t.regex(r.stdout, /docker network create --internal --subnet 10\.169\.0\.0\/16 /);
});
