// The failover plan as a kind cluster made it: the plan is made before the cluster chooses its
// addresses and MACs, and once it is up the run carries on with the cluster's (fit-plan.ts). The
// facts here are what the cluster says in node-facts' fixtures (Docker swapped the nodes'
// addresses) and a CNI that gave master's pod worker's planned address: every planned value the
// cluster changed is gone from the fitted plan, the pool members, the readiness ping and the
// topology the checks read name the pods as they are, and values that only look alike stay.
// And which of the plan's steps a kind run leaves to the cluster (KindProvider.doneBy).
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { nodeFacts, podFacts, translateText } from '../../harness/providers/kind/node-facts.js';
import { fitPlan } from '../../harness/providers/kind/fit-plan.js';
import { addressesOf, inPodNetns, macsOf, netnsOfAddress, nodePidsOf, throughPid } from '../../harness/providers/kind/pod-netns.js';
import { KindProvider } from '../../harness/providers/kind/provider.js';
import type { Plan } from '../../harness/plan/types.js';
import { kindFailover, kindPlan } from './_kind-cluster.js';

/** Each step of the plan: who does it on kind (KindProvider.doneBy), or 'run'. */
function doneByStep(plan: Plan): Record<string, string> {
  const provider = new KindProvider({ runId: 'abc123', ledger: new ResourceLedger('/nonexistent'), topology: plan.topology });
  return Object.fromEntries(plan.steps.map((s) => [s.id, provider.doneBy(s.action) ?? 'run']));
}

function setup() {
  const { plan, leases, attached } = kindFailover();
  const [master, worker] = plan.topology.nodes;
  const masterPod = master!.pods[0]!;
  const workerPod = worker!.pods[0]!;
  // host-local IPAM gave each pod the first free address of its node's podCIDR, not the plan's guess.
  const placed = [
    { planned: masterPod.ip, podIP: masterPod.ip.replace(/\.\d+$/, '.2') },
    { planned: workerPod.ip, podIP: workerPod.ip.replace(/\.\d+$/, '.7') },
  ];
  const facts = new Map([...nodeFacts(plan.topology.nodes, attached, leases).facts, ...podFacts(placed)]);
  return { plan, facts, master: master!, worker: worker!, masterPod, workerPod, placed };
}

test('translateText: addresses and MACs inside any text, in one pass; a longer address that starts the same is another value', (t) => {
  const facts = new Map([
    ['10.217.0.2', '10.217.0.9'],
    ['10.217.0.9', '10.217.0.2'],
    ['0e:0f:0a:a9:48:7f', '9e:41:7c:2b:0d:55'],
  ]);
  t.is(translateText('ip addr add 10.217.0.2/24 dev eth0', facts), 'ip addr add 10.217.0.9/24 dev eth0');
  t.is(translateText('dnat to 10.217.0.2:80, 10.217.0.9:80', facts), 'dnat to 10.217.0.9:80, 10.217.0.2:80', 'swapped, not turned back');
  t.is(translateText('10.217.0.22 110.217.0.2 10.217.0.2.1 10.217.0.20', facts), '10.217.0.22 110.217.0.2 10.217.0.2.1 10.217.0.20', 'only whole addresses');
  t.is(translateText('fdb replace 0E:0F:0A:A9:48:7F dev flannel.0', facts), 'fdb replace 9e:41:7c:2b:0d:55 dev flannel.0', 'a MAC in any case');
  t.is(translateText('0e:0f:0a:a9:48:7f:00 f0e:0f:0a:a9:48:7f', facts), '0e:0f:0a:a9:48:7f:00 f0e:0f:0a:a9:48:7f', 'not inside a longer run of hex and colons');
  t.is(translateText('10.217.0.2', new Map()), '10.217.0.2');
});

test('podFacts: only the pods whose address the CNI changed', (t) => {
  t.deepEqual([...podFacts([{ planned: '10.217.0.22', podIP: '10.217.0.2' }, { planned: '10.217.1.30', podIP: '10.217.1.30' }, { podIP: '10.217.1.5' }, { planned: '10.217.1.6', podIP: null }])], [['10.217.0.22', '10.217.0.2']]);
});

test('the fitted failover plan: no planned value the cluster changed is left, and the pool, the readiness ping and the topology name the pods as they are', (t) => {
  const { plan, facts, master, worker, masterPod, workerPod, placed } = setup();
  const fitted = fitPlan(plan, facts);
  const text = JSON.stringify(fitted);
  for (const planned of [master.underlayMac, worker.underlayMac, master.vtepMac, worker.vtepMac]) t.false(text.includes(planned), `${planned} is gone`);
  for (const p of placed) t.false(new RegExp(`(?<![\\d.])${p.planned!.replaceAll('.', '\\.')}(?![\\d])`).test(text), `the pod's planned ${p.planned} is gone`);
  // The topology the checks read.
  const [m, w] = fitted.topology.nodes;
  t.is(m!.underlayIp, '172.18.0.3');
  t.is(w!.underlayIp, '172.18.0.2');
  t.is(m!.pods[0]!.ip, placed[0]!.podIP, 'master\'s pod has the address the CNI gave it');
  t.is(w!.pods[0]!.ip, placed[1]!.podIP);
  t.is(m!.vtepMac, '9e:41:7c:2b:0d:55');
  // The readiness ping and the units' pool (an nft ruleset) target the pods as they are.
  const ready = fitted.steps.find((s) => s.id === 'ready')!.action;
  t.true(ready.type === 'wait-ping' && ready.to === placed[1]!.podIP, JSON.stringify(ready));
  const pool = fitted.steps.filter((s) => s.id.startsWith('ha-active:')).map((s) => JSON.stringify(s.action));
  t.true(pool.length > 0);
  for (const p of pool) {
    t.true(p.includes(placed[0]!.podIP!) && p.includes(placed[1]!.podIP!), p);
    t.false(p.includes(masterPod.ip) || p.includes(workerPod.ip), 'no planned pod address is a pool member');
  }
  // The run's own values (the units', the client's, the VIP) are the plan's.
  t.deepEqual(fitted.topology.bigip!.units, plan.topology.bigip!.units);
  t.deepEqual(fitted.topology.bigip!.client, plan.topology.bigip!.client);
  t.deepEqual(fitted.topology.bigip!.virtualServers.map((v) => v.destination), plan.topology.bigip!.virtualServers.map((v) => v.destination));
  t.deepEqual(fitted.hosts, plan.hosts);
  t.deepEqual(fitPlan(plan, new Map()), plan, 'no facts: the plan as it was');
});

test('pod namespaces: the one that holds the pod\'s address; none or two is named', (t) => {
  const json = JSON.stringify([{ ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1' }] }, { ifname: 'eth0', addr_info: [{ family: 'inet', local: '10.217.0.2' }, { family: 'inet6', local: 'fe80::1' }] }]);
  t.deepEqual(addressesOf(json), ['127.0.0.1', '10.217.0.2']);
  const a = { path: '/proc/7/root/run/netns/cni-a', addrs: ['127.0.0.1', '10.217.0.2'] };
  const b = { path: '/proc/7/root/run/netns/cni-b', addrs: ['127.0.0.1', '10.217.0.3'] };
  t.deepEqual(netnsOfAddress([a, b], '10.217.0.2'), { path: a.path });
  t.deepEqual(netnsOfAddress([a, b], '10.217.0.9'), { problem: 'no network namespace of its node holds 10.217.0.9 (2 looked at)' });
  t.deepEqual(netnsOfAddress([a, { ...b, addrs: ['10.217.0.2'] }], '10.217.0.2'), { problem: `2 network namespaces of its node hold 10.217.0.2: ${a.path}, ${b.path}` });
  t.deepEqual(inPodNetns(a.path, ['ping', '-c', '1', '10.217.1.3']), ['nsenter', `--net=${a.path}`, '--', 'ping', '-c', '1', '10.217.1.3']);
});

test('doneBy: a kind run leaves the nodes\' and pods\' configuration and the pods\' servers to the cluster, and runs the rest', (t) => {
  const { plan } = setup();
  const byStep = doneByStep(plan);
  t.is(byStep['node:master'], 'kind: kube-flannel and the CNI');
  t.is(byStep['pod:worker.nginx'], 'kind: kube-flannel and the CNI');
  t.is(byStep['sysctl:worker'], 'kind: set in the node containers before kube-flannel was applied');
  t.is(byStep['serve:master.nginx:0'], 'kind: the pod\'s Deployment master-nginx runs it');
  for (const id of ['hosts', 'wire', 'underlay', 'underlay-fdb', 'unit:bigip1', 'unit-fdb:bigip2', 'ha-active:bigip1', 'client', 'ready']) t.is(byStep[id], 'run', id);
  // Every step of a node or pod is the cluster's, every other one runs.
  const nodeOrPod = (host: string) => plan.hosts.some((h) => h.id === host && (h.kind === 'node' || h.kind === 'pod'));
  for (const s of plan.steps) {
    const host = 'host' in s.action ? s.action.host : undefined;
    t.is(byStep[s.id] !== 'run', !!host && nodeOrPod(host), `${s.id} (${s.action.type} on ${host ?? 'no host'})`);
  }
});

test('a later process (overlab check of a kept kind run) fits the plan from what the booting one wrote in RUNDIR/kind', (t) => {
  const { plan, facts, placed } = setup();
  const runDir = mkdtempSync(join(tmpdir(), 'overlab-kind-fit-'));
  try {
    mkdirSync(join(runDir, 'kind'));
    writeFileSync(join(runDir, 'kind', 'facts.json'), JSON.stringify(Object.fromEntries(facts)));
    writeFileSync(join(runDir, 'kind', 'pod-netns.json'), JSON.stringify({ 'master.nginx': '/proc/7/root/run/netns/cni-a' }));
    const provider = new KindProvider({ runId: 'abc123', ledger: new ResourceLedger(runDir), topology: plan.topology });
    const fitted = provider.fitPlan(plan);
    t.deepEqual(fitted, fitPlan(plan, facts), 'the same plan the booting process carried on with');
    t.is(fitted.topology.nodes[1]!.pods[0]!.ip, placed[1]!.podIP);
    // Nothing written: no cluster in this process, so the run directory's files are only read.
    t.deepEqual(JSON.parse(readFileSync(join(runDir, 'kind', 'facts.json'), 'utf8')), Object.fromEntries(facts));
    // Without the files (a run that never got its cluster): the plan as it was.
    const bare = mkdtempSync(join(tmpdir(), 'overlab-kind-fit-'));
    t.deepEqual(new KindProvider({ runId: 'abc123', ledger: new ResourceLedger(bare), topology: plan.topology }).fitPlan(plan), plan);
    rmSync(bare, { recursive: true, force: true });
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});

test('doneBy without units: the switch is no host of the run, its steps are kind\'s network', (t) => {
  const plan = kindPlan('baseline');
  t.falsy(plan.topology.bigip);
  const byStep = doneByStep(plan);
  t.is(byStep['underlay'], 'kind: the underlay is kind\'s Docker network');
  t.is(byStep['underlay-fdb'], 'kind: the underlay is kind\'s Docker network');
  t.is(byStep['node:master'], 'kind: kube-flannel and the CNI');
  t.is(byStep['ready'], 'run');
});

test('the pod\'s MAC: read with its address from the namespace that holds it', (t) => {
  const json = JSON.stringify([
    { ifname: 'lo', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1' }] },
    { ifname: 'eth0', address: '6A:1F:0C:22:9B:01', addr_info: [{ family: 'inet', local: '10.217.0.2' }] },
  ]);
  t.deepEqual(macsOf(json), { '10.217.0.2': '6a:1f:0c:22:9b:01' });
  const c = { path: '/proc/7/root/run/netns/cni-a', addrs: addressesOf(json), macs: macsOf(json) };
  t.deepEqual(netnsOfAddress([c], '10.217.0.2'), { path: c.path, mac: '6a:1f:0c:22:9b:01' });
  t.deepEqual(netnsOfAddress([c], '127.0.0.1'), { path: c.path }, 'no MAC for loopback');
});

test('a later process reaches a pod through its node\'s current init pid, read from docker inspect', (t) => {
  t.deepEqual([...nodePidsOf('/ol-abc123-control-plane 4242\n/ol-abc123-worker 0\n/ol-abc123-worker2 77\n')], [['ol-abc123-control-plane', 4242], ['ol-abc123-worker2', 77]], 'a stopped container (pid 0) has none');
  t.is(throughPid('/proc/1706/root/run/netns/cni-0b7e2a', 4242), '/proc/4242/root/run/netns/cni-0b7e2a');
  t.is(throughPid('/proc/1706/root/run/netns/cni-0b7e2a', undefined), '/proc/1706/root/run/netns/cni-0b7e2a', 'no pid known: the path as it was written');
});
