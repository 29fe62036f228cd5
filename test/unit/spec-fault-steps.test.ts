// The fault and operator steps are checked when the scenario is read: each needs the agent it
// acts on (or the units it changes), names a host that exists, and exec never reaches a BIG-IP
// unit (a device, not a shell).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../harness/spec/load.js';
import { SpecError } from '../../harness/core/errors.js';
import { stepName } from '../../harness/scenario/steps/index.js';

const base = readFileSync(join(process.cwd(), 'scenarios', 'vtepmac-learned.yaml'), 'utf8');
const withStep = (step: string, agent = 'flanneld') => base.replace('  agent: flanneld', `  agent: ${agent}`).replace('  - warmup: 500\n', `  - warmup: 500\n  - ${step}\n`);
const refused = (t: import('ava').ExecutionContext, text: string, field: RegExp, message: RegExp) => {
  const e = t.throws(() => parseScenario(text, 'x.yaml'), { instanceOf: SpecError });
  t.regex(e?.message ?? '', field);
  t.regex(e?.message ?? '', message);
  t.is(e?.exitCode, 2);
};

test('the shipped twin loads: restart-flanneld and exec on master with flanneld', (t) => {
  t.notThrows(() => parseScenario(base, 'vtepmac-learned.yaml'));
});

test('a flanneld fault without flannel.agent: flanneld is refused, naming the step and the agent', (t) => {
  refused(t, base.replace('  agent: flanneld', '  agent: emulated'), /steps\[\d+\]\.restart-flanneld/, /must say flannel\.agent: flanneld \(it says emulated\)/);
  refused(t, withStep('flannel-vni: { vni: 1 }', 'emulated'), /steps\[\d+\]\.flannel-vni/, /flannel\.agent: flanneld/);
  refused(t, withStep('node-leave: { node: worker }', 'emulated'), /steps\[\d+\]\.node-leave/, /flannel\.agent: flanneld/);
});

test('a fault on a node that does not exist is refused with the nodes there are', (t) => {
  refused(t, withStep('node-leave: { node: nosuch }'), /node-leave\.node/, /no node "nosuch"; nodes: master, worker/);
  refused(t, withStep('delete-vtep: { node: nosuch }'), /delete-vtep\.node/, /no node "nosuch"/);
});

test('exec runs on nodes and pods only: a unit, or a host that is not there, is refused', (t) => {
  t.notThrows(() => parseScenario(withStep("exec: { host: worker.nginx, argv: [ip, -br, addr] }"), 'x.yaml'));
  refused(t, withStep("exec: { host: bigip1, argv: [tmsh, show, net, fdb] }"), /exec\.host/, /no node or pod "bigip1"/);
  refused(t, withStep("exec: { host: master.nosuch, argv: ['true'] }"), /exec\.host/, /no node or pod "master\.nosuch"/);
});

test('a VNI whose VTEP name would not fit an interface name is refused', (t) => {
  refused(t, withStep('flannel-vni: { vni: 12345678 }'), /flannel-vni\.vni/, /flannel\.12345678 is longer than 15 characters/);
});

// The operator's and CIS's changes on the units (vni-change-fix, node-leave-cis).
const baseline = readFileSync(join(process.cwd(), 'scenarios', 'baseline.yaml'), 'utf8');
const baselineWith = (step: string) => `${baseline}steps: [boot, configure, ${step}, assert, teardown]\n`;

test('the shipped fixed twins load: bigip-tunnel-key after flannel-vni, bigip-forget-node after node-leave', (t) => {
  for (const name of ['vni-change-fix', 'node-leave-cis']) t.notThrows(() => parseScenario(readFileSync(join(process.cwd(), 'scenarios', `${name}.yaml`), 'utf8'), `${name}.yaml`), name);
});

test('a change on the units in a scenario without a bigip section is refused, naming the step', (t) => {
  t.notThrows(() => parseScenario(baselineWith("exec: { host: master, argv: ['true'] }"), 'x.yaml'));
  refused(t, baselineWith('bigip-tunnel-key: { key: 1 }'), /steps\[2\]\.bigip-tunnel-key/, /no bigip section/);
  refused(t, baselineWith('bigip-forget-node: { node: worker01 }'), /steps\[2\]\.bigip-forget-node/, /no bigip section/);
});

test('bigip-forget-node names a node of the scenario; bigip-tunnel-key a VNI', (t) => {
  t.notThrows(() => parseScenario(withStep('bigip-forget-node: { node: worker }'), 'x.yaml'));
  refused(t, withStep('bigip-forget-node: { node: nosuch }'), /bigip-forget-node\.node/, /no node "nosuch"; nodes: master, worker/);
  t.notThrows(() => parseScenario(withStep('bigip-tunnel-key: { key: 16777215 }'), 'x.yaml'));
  // Outside the schema's range (a VNI is 24 bits); the union of step kinds is what the message names.
  refused(t, withStep('bigip-tunnel-key: { key: 16777216 }'), /steps\[\d+\]/, /"bigip-tunnel-key":\{"key":16777216\}\} is not allowed/);
});

test('the new steps are named by what they change', (t) => {
  t.is(stepName({ 'bigip-tunnel-key': { key: 1 } }), 'bigip-tunnel-key 1');
  t.is(stepName({ 'bigip-forget-node': { node: 'worker' } }), 'bigip-forget-node worker');
});
