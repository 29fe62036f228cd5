// MTUs that do not fit warn and never block (issue 17 over issue 16's errors): `plan` prints the
// warning on stderr and exits 0; a run prints it, runs, and records it in report.json
// (`warnings`, validated by report.schema.json); a reproduction gets none. The run takes ~10 s.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { cli, isolateState, rootTest, trackRuns } from './_env.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { RunReportSchema } from '../../harness/report/schema.js';

const state = isolateState('spec-warnings');
const runs = trackRuns('spec-warnings', state);
const WARNING = /overlab: warning: baseline: flannel\.mtu: 1480 is above what the underlay carries \(1500 - 50 = 1450\)/;

function wideVtep(): string {
  const file = join(state.root, 'wide-vtep.yaml');
  writeFileSync(file, readFileSync(join(SCENARIOS_DIR, 'baseline.yaml'), 'utf8').replace('  mtu: 1450\n', '  mtu: 1480\n').replace('assertions: [reachability, mtu, pmtu, flannel-control-plane, pcap]', 'assertions: [reachability, flannel-control-plane]'));
  return file;
}

test('plan: the warning on stderr, exit 0, the plan on stdout', async (t) => {
  const r = await cli(['plan', wideVtep()], { env: state.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, WARNING);
  t.regex(r.stdout, /^scenario baseline: 3 nodes/m);
});

test('plan of a reproduction that breaks the rule (mtu-mismatch): no warning', async (t) => {
  const r = await cli(['plan', 'mtu-mismatch'], { env: state.env });
  t.is(r.code, 0, r.stderr);
  t.notRegex(r.stderr, /warning/);
});

rootTest('a run: the warning on stderr, the run goes on, report.json records it', async (t) => {
  const r = await cli(['scenario', wideVtep(), '--agent', 'emulated'], { env: state.env });
  const runId = /; run ([0-9a-f]{6})\b/.exec(r.stdout)?.[1];
  if (runId) runs.push(runId);
  t.not(r.code, 2, `never blocking:\n${r.stdout}\n${r.stderr}`);
  t.regex(r.stderr, WARNING);
  const path = /^report: (.+report\.json)$/m.exec(r.stdout)?.[1];
  if (!path) return t.fail(`no report in:\n${r.stdout}`);
  const report = JSON.parse(readFileSync(path, 'utf8')) as { warnings?: string[] };
  t.true(Value.Check(RunReportSchema, report), [...Value.Errors(RunReportSchema, report)].map((e) => `${e.path}: ${e.message}`).join('; '));
  t.is(report.warnings?.length, 1);
  t.regex(report.warnings?.[0] ?? '', /^flannel\.mtu: 1480 is above what the underlay carries/);
});
