// The fault and operator steps are checked when the scenario is read: each needs the agent it
// acts on, names a host that exists, and exec never reaches a BIG-IP unit (a device, not a shell).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../harness/spec/load.js';
import { SpecError } from '../../harness/core/errors.js';

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
