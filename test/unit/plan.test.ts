// The planner: a golden rendering of the baseline plan (`overlab plan baseline`), and targeted
// properties every plan must have. No root needed.
// UPDATE_GOLDEN=1 npx ava dist/test/unit/plan.test.js rewrites test/fixtures/golden/*.plan.txt.
import test from 'ava';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planScenario } from '../../harness/plan/plan.js';
import type { Plan, PlanStep } from '../../harness/plan/types.js';
import type { BulkAction } from '../../harness/providers/types.js';
import { renderHostConfig } from '../../harness/plan/host-actions.js';
import { loadScenarioFile, validateSpec } from '../../harness/spec/load.js';
import type { ScenarioSpec } from '../../harness/spec/schema.js';
import { formatPlan } from '../../harness/cli/print-plan.js';
import { NetnsProvider } from '../../harness/providers/netns/provider.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';
import { generatedSpec } from '../../bench/topology.js';

const IFNAMSIZ = 15;
const GOLDEN = join(PROJECT_ROOT, 'test/fixtures/golden/baseline.plan.txt');

const baseline = (): ScenarioSpec => loadScenarioFile(join(SCENARIOS_DIR, 'baseline.yaml'));
const render = (plan: Plan): string => formatPlan(plan, new NetnsProvider({ runId: 'RUN', ledger: new ResourceLedger('/nonexistent') })) + '\n';

function variant(flannel: Partial<ScenarioSpec['flannel']>, underlay: Partial<ScenarioSpec['underlay']> = {}): ScenarioSpec {
  const spec = baseline();
  // A VTEP MTU above what the underlay carries is only allowed in a reproduction (mtu-mismatch's).
  const reproduces = (flannel.mtu ?? 0) > (underlay.mtu ?? 1500) - 50 ? { reproduces: loadScenario('mtu-mismatch').reproduces } : {};
  return validateSpec({ ...spec, ...reproduces, underlay: { ...spec.underlay, ...underlay }, flannel: { ...spec.flannel, ...flannel } }, '(variant)');
}

function step(plan: Plan, id: string): PlanStep {
  const s = plan.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}; steps: ${plan.steps.map((x) => x.id).join(', ')}`);
  return s;
}

/** A step's intent as the Linux device renders it (what the provider runs). */
function bulkOf(s: PlanStep): BulkAction[] {
  return s.action.type === 'host-config' ? renderHostConfig(s.action) : [];
}

function linesOf(s: PlanStep): string[][] {
  return bulkOf(s).flatMap((a) => (a.type === 'ip' || a.type === 'bridge' ? a.lines : []));
}

const has = (lines: string[][], line: string): boolean => lines.some((l) => l.join(' ') === line);

/** Every plan the tests know: the scenario library, a 50x4 topology and the longest VTEP name. */
function allPlans(): { name: string; plan: Plan }[] {
  const library = readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: f, plan: planScenario(loadScenarioFile(join(SCENARIOS_DIR, f))) }));
  return [
    ...library,
    { name: 'generated 50x4', plan: planScenario(generatedSpec(50, 4)) },
    { name: 'vni 9999999', plan: planScenario(variant({ vni: 9999999 })) },
    { name: 'bridged learning vni 0', plan: planScenario(variant({ vni: 0, learning: true, bridged: true })) },
  ];
}

/** Interface names in an iproute2 line: the word after `name` and `dev`, and after `master` in `ip link set`. */
function interfaceNames(line: readonly string[], tool: 'ip' | 'bridge'): string[] {
  const out: string[] = [];
  line.forEach((word, i) => {
    const next = line[i + 1];
    if (next === undefined) return;
    if (word === 'name' || word === 'dev') out.push(next);
    if (word === 'master' && tool === 'ip') out.push(next);
  });
  return out;
}

test('golden: `overlab plan baseline` renders exactly test/fixtures/golden/baseline.plan.txt', (t) => {
  const text = render(planScenario(baseline()));
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, text);
    t.log(`rewrote ${GOLDEN}`);
  }
  t.true(existsSync(GOLDEN), `${GOLDEN} is missing; run with UPDATE_GOLDEN=1 to write it`);
  const golden = readFileSync(GOLDEN, 'utf8');
  if (text !== golden) {
    // Point at the first differing line: a whole-file diff of 100 lines is hard to read.
    const a = golden.split('\n');
    const b = text.split('\n');
    const i = a.findIndex((line, n) => line !== b[n]);
    t.fail(`plan differs from the golden file at line ${i + 1}:\n  golden: ${a[i]}\n  now:    ${b[i]}\n(if intended: UPDATE_GOLDEN=1 npx ava dist/test/unit/plan.test.js)`);
  }
  t.true(text === golden, 'the plan renders exactly the golden file');
});

test('planning is pure and deterministic: the same spec gives the same plan', (t) => {
  t.deepEqual(planScenario(baseline()), planScenario(baseline()));
  t.is(render(planScenario(generatedSpec(50, 4))), render(planScenario(generatedSpec(50, 4))));
});

test('every interface name in every ip and bridge line fits IFNAMSIZ (15)', (t) => {
  for (const { name, plan } of allPlans()) {
    const names = new Set<string>();
    for (const s of plan.steps) {
      for (const a of bulkOf(s)) if (a.type === 'ip' || a.type === 'bridge') a.lines.forEach((l) => interfaceNames(l, a.type).forEach((n) => names.add(n)));
      if (s.action.type === 'wire') s.action.links.forEach((l) => [l.a.ifname, l.b.ifname].forEach((n) => names.add(n)));
    }
    t.true(names.size > 0, name);
    const long = [...names].filter((n) => n.length > IFNAMSIZ || n.length === 0);
    t.deepEqual(long, [], `${name}: interface names longer than ${IFNAMSIZ}`);
  }
  // The longest VTEP name the spec allows is exactly 15 characters.
  t.true(has(linesOf(step(planScenario(variant({ vni: 9999999 })), 'node:master')), 'link set dev flannel.9999999 up'));
});

test('deterministic MACs: CNI 0a:58:<ip>, VTEP 0e:0f:<underlay ip>, underlay NIC 0e:01:<underlay ip>', (t) => {
  const plan = planScenario(baseline());
  const master = plan.topology.nodes[0]!;
  t.is(master.name, 'master');
  t.is(master.underlayMac, '0e:01:ac:10:01:64');
  t.is(master.vtepMac, '0e:0f:ac:10:01:64');
  t.is(master.gatewayMac, '0a:58:0a:f4:00:01');
  t.deepEqual(master.pods.map((p) => [p.name, p.ip, p.mac]), [
    ['pod0', '10.244.0.2', '0a:58:0a:f4:00:02'],
    ['pod1', '10.244.0.3', '0a:58:0a:f4:00:03'],
  ]);
  t.is(plan.topology.nodes[2]?.vtepMac, '0e:0f:ac:10:01:66');
  // The VXLAN device and cni0 are created with those MACs.
  const nodeLines = linesOf(step(plan, 'node:master'));
  t.true(nodeLines.some((l) => l.join(' ').startsWith('link add name flannel.1 address 0e:0f:ac:10:01:64 ')));
  t.true(has(nodeLines, 'link add name cni0 address 0a:58:0a:f4:00:01 mtu 1450 type bridge mcast_snooping 0'));
});

test('MACs in every plan are unique, unicast and locally administered', (t) => {
  for (const { name, plan } of allPlans()) {
    const wire = plan.steps.find((s) => s.action.type === 'wire');
    if (wire?.action.type !== 'wire') return t.fail(`${name}: no wire step`);
    const macs = wire.action.links.flatMap((l) => [l.a.mac, l.b.mac]);
    macs.push(...plan.topology.nodes.flatMap((n) => [n.vtepMac, n.gatewayMac]));
    t.is(new Set(macs).size, macs.length, `${name}: duplicate MAC`);
    for (const mac of macs) {
      const first = parseInt(mac.slice(0, 2), 16);
      t.true((first & 2) === 2 && (first & 1) === 0, `${name}: ${mac} is not a locally administered unicast MAC`);
    }
  }
});

test('flannel control plane on master: a route, a permanent neighbour and an FDB entry per other node', (t) => {
  const plan = planScenario(baseline());
  const ipLines = linesOf(step(plan, 'flannel:master')).map((l) => l.join(' '));
  t.deepEqual(ipLines.filter((l) => l.startsWith('route')).sort(), [
    'route replace 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink',
    'route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
  ]);
  t.deepEqual(ipLines.filter((l) => l.startsWith('neigh')).sort(), [
    'neigh replace 10.244.1.0 lladdr 0e:0f:ac:10:01:65 dev flannel.1 nud permanent',
    'neigh replace 10.244.2.0 lladdr 0e:0f:ac:10:01:66 dev flannel.1 nud permanent',
  ]);
  t.deepEqual(linesOf(step(plan, 'flannel-fdb:master')).map((l) => l.join(' ')).sort(), [
    'fdb replace 0e:0f:ac:10:01:65 dev flannel.1 dst 172.16.1.101 self permanent',
    'fdb replace 0e:0f:ac:10:01:66 dev flannel.1 dst 172.16.1.102 self permanent',
  ]);
  // The rendered plan runs them inside master's namespace.
  t.true(render(plan).includes('    ip -n ol-RUN.master route replace 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink\n'));
  // flanneld's own address: the podCIDR's .0 as a /32 on the VTEP.
  t.true(has(linesOf(step(plan, 'node:master')), 'addr add 10.244.0.0/32 dev flannel.1'));
});

test('the baseline VTEP is flannel.1: VNI 1, port 8472, nolearning, local = node IP, dev eth0, MTU 1450, not in cni0', (t) => {
  const lines = linesOf(step(planScenario(baseline()), 'node:worker01'));
  t.true(has(lines, 'link add name flannel.1 address 0e:0f:ac:10:01:65 mtu 1450 type vxlan id 1 dstport 8472 local 172.16.1.101 dev eth0 nolearning'));
  t.false(lines.some((l) => l.join(' ').includes('master cni0') && l.includes('flannel.1')));
});

test('dependency order: steps have unique ids and depend only on earlier steps', (t) => {
  for (const { name, plan } of allPlans()) {
    const seen = new Set<string>();
    for (const s of plan.steps) {
      t.false(seen.has(s.id), `${name}: step id ${s.id} twice`);
      for (const d of s.dependsOn) t.true(seen.has(d), `${name}: ${s.id} depends on ${d}, which is not an earlier step`);
      seen.add(s.id);
    }
    const ready = plan.steps.find((s) => s.phase === 'ready');
    if (ready) t.deepEqual([...ready.dependsOn].sort(), plan.steps.filter((s) => s !== ready).map((s) => s.id).sort(), `${name}: ready waits for everything`);
    t.is(plan.steps[0]?.action.type, 'create-hosts', `${name}: hosts come first`);
  }
});

test('bridged learning variant (VNI 0, learning, bridged): flannel.0 is created with learning and enslaved to cni0', (t) => {
  const plan = planScenario(variant({ vni: 0, learning: true, bridged: true }));
  const lines = linesOf(step(plan, 'node:master')).map((l) => l.join(' '));
  const vxlan = lines.findIndex((l) => l.startsWith('link add name flannel.0 '));
  const enslave = lines.indexOf('link set dev flannel.0 master cni0');
  const cni = lines.findIndex((l) => l.startsWith('link add name cni0 '));
  t.true(vxlan >= 0 && cni >= 0 && enslave > vxlan && enslave > cni, lines.join('\n'));
  t.regex(lines[vxlan] ?? '', / type vxlan id 0 dstport 8472 local 172\.16\.1\.100 dev eth0 learning$/);
  t.true(lines.includes('link set dev flannel.0 up'));
  // The control plane uses the same device.
  t.true(linesOf(step(plan, 'flannel:master')).some((l) => l.join(' ') === 'route replace 10.244.1.0/24 via 10.244.1.0 dev flannel.0 onlink'));
});

test('a VTEP MTU above the underlay MTU - 50 leaves `dev eth0` out of the vxlan line', (t) => {
  const vxlanLine = (spec: ScenarioSpec) => linesOf(step(planScenario(spec), 'node:master')).find((l) => l.includes('vxlan')) ?? [];
  t.true(vxlanLine(variant({ mtu: 1450 }, { mtu: 1500 })).join(' ').includes(' dev eth0 '), 'exactly 50 below: dev kept');
  for (const [flannelMtu, underlayMtu] of [[1451, 1500], [1500, 1500], [9000, 1500]] as const) {
    const line = vxlanLine(variant({ mtu: flannelMtu }, { mtu: underlayMtu }));
    t.true(line.includes('vxlan'));
    t.false(line.includes('dev'), `flannel mtu ${flannelMtu} over underlay ${underlayMtu}: ${line.join(' ')}`);
    t.true(line.join(' ').includes(`mtu ${flannelMtu} type vxlan`));
  }
});

test('the readiness probe pings from a pod on the first node to a pod on the last', (t) => {
  const ready = step(planScenario(baseline()), 'ready');
  t.deepEqual(ready.action, { type: 'wait-ping', from: 'master.pod0', to: '10.244.2.2', timeoutMs: 5000 });
});

test('no switch port can share its peer ifindex: netns gives every switch-side veth end an explicit ifindex >= 1000', (t) => {
  // The kernel treats a carrier change on a veth whose ifindex equals its peer's as not urgent
  // (linkwatch batches it up to a second): the port stays disabled and the first ping is lost.
  const provider = new NetnsProvider({ runId: 'RUN', ledger: new ResourceLedger('/nonexistent') });
  for (const { name, plan } of allPlans()) {
    const wire = step(plan, 'wire').action;
    if (wire.type !== 'wire') throw new Error('the wire step wires');
    const lines = provider.render(wire).map((argv) => argv.join(' '));
    const ports = lines.filter((l) => / name (swp|ext)\d+ /.test(l));
    t.true(ports.length > 0, name);
    const indexes = ports.map((l) => Number(/ index (\d+) type veth/.exec(l)?.[1]));
    t.true(indexes.every((i) => i >= 1000), `${name}: ${ports.find((l) => !/ index \d+ /.test(l)) ?? ''}`);
    t.is(new Set(indexes).size, indexes.length, `${name}: switch port indexes are distinct`);
  }
});
