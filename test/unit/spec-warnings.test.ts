// MTUs that do not fit are warnings, never errors (issue 17, the lead's decision over issue 16):
// a pod MTU above the overlay's, a VTEP MTU above the underlay's minus 50; none in a reproduction.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../harness/spec/load.js';
import { specWarnings } from '../../harness/spec/warnings.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenario } from '../../harness/scenario/resolve.js';

const failover = readFileSync(join(SCENARIOS_DIR, 'failover.yaml'), 'utf8');
const warningsOf = (text: string) => specWarnings(parseScenario(text, 'failover.yaml'));

test('a VTEP MTU above the underlay minus 50: a warning with the numbers and the fix, not an error', (t) => {
  const w = warningsOf(failover.replace('  mtu: 1450\n', '  mtu: 1480\n'));
  t.deepEqual(w.length, 1, w.join('\n'));
  t.regex(w[0]!, /^flannel\.mtu: 1480 is above what the underlay carries \(1500 - 50 = 1450\): encapsulated frames will be dropped; use 1450/);
});

test('a pod MTU above the overlay MTU: a warning naming the pod and its field', (t) => {
  const w = warningsOf(failover.replace('      - { name: nginx, ip: 10.217.0.22 }', '      - { name: nginx, ip: 10.217.0.22, mtu: 1500 }'));
  t.is(w.length, 1, w.join('\n'));
  t.regex(w[0]!, /^nodes\[0\]\.pods\[0\]\.mtu: pod master\/nginx's MTU 1500 is above the overlay's 1450 \(flannel\.mtu\)/);
});

test('both at once: two warnings', (t) => {
  const w = warningsOf(failover.replace('  mtu: 1450\n', '  mtu: 1480\n').replace('      - { name: nginx, ip: 10.217.1.30 }', '      - { name: nginx, ip: 10.217.1.30, mtu: 1490 }'));
  t.is(w.length, 2, w.join('\n'));
});

test('inside a reproduction: no warning (mtu-mismatch breaks the rule on purpose)', (t) => {
  const spec = loadScenario('mtu-mismatch');
  t.true((spec.flannel.mtu ?? 0) > (spec.underlay.mtu ?? 1500) - 50, 'mtu-mismatch still has a VTEP MTU above the underlay minus 50');
  t.deepEqual(specWarnings(spec), []);
});

test('the library outside its reproductions has none', (t) => {
  for (const name of ['failover', 'baseline', 'node-leave-cis', 'vtepmac-learned']) t.deepEqual(specWarnings(loadScenario(name)), [], name);
});
