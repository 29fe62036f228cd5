// The flannel control plane behind the agent interface: leases in flannel's etcd shape (seed 003,
// design.md §7), the emulated agent's registry written from its plan steps and read back with
// listNodes, and the flannel-control-plane check taking its expectation from that registry, so a
// registry that disagrees with what a node was programmed with fails the check.
import test from 'ava';
import { renderHostConfig } from '../../harness/plan/host-actions.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeLease, encodeLease, keySubnet, subnetKey } from '../../harness/overlay/flannel/lease.js';
import { emulatedAgent, REGISTRY_DIR } from '../../harness/overlay/flannel/emulated/index.js';
import { flannelAgent, flannelAgentKinds } from '../../harness/overlay/flannel/registry.js';
import type { FlannelLease } from '../../harness/overlay/flannel/types.js';
import { assertFlannelState, expectedFromRegistry, type ExpectedVtep } from '../../harness/assert/control-plane.js';
import { HarnessError, SpecError } from '../../harness/core/errors.js';
import type { PlanStep } from '../../harness/plan/types.js';
import { scenarioTopology } from '../helpers/pcap.js';
import { SEED000_NODES, seedSnapshot } from '../helpers/seeds.js';

const KEY = '/coreos.com/network/subnets/10.217.0.0-24';
const MASTER_LEASE: FlannelLease = { subnet: '10.217.0.0/24', publicIp: '10.169.72.127', backendType: 'vxlan', vni: 0, vtepMac: 'ae:de:d6:ee:15:ab' };
const MASTER_JSON = '{"PublicIP":"10.169.72.127","BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"ae:de:d6:ee:15:ab"}}';

function runDir(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-flannel-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What the plan's write-files steps do: each file, relative to the run directory. */
function writeSteps(dir: string, steps: readonly PlanStep[]): number {
  let n = 0;
  for (const s of steps) {
    if (s.action.type !== 'write-files') continue;
    for (const f of s.action.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
      n++;
    }
  }
  return n;
}

/** A registry of the given leases, written as the emulated agent writes them. */
function writeRegistry(dir: string, leases: readonly FlannelLease[]): void {
  mkdirSync(join(dir, REGISTRY_DIR), { recursive: true });
  for (const l of leases) writeFileSync(join(dir, REGISTRY_DIR, subnetKey(l.subnet)), encodeLease(l) + '\n');
}

// ---------------------------------------------------------------------------------------------
// Leases in flannel's etcd shape

test('encodeLease writes flannel\'s etcd value exactly; decodeLease reads it back', (t) => {
  t.is(encodeLease(MASTER_LEASE), MASTER_JSON);
  t.deepEqual(decodeLease(KEY, MASTER_JSON), MASTER_LEASE);
  for (const l of SEED000_NODES) t.deepEqual(decodeLease(`/coreos.com/network/subnets/${subnetKey(l.subnet)}`, encodeLease(l)), l);
});

test('decodeLease reads what flanneld itself writes: extra fields ignored, the MAC lower-cased, VNI defaults to 0', (t) => {
  const flanneld = '{"PublicIP":"10.169.72.128","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VtepMAC":"FA:41:FE:3F:5C:4D"}}';
  t.deepEqual(decodeLease('/coreos.com/network/subnets/10.217.1.0-24', flanneld), { subnet: '10.217.1.0/24', publicIp: '10.169.72.128', backendType: 'vxlan', vni: 0, vtepMac: 'fa:41:fe:3f:5c:4d' });
  t.is(decodeLease(KEY, '{"PublicIP":"10.169.72.127","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"ae:de:d6:ee:15:ab"}}').vni, 1);
});

test('keySubnet: the key\'s last segment is the subnet; subnetKey is its inverse', (t) => {
  t.is(keySubnet(KEY), '10.217.0.0/24');
  t.is(keySubnet('flannel/subnets/10.217.31.0-24'), '10.217.31.0/24');
  t.is(keySubnet('10.217.33.0-24'), '10.217.33.0/24');
  t.is(subnetKey('10.217.0.0/24'), '10.217.0.0-24');
  t.is(keySubnet(subnetKey('10.244.128.0/17')), '10.244.128.0/17');
  const e = t.throws(() => keySubnet('/coreos.com/network/config'), { instanceOf: HarnessError });
  t.true(e?.message.includes('"/coreos.com/network/config"'), e?.message);
});

test('decode errors name the key: not JSON, no PublicIP, no BackendType, no VtepMAC', (t) => {
  const cases: [string, RegExp][] = [
    ['{"PublicIP":', /is not JSON/],
    ['{"BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"ae:de:d6:ee:15:ab"}}', /has no PublicIP/],
    ['{"PublicIP":"10.169.72.127","BackendData":{"VNI":0,"VtepMAC":"ae:de:d6:ee:15:ab"}}', /has no BackendType/],
    ['{"PublicIP":"10.169.72.127","BackendType":"vxlan","BackendData":{"VNI":0}}', /has no BackendData\.VtepMAC/],
    ['{"PublicIP":"10.169.72.127","BackendType":"host-gw","BackendData":null}', /has no BackendData\.VtepMAC/],
    ['{"PublicIP":10,"BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"ae:de:d6:ee:15:ab"}}', /has no PublicIP/],
  ];
  for (const [value, what] of cases) {
    const e = t.throws(() => decodeLease(KEY, value), { instanceOf: HarnessError }, value);
    t.true(e?.message.includes(`the lease at ${KEY}`), e?.message);
    t.regex(e?.message ?? '', what);
    t.is(e?.exitCode, 2);
  }
});

// JSON.parse('null') succeeds, and reading .PublicIP of null throws a TypeError that names no key.
test('a lease whose value is JSON null is a decode error naming the key, not a TypeError', (t) => {
  const e = t.throws(() => decodeLease(KEY, 'null'), { instanceOf: HarnessError });
  t.true(e?.message.includes(KEY), e?.message);
});

// ---------------------------------------------------------------------------------------------
// The emulated agent: its registry, written from its plan steps, read back by listNodes

test('the agent registry: emulated by default, unknown agents refused with the list', (t) => {
  t.is(flannelAgent(), emulatedAgent);
  t.is(flannelAgent('emulated').kind, 'emulated');
  t.true(flannelAgentKinds().includes('emulated'));
  const e = t.throws(() => flannelAgent('nosuch'), { instanceOf: SpecError });
  t.regex(e?.message ?? '', /unknown flannel agent "nosuch"; available: .*emulated/);
});

test('failover: the plan\'s write-files steps hold every node\'s and unit\'s lease; listNodes reads them back', async (t) => {
  const topo = scenarioTopology('failover');
  const dir = runDir(t);
  t.is(writeSteps(dir, emulatedAgent.planSteps(topo)), 4);
  const leases = await emulatedAgent.listNodes({ runDir: dir });
  t.deepEqual(leases, [
    { subnet: '10.217.0.0/24', publicIp: '10.169.72.127', backendType: 'vxlan', vni: 0, vtepMac: '0e:0f:0a:a9:48:7f' },
    { subnet: '10.217.1.0/24', publicIp: '10.169.72.128', backendType: 'vxlan', vni: 0, vtepMac: '0e:0f:0a:a9:48:80' },
    // The units as flannel nodes: PublicIP their underlay self IP, VtepMAC their tunnel MAC.
    { subnet: '10.217.31.0/24', publicIp: '10.169.72.36', backendType: 'vxlan', vni: 0, vtepMac: '0e:0f:0a:a9:48:24' },
    { subnet: '10.217.33.0/24', publicIp: '10.169.72.38', backendType: 'vxlan', vni: 0, vtepMac: '0e:0f:0a:a9:48:26' },
  ]);
});

test('the registry files are flannel\'s keys and values, and nodes are registered before the units', (t) => {
  const steps = emulatedAgent.planSteps(scenarioTopology('failover'));
  const writes = steps.filter((s) => s.action.type === 'write-files');
  t.deepEqual(writes.map((s) => s.id), ['flannel-registry', 'flannel-units']);
  t.deepEqual(writes[1]?.dependsOn, ['flannel-registry']);
  const files = writes.flatMap((s) => (s.action.type === 'write-files' ? s.action.files : []));
  t.deepEqual(files.map((f) => f.path), ['flannel/subnets/10.217.0.0-24', 'flannel/subnets/10.217.1.0-24', 'flannel/subnets/10.217.31.0-24', 'flannel/subnets/10.217.33.0-24']);
  t.is(files[0]?.content, '{"PublicIP":"10.169.72.127","BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"0e:0f:0a:a9:48:7f"}}\n');
  // Every node is programmed only after the whole registry is written.
  for (const s of steps.filter((x) => x.id.startsWith('flannel:') || x.id.startsWith('flannel-fdb:'))) {
    t.true(s.dependsOn.includes('flannel-registry') && s.dependsOn.includes('flannel-units'), s.id);
  }
});

test('a scenario without units registers the nodes only (baseline)', async (t) => {
  const dir = runDir(t);
  const steps = emulatedAgent.planSteps(scenarioTopology('baseline'));
  t.false(steps.some((s) => s.id === 'flannel-units'));
  writeSteps(dir, steps);
  const leases = await emulatedAgent.listNodes({ runDir: dir });
  t.deepEqual(leases.map((l) => l.publicIp), scenarioTopology('baseline').nodes.map((n) => n.underlayIp));
});

test('no registry written: listNodes knows no node', async (t) => {
  t.deepEqual(await emulatedAgent.listNodes({ runDir: runDir(t) }), []);
});

test('a corrupt lease in the registry: listNodes fails naming the file\'s key', async (t) => {
  const dir = runDir(t);
  writeRegistry(dir, SEED000_NODES);
  writeFileSync(join(dir, REGISTRY_DIR, '10.217.1.0-24'), '{"PublicIP":"10.169.72.128"}\n');
  const e = await t.throwsAsync(emulatedAgent.listNodes({ runDir: dir }), { instanceOf: HarnessError });
  t.true(e?.message.includes(`${REGISTRY_DIR}/10.217.1.0-24`), e?.message);
});

// ---------------------------------------------------------------------------------------------
// The check's expectation, from the registry

test('master in failover: a route, a permanent neighbour and an FDB entry for worker, bigip1 and bigip2 (9), none for itself', async (t) => {
  const topo = scenarioTopology('failover');
  const dir = runDir(t);
  writeSteps(dir, emulatedAgent.planSteps(topo));
  const expected = expectedFromRegistry('10.217.0.0/24', await emulatedAgent.listNodes({ runDir: dir }), 'flannel.0');
  t.deepEqual(expected, {
    routes: [
      { dst: '10.217.1.0/24', via: '10.217.1.0', dev: 'flannel.0', onlink: true },
      { dst: '10.217.31.0/24', via: '10.217.31.0', dev: 'flannel.0', onlink: true },
      { dst: '10.217.33.0/24', via: '10.217.33.0', dev: 'flannel.0', onlink: true },
    ],
    neighbours: [
      { dst: '10.217.1.0', lladdr: '0e:0f:0a:a9:48:80', dev: 'flannel.0' },
      { dst: '10.217.31.0', lladdr: '0e:0f:0a:a9:48:24', dev: 'flannel.0' },
      { dst: '10.217.33.0', lladdr: '0e:0f:0a:a9:48:26', dev: 'flannel.0' },
    ],
    fdb: [
      { mac: '0e:0f:0a:a9:48:80', dev: 'flannel.0', dst: '10.169.72.128' },
      { mac: '0e:0f:0a:a9:48:24', dev: 'flannel.0', dst: '10.169.72.36' },
      { mac: '0e:0f:0a:a9:48:26', dev: 'flannel.0', dst: '10.169.72.38' },
    ],
  });
  const all = [...expected.routes.map((r) => r.dst), ...expected.neighbours.map((n) => n.dst), ...expected.fdb.map((f) => f.dst)];
  t.is(all.length, 9);
  t.false(all.some((x) => x.startsWith('10.217.0.') || x === '10.169.72.127'), 'nothing for master itself');
});

test('what the emulated agent programs on master is exactly what the check expects from its registry', async (t) => {
  const topo = scenarioTopology('failover');
  const dir = runDir(t);
  const steps = emulatedAgent.planSteps(topo);
  writeSteps(dir, steps);
  const expected = expectedFromRegistry('10.217.0.0/24', await emulatedAgent.listNodes({ runDir: dir }), 'flannel.0');
  const lines = (id: string) => {
    const s = steps.find((x) => x.id === id);
    if (!s || s.action.type !== 'host-config') return [];
    return renderHostConfig(s.action).flatMap((a) => (a.type === 'ip' || a.type === 'bridge' ? a.lines.map((l) => l.join(' ')) : []));
  };
  t.deepEqual(lines('flannel:master').filter((l) => l.startsWith('route')).sort(), expected.routes.map((r) => `route replace ${r.dst} via ${r.via} dev ${r.dev} onlink`).sort());
  t.deepEqual(lines('flannel:master').filter((l) => l.startsWith('neigh')).sort(), expected.neighbours.map((n) => `neigh replace ${n.dst} lladdr ${n.lladdr} dev ${n.dev} nud permanent`).sort());
  t.deepEqual(lines('flannel-fdb:master').sort(), expected.fdb.map((f) => `fdb replace ${f.mac} dev ${f.dev} dst ${f.dst} self permanent`).sort());
});

// ---------------------------------------------------------------------------------------------
// assertFlannelState against a registry read back from disk (seed 000's master node)

const SEED000_VTEP: ExpectedVtep = { device: 'flannel.0', vni: 0, port: 8472, local: '10.169.72.127', learning: true, mtu: 1450, master: 'cni0', mac: 'ae:de:d6:ee:15:ab' };

async function judgeMaster(t: import('ava').ExecutionContext, leases: readonly FlannelLease[]) {
  const dir = runDir(t);
  writeRegistry(dir, leases);
  const listed = await emulatedAgent.listNodes({ runDir: dir });
  return assertFlannelState('master', SEED000_VTEP, expectedFromRegistry('10.217.0.0/24', listed, 'flannel.0'), seedSnapshot('seed000-master', 'master'), []);
}

test('seed 000 master against its registry: passed', async (t) => {
  const r = await judgeMaster(t, SEED000_NODES);
  t.is(r.status, 'passed', r.actual);
  t.is(r.actual, 'exactly those 9 entries');
});

test('the registry\'s lease for worker carries another VtepMAC than master was programmed with: failed, both sides named', async (t) => {
  // flannel#1795: worker's VTEP was recreated with a new MAC and its lease updated; master still
  // holds the old neighbour and FDB entry.
  const leases = SEED000_NODES.map((l) => (l.subnet === '10.217.1.0/24' ? { ...l, vtepMac: 'fa:41:fe:3f:00:02' } : l));
  const r = await judgeMaster(t, leases);
  t.is(r.status, 'failed');
  t.is(
    r.actual,
    'missing permanent neighbour 10.217.1.0 lladdr fa:41:fe:3f:00:02; unexpected permanent neighbour 10.217.1.0 lladdr fa:41:fe:3f:5c:4d; missing fdb fa:41:fe:3f:00:02 dst 10.169.72.128; unexpected fdb fa:41:fe:3f:5c:4d dst 10.169.72.128',
  );
});

test('a unit missing from the registry: the node\'s entries for it are unexpected', async (t) => {
  const r = await judgeMaster(t, SEED000_NODES.filter((l) => l.subnet !== '10.217.33.0/24'));
  t.is(r.status, 'failed');
  t.is(r.actual, 'unexpected route 10.217.33.0/24 via 10.217.33.0 onlink; unexpected permanent neighbour 10.217.33.0 lladdr 00:50:56:86:78:2d; unexpected fdb 00:50:56:86:78:2d dst 10.169.72.38');
});

test('an empty registry is not a pass for a node that holds flannel state', async (t) => {
  const r = await judgeMaster(t, []);
  t.is(r.status, 'failed');
  t.true(r.actual.startsWith('unexpected route 10.217.1.0/24 via 10.217.1.0 onlink'), r.actual);
});
