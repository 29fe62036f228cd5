// Scenario files: every kind of mistake is reported as a SpecError (exit code 2) whose problems
// name the file, the line and the field, and say what is allowed. No root needed.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile, parseScenario, validateSpec } from '../../harness/spec/load.js';
import { schemaText, SCHEMA_FILE } from '../../harness/spec/write-schema.js';
import { SpecError, type SpecProblem } from '../../harness/core/errors.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { rangeOf } from '../../harness/spec/describe.js';

const FILE = 'scenarios/under-test.yaml';

/** A valid scenario; `nodes` is the YAML of the nodes list (from line 11), `flannel` replaces lines 5-9. */
function scenario(nodes: string, options: { flannel?: string; underlay?: string; extra?: string } = {}): string {
  return [
    'name: under-test', //                                                    line 1
    'underlay:', //                                                           line 2
    `  cidr: ${options.underlay ?? '172.16.1.0/24'}`, //                      line 3
    'flannel:', //                                                            line 4
    options.flannel ?? '  network: 10.244.0.0/16\n  vni: 1\n  learning: false\n  bridged: false\n  mtu: 1450', // lines 5-9
    `${options.extra ?? ''}nodes:`, //                                        line 10 (when no extra)
    nodes,
  ].join('\n');
}

function problemsOf(t: import('ava').ExecutionContext, text: string): readonly SpecProblem[] {
  const error = t.throws(() => parseScenario(text, FILE), { instanceOf: SpecError });
  t.is(error?.exitCode, 2, 'a bad scenario means the harness cannot run: exit code 2');
  for (const p of error?.problems ?? []) t.is(p.file, FILE);
  // The message a user sees carries file:line: field for the first problem.
  const first = error?.problems[0];
  if (first?.line !== undefined) t.true(error!.message.startsWith(`${FILE}:${first.line}: ${first.field || '(top level)'}: `), error!.message);
  return error?.problems ?? [];
}

function onlyProblem(t: import('ava').ExecutionContext, text: string): SpecProblem {
  const problems = problemsOf(t, text);
  t.is(problems.length, 1, JSON.stringify(problems));
  return problems[0] ?? { file: '', field: '', message: '' };
}

test('the valid base scenario loads', (t) => {
  const spec = parseScenario(scenario('  - name: master\n    podCidr: 10.244.0.0/24\n  - name: worker\n'), FILE);
  t.is(spec.name, 'under-test');
  t.is(spec.nodes.length, 2);
});

test('an unknown field names its path and line, and lists the allowed fields', (t) => {
  const p = onlyProblem(t, scenario('  - name: master\n    podCidr: 10.244.0.0/24\n    colour: red\n'));
  t.is(p.field, 'nodes[0].colour');
  t.is(p.line, 13);
  t.regex(p.message, /unknown field "colour"/);
  for (const allowed of ['name', 'role', 'underlayIp', 'podCidr', 'vtepMac', 'pods']) t.true(p.message.includes(allowed), `lists ${allowed}: ${p.message}`);
});

test('an unknown top-level field is reported at the top level', (t) => {
  const p = onlyProblem(t, scenario('  - name: master\n', { extra: 'colour: red\n' }));
  t.is(p.field, 'colour');
  t.is(p.line, 10);
  t.regex(p.message, /allowed here: .*underlay, flannel, nodes/);
});

test('a bad type says what was found and what is expected', (t) => {
  const p = onlyProblem(t, scenario('  - name: master\n', { flannel: '  network: 10.244.0.0/16\n  vni: one\n  learning: false\n  bridged: false\n  mtu: 1450' }));
  t.is(p.field, 'flannel.vni');
  t.is(p.line, 6);
  t.regex(p.message, /"one" is not allowed: expected/);
  t.regex(p.message, /VXLAN network identifier/);
});

test('an out-of-range number says the range: vni 0..16777215, mtu 576..9000, port 1..65535', (t) => {
  const vni = onlyProblem(t, scenario('  - name: master\n', { flannel: '  network: 10.244.0.0/16\n  vni: 16777216\n  learning: false\n  bridged: false\n  mtu: 1450' }));
  t.is(vni.field, 'flannel.vni');
  t.is(vni.line, 6);
  t.regex(vni.message, /^16777216 is out of range: expected 0\.\.16777215 \(VXLAN network identifier/);
  const negative = onlyProblem(t, scenario('  - name: master\n', { flannel: '  network: 10.244.0.0/16\n  vni: -1\n  learning: false\n  bridged: false\n  mtu: 1450' }));
  t.regex(negative.message, /^-1 is out of range: expected 0\.\.16777215/);
  const mtu = onlyProblem(t, scenario('  - name: master\n', { flannel: '  network: 10.244.0.0/16\n  vni: 1\n  learning: false\n  bridged: false\n  mtu: 20' }));
  t.is(mtu.field, 'flannel.mtu');
  t.regex(mtu.message, /^20 is out of range: expected 576\.\.9000/);
  // In range but of the wrong type: still said with the range, as what is allowed.
  const word = onlyProblem(t, scenario('  - name: master\n', { flannel: '  network: 10.244.0.0/16\n  vni: one\n  learning: false\n  bridged: false\n  mtu: 1450' }));
  t.regex(word.message, /"one" is not allowed: expected .*\(0\.\.16777215\)$/);
});

test('rangeOf: both bounds, one bound, none', (t) => {
  t.is(rangeOf({ minimum: 0, maximum: 16777215 }), '0..16777215');
  t.is(rangeOf({ minimum: 68 }), '>= 68');
  t.is(rangeOf({ maximum: 9000 }), '<= 9000');
  t.is(rangeOf({}), '');
});

test('a boolean given as a string is a bad type', (t) => {
  const p = onlyProblem(t, scenario('  - name: master\n', { flannel: '  network: 10.244.0.0/16\n  vni: 1\n  learning: "no"\n  bridged: false\n  mtu: 1450' }));
  t.is(p.field, 'flannel.learning');
  t.is(p.line, 7);
});

test('a node named `a;rm -rf /` is rejected before anything runs', (t) => {
  const p = onlyProblem(t, scenario('  - name: "a;rm -rf /"\n    podCidr: 10.244.0.0/24\n'));
  t.is(p.field, 'nodes[0].name');
  t.is(p.line, 11);
  t.regex(p.message, /"a;rm -rf \/" is not allowed: expected lower-case letters, digits and single dashes/);
});

test('a missing required field is named', (t) => {
  const problems = problemsOf(t, 'name: x\nunderlay:\n  cidr: 172.16.1.0/24\nnodes:\n  - name: a\n');
  t.true(problems.some((p) => p.field === 'flannel' && /is required/.test(p.message)), JSON.stringify(problems));
});

test('overlapping podCIDRs are rejected on the second node', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n    podCidr: 10.244.0.0/24\n  - name: b\n    podCidr: 10.244.0.128/25\n'));
  t.is(p.field, 'nodes[1].podCidr');
  t.is(p.line, 14);
  t.regex(p.message, /10\.244\.0\.128\/25 overlaps the podCIDR 10\.244\.0\.0\/24 of nodes\[0\] \(a\)/);
});

test('a podCIDR outside flannel.network is rejected', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n    podCidr: 10.245.0.0/24\n'));
  t.is(p.field, 'nodes[0].podCidr');
  t.is(p.line, 12);
  t.regex(p.message, /not inside flannel\.network 10\.244\.0\.0\/16/);
});

test('an underlay overlapping the pod network is rejected', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n', { underlay: '10.244.128.0/24' }));
  t.is(p.field, 'flannel.network');
  t.is(p.line, 5);
  t.regex(p.message, /overlaps the underlay 10\.244\.128\.0\/24/);
});

test('duplicate node names are rejected on the second one', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n  - name: b\n  - name: a\n'));
  t.is(p.field, 'nodes[2].name');
  t.is(p.line, 13);
  t.regex(p.message, /"a" is already the name of nodes\[0\]/);
});

test('a pod address outside the node podCIDR is rejected', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n    podCidr: 10.244.0.0/24\n    pods:\n      - name: web\n        ip: 10.244.1.5\n'));
  t.is(p.field, 'nodes[0].pods[0]');
  t.is(p.line, 14);
  t.regex(p.message, /pod web address 10\.244\.1\.5 is outside the node's podCIDR 10\.244\.0\.0\/24/);
});

test('a pod on the reserved .1 (cni0) address is rejected', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n    podCidr: 10.244.0.0/24\n    pods:\n      - name: web\n      - name: gw\n        ip: 10.244.0.1\n'));
  t.is(p.field, 'nodes[0].pods[1]');
  t.is(p.line, 15);
  t.regex(p.message, /10\.244\.0\.1 is reserved/);
});

test('a VNI of 10000000 or more is rejected: flannel.<vni> would not fit 15 characters', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n', { flannel: '  network: 10.244.0.0/16\n  vni: 10000000\n  learning: false\n  bridged: false\n  mtu: 1450' }));
  t.is(p.field, 'flannel.vni');
  t.is(p.line, 6);
  t.regex(p.message, /flannel\.10000000 is 16 characters/);
  t.notThrows(() => parseScenario(scenario('  - name: a\n', { flannel: '  network: 10.244.0.0/16\n  vni: 9999999\n  learning: false\n  bridged: false' }), FILE));
});

test('more pods than the podCIDR holds is a SpecError, not a crash', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n    podCidr: 10.244.0.0/29\n    pods: 6\n'));
  t.is(p.field, 'nodes[0].pods');
  t.is(p.line, 13);
  t.regex(p.message, /only 5 free/);
  t.notThrows(() => parseScenario(scenario('  - name: a\n    podCidr: 10.244.0.0/29\n    pods: 5\n'), FILE));
});

test('more default underlay addresses than the underlay holds is a SpecError, not a crash', (t) => {
  const p = onlyProblem(t, scenario('  - name: a\n  - name: b\n', { underlay: '172.16.1.0/29' }));
  t.is(p.field, 'nodes');
  t.regex(p.message, /from \.10 of the underlay/);
  t.notThrows(() => parseScenario(scenario('  - name: a\n    underlayIp: 172.16.1.2\n', { underlay: '172.16.1.0/29' }), FILE));
});

test('invalid YAML is reported with its line number', (t) => {
  const problems = problemsOf(t, 'name: x\nunderlay:\n  cidr: [172.16.1.0/24\nflannel:\n  vni: 1\n');
  t.true(problems.length >= 1);
  t.is(problems[0]?.field, '');
  t.regex(problems[0]?.message ?? '', /^not valid YAML: /);
  t.is(typeof problems[0]?.line, 'number');
  t.true((problems[0]?.line ?? 0) >= 3, `line ${problems[0]?.line}`);
});

test('a duplicate key is invalid YAML on the line of the second key', (t) => {
  const problems = problemsOf(t, 'name: x\nunderlay:\n  cidr: 172.16.1.0/24\nname: y\n');
  t.is(problems[0]?.line, 4);
  t.regex(problems[0]?.message ?? '', /unique/);
});

test('a file that is not a mapping is rejected on line 1', (t) => {
  const p = onlyProblem(t, '- just\n- a list\n');
  t.is(p.line, 1);
  t.is(p.field, '');
});

test('every problem of a file is reported at once', (t) => {
  const problems = problemsOf(t, scenario('  - name: "A"\n    colour: red\n  - name: b\n    pods: lots\n'));
  t.deepEqual(problems.map((p) => p.field).sort(), ['nodes[0].colour', 'nodes[0].name', 'nodes[1].pods']);
});

test('validateSpec applies the same rules to a spec built in code', (t) => {
  const error = t.throws(
    () =>
      validateSpec({
        name: 'code',
        underlay: { cidr: '172.16.0.0/16' },
        flannel: { network: '10.244.0.0/16', vni: 1, learning: false, bridged: false },
        nodes: [
          { name: 'a', podCidr: '10.244.0.0/24' },
          { name: 'b', podCidr: '10.244.0.0/24' },
        ],
      }),
    { instanceOf: SpecError },
  );
  t.is(error?.problems[0]?.field, 'nodes[1].podCidr');
  t.is(error?.exitCode, 2);
});

test('scenarios/baseline.yaml loads', (t) => {
  const spec = loadScenarioFile(join(SCENARIOS_DIR, 'baseline.yaml'));
  t.is(spec.name, 'baseline');
  t.is(spec.flannel.vni, 1);
  t.false(spec.flannel.learning);
  t.false(spec.flannel.bridged);
  t.deepEqual(spec.nodes.map((n) => n.name), ['master', 'worker01', 'worker02']);
});

test('every scenario in scenarios/ loads and its name matches its file', (t) => {
  const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.yaml'));
  t.true(files.includes('baseline.yaml'));
  for (const f of files) {
    const spec = loadScenarioFile(join(SCENARIOS_DIR, f));
    t.is(spec.name, f.slice(0, -'.yaml'.length), f);
  }
});

test('a file that cannot be read is a SpecError naming the file', (t) => {
  const error = t.throws(() => loadScenarioFile('/nonexistent/x.yaml'), { instanceOf: SpecError });
  t.is(error?.problems[0]?.file, '/nonexistent/x.yaml');
  t.is(error?.exitCode, 2);
});

test('the committed scenarios/scenario.schema.json is the one schema.ts generates (run `npm run schema`)', (t) => {
  t.is(readFileSync(SCHEMA_FILE, 'utf8'), schemaText());
});
