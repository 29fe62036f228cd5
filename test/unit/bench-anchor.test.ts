// bench/anchor-batch.ts: the ip -batch script the bench's boots are compared with builds the
// plan's topology (every namespace, every veth pair, every host's lines) and deletes all of it.
// bench/stats.ts: per-round ratios.
import test from 'ava';
import { batchScript } from '../../bench/anchor-batch.js';
import { ratios } from '../../bench/stats.js';
import { generatedSpec } from '../../bench/topology.js';
import { planScenario } from '../../harness/plan/plan.js';
import { renderHostConfig } from '../../harness/plan/host-actions.js';

test('batchScript: one namespace per plan host, the veth pairs, every host line in its namespace, and a teardown of them all', (t) => {
  const plan = planScenario(generatedSpec(3, 2));
  const script = batchScript(plan, 'abc123');
  t.deepEqual(script.namespaces.sort(), plan.hosts.map((h) => (h.id === 'underlay' ? 'ol-abc123' : `ol-abc123.${h.id}`)).sort());
  const first = script.build[0]!;
  t.deepEqual(first.argv, ['ip', '-batch']);
  t.is(first.batch!.filter((l) => l.startsWith('netns add ')).length, plan.hosts.length);
  const wires = plan.steps.flatMap((s) => (s.action.type === 'wire' ? s.action.links : []));
  t.is(first.batch!.filter((l) => l.startsWith('link add ') && l.includes(' type veth ')).length, wires.length);
  // Every ip and bridge line of every host-config step, in a batch run in that host's namespace.
  const expected = plan.steps.flatMap((s) => (s.action.type === 'host-config' ? renderHostConfig(s.action) : [])).flatMap((b) => (b.type === 'ip' || b.type === 'bridge' ? b.lines.map(() => b.type) : []));
  const lines = script.build.slice(1).filter((l) => l.batch);
  t.is(lines.reduce((n, l) => n + l.batch!.length, 0), expected.length);
  for (const l of lines) t.true(l.argv[1] === '-n' && script.namespaces.includes(l.argv[2]!) && l.argv[3] === '-batch', l.argv.join(' '));
  t.deepEqual(script.teardown.batch!.sort(), script.namespaces.map((n) => `netns del ${n}`).sort());
});

test('ratios: min / median / max of per-round ratios, to two decimals', (t) => {
  t.deepEqual(ratios([3.3333, 1.5, 2]), { min: 1.5, median: 2, max: 3.33 });
});
