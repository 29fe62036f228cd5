// What the BIG-IP device and the flannel agent cannot honour is refused while the scenario is
// read, before anything is created: a SpecError (exit code 2) whose message names the file, the
// line, the field and, for a device refusal, the device. Variants of scenarios/failover.yaml,
// edited as text so that the lines are a real file's.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile, parseScenario } from '../../harness/spec/load.js';
import { formatSpecProblem, SpecError, type SpecProblem } from '../../harness/core/errors.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { bigipDevice, bigipDeviceKinds } from '../../harness/devices/bigip/registry.js';
import { flannelAgentKinds } from '../../harness/overlay/flannel/registry.js';
import { resolveTopology } from '../../harness/spec/topology.js';

const FILE = 'x.yaml';
const FAILOVER = readFileSync(join(SCENARIOS_DIR, 'failover.yaml'), 'utf8');

/** The failover scenario with one exact piece of text replaced (which must be there). */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`failover.yaml has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** The 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line with ${JSON.stringify(needle)}`);
  return i + 1;
}

function refused(t: import('ava').ExecutionContext, text: string): { error: SpecError; problems: readonly SpecProblem[] } {
  const error = t.throws(() => parseScenario(text, FILE), { instanceOf: SpecError });
  if (!error) throw new Error('not refused');
  t.is(error.exitCode, 2, 'a refused scenario means the harness cannot run: exit code 2');
  t.is(error.message, error.problems.map(formatSpecProblem).join('\n'));
  return { error, problems: error.problems };
}

function onlyProblem(t: import('ava').ExecutionContext, text: string): { error: SpecError; problem: SpecProblem } {
  const { error, problems } = refused(t, text);
  t.is(problems.length, 1, JSON.stringify(problems));
  return { error, problem: problems[0]! };
}

const TUNNEL_SELF = 'tunnel: { name: flannel_vxlan, key: 0, localAddress: self, trafficGroup: traffic-group-local-only }';

test('the failover scenario itself loads (the variants below differ from it in one place)', (t) => {
  t.is(parseScenario(FAILOVER, FILE).bigip?.configsync, false);
});

test('configsync: true is refused by the sim device: the message names bigip.configsync, the line and the device', (t) => {
  const text = edit(FAILOVER, 'configsync: false', 'configsync: true');
  const line = lineOf(text, 'configsync: true');
  const { error, problem } = onlyProblem(t, text);
  t.is(problem.field, 'bigip.configsync');
  t.is(problem.line, line);
  t.is(problem.file, FILE);
  t.true(error.message.startsWith(`${FILE}:${line}: bigip.configsync: `), error.message);
  t.regex(problem.message, /\bdevice sim\b/);
  t.deepEqual(error.context, { file: FILE, line, field: 'bigip.configsync' });
});

test('tunnel.trafficGroup: none is refused by the sim device, naming the field, the line and the device', (t) => {
  const text = edit(FAILOVER, 'trafficGroup: traffic-group-local-only', 'trafficGroup: none');
  const { error, problem } = onlyProblem(t, text);
  t.is(problem.field, 'bigip.tunnel.trafficGroup');
  t.is(problem.line, lineOf(text, 'trafficGroup: none'));
  t.true(error.message.startsWith(`${FILE}:${problem.line}: bigip.tunnel.trafficGroup: none `), error.message);
  t.regex(problem.message, /\bdevice sim\b/);
});

test('both refusals at once: every problem reported, each on its own line', (t) => {
  const text = edit(edit(FAILOVER, 'configsync: false', 'configsync: true'), 'trafficGroup: traffic-group-local-only', 'trafficGroup: none');
  const { problems } = refused(t, text);
  t.deepEqual(problems.map((p) => [p.field, p.line]).sort(), [
    ['bigip.configsync', lineOf(text, 'configsync: true')],
    ['bigip.tunnel.trafficGroup', lineOf(text, 'trafficGroup: none')],
  ].sort());
});

test('the refusals are the sim device\'s own: its unsupported() names the same fields', (t) => {
  const b = resolveTopology(parseScenario(FAILOVER, FILE)).bigip!;
  const sim = bigipDevice('sim');
  t.deepEqual(sim.unsupported(b), []);
  t.deepEqual(sim.unsupported({ ...b, configsync: true }).map((u) => u.pointer), ['/bigip/configsync']);
  t.deepEqual(sim.unsupported({ ...b, tunnel: { ...b.tunnel, trafficGroup: 'none' } }).map((u) => u.pointer), ['/bigip/tunnel/trafficGroup']);
  t.deepEqual(sim.unsupported({ ...b, tunnel: { ...b.tunnel, trafficGroup: 'traffic-group-1' } }), []);
});

test('localAddress: floating without a floating underlay self IP is refused, naming bigip.tunnel.localAddress', (t) => {
  const text = edit(FAILOVER, TUNNEL_SELF, 'tunnel: { name: flannel_vxlan, key: 0, localAddress: floating, trafficGroup: traffic-group-1 }');
  const { error, problem } = onlyProblem(t, text);
  t.is(problem.field, 'bigip.tunnel.localAddress');
  t.is(problem.line, lineOf(text, 'localAddress: floating'));
  t.regex(problem.message, /floating self IP on the underlay/);
  t.true(error.message.startsWith(`${FILE}:${problem.line}: bigip.tunnel.localAddress: `), error.message);
});

test('a floating self IP on the tunnel VLAN is not an underlay one: still refused', (t) => {
  const text = edit(
    edit(FAILOVER, TUNNEL_SELF, 'tunnel: { name: flannel_vxlan, key: 0, localAddress: floating, trafficGroup: traffic-group-1 }'),
    'floatingSelfIps: []',
    'floatingSelfIps:\n    - { address: 10.217.31.1/16, vlan: tunnel }',
  );
  t.is(onlyProblem(t, text).problem.field, 'bigip.tunnel.localAddress');
});

test('localAddress: floating in traffic-group-local-only is refused, naming bigip.tunnel.trafficGroup', (t) => {
  const text = edit(
    edit(FAILOVER, TUNNEL_SELF, 'tunnel: { name: flannel_vxlan, key: 0, localAddress: floating, trafficGroup: traffic-group-local-only }'),
    'floatingSelfIps: []',
    'floatingSelfIps:\n    - { address: 10.169.72.40/16, vlan: underlay }',
  );
  const { problem } = onlyProblem(t, text);
  t.is(problem.field, 'bigip.tunnel.trafficGroup');
  t.is(problem.line, lineOf(text, 'localAddress: floating'));
  t.regex(problem.message, /traffic-group-1/);
});

test('localAddress: floating with a floating underlay self IP in traffic-group-1 loads', (t) => {
  const text = edit(
    edit(FAILOVER, TUNNEL_SELF, 'tunnel: { name: flannel_vxlan, key: 0, localAddress: floating, trafficGroup: traffic-group-1 }'),
    'floatingSelfIps: []',
    'floatingSelfIps:\n    - { address: 10.169.72.40/16, vlan: underlay }',
  );
  const spec = parseScenario(text, FILE);
  t.is(spec.bigip?.tunnel.localAddress, 'floating');
  t.deepEqual(spec.bigip?.floatingSelfIps, [{ address: '10.169.72.40/16', vlan: 'underlay' }]);
});

test('an unknown bigip.device is refused, listing the devices there are', (t) => {
  const text = edit(FAILOVER, 'bigip:\n', 'bigip:\n  device: ve9\n');
  const { problem } = onlyProblem(t, text);
  t.is(problem.field, 'bigip.device');
  t.is(problem.line, lineOf(text, 'device: ve9'));
  t.true(problem.message.startsWith('unknown BIG-IP device "ve9"; available: '), problem.message);
  t.true(bigipDeviceKinds().includes('sim'));
  for (const kind of bigipDeviceKinds()) t.true(problem.message.includes(kind), `lists ${kind}: ${problem.message}`);
});

test('bigip.device: sim, written out, is the default and loads', (t) => {
  t.is(parseScenario(edit(FAILOVER, 'bigip:\n', 'bigip:\n  device: sim\n'), FILE).bigip?.device, 'sim');
});

test('an unknown flannel.agent is refused, listing the agents there are', (t) => {
  const text = edit(FAILOVER, 'flannel:\n', 'flannel:\n  agent: nosuch\n');
  const { error, problem } = onlyProblem(t, text);
  t.is(problem.field, 'flannel.agent');
  t.is(problem.line, lineOf(text, 'agent: nosuch'));
  t.true(problem.message.startsWith('unknown flannel agent "nosuch"; available: '), problem.message);
  t.true(flannelAgentKinds().includes('emulated'));
  for (const kind of flannelAgentKinds()) t.true(problem.message.includes(kind), `lists ${kind}: ${problem.message}`);
  t.true(error.message.startsWith(`${FILE}:${problem.line}: flannel.agent: `), error.message);
});

test('flannel.agent: emulated, written out, loads', (t) => {
  t.is(parseScenario(edit(FAILOVER, 'flannel:\n', 'flannel:\n  agent: emulated\n'), FILE).flannel.agent, 'emulated');
});

test('every shipped scenario (scenarios/*.yaml) still loads', (t) => {
  const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.yaml'));
  t.true(files.length >= 9, files.join(', '));
  for (const f of files) t.notThrows(() => loadScenarioFile(join(SCENARIOS_DIR, f)), f);
  // The ones with units are all on the stand-in, which honours them.
  for (const f of files) {
    const spec = loadScenarioFile(join(SCENARIOS_DIR, f));
    if (spec.bigip) t.is(spec.bigip.device ?? 'sim', 'sim', f);
  }
});
