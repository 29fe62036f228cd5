// --matrix: 8 combinations of the failover scenario in one command, one table, one junit.xml
// with a testsuite per combination (valid against harness/report/junit.xsd), a summary page.
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, cli, isolateState, rootTest } from './_env.js';

const state = isolateState('matrix');

rootTest('8 combinations of failover: one table, one JUnit, a summary page', async (t) => {
  const r = await cli(['scenario', 'failover', '--agent', 'emulated', '--parallel', '2', '--matrix', 'flannel.vni=0,1', 'flannel.learning=true,false', 'nodes=2,3'], { env: state.env, timeoutMs: 300_000 });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /failover: 8 combinations on netns, 2 at once/);
  for (const label of ['vni=0 learning=true nodes=2', 'vni=1 learning=false nodes=3']) t.regex(r.stdout, new RegExp(`${label}\\s+failover-m\\d+\\s+passed\\s+(\\d+)/\\1`));
  const dir = /junit: (\S+)\/junit\.xml/.exec(r.stdout)![1]!;
  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  t.is(junit.match(/<testsuite /g)?.length, 8);
  execFileSync('xmllint', ['--noout', '--schema', join(PROJECT_ROOT, 'harness/report/junit.xsd'), join(dir, 'junit.xml')], { stdio: 'pipe' });
  t.true(existsSync(join(dir, 'index.html')));
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { combinations: { label: string; status: string }[] };
  t.deepEqual(summary.combinations.map((c) => c.status), Array(8).fill('passed'));
});

rootTest('a matrix that names no field, or a combination that is not valid, is said before or as a row', async (t) => {
  const bad = await cli(['scenario', 'failover', '--matrix', 'flannel.vni'], { env: state.env });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--matrix: flannel\.vni: expected path=value1,value2/);
  // A VNI past 24 bits is a spec error (an MTU above the underlay's is only a warning now).
  const invalid = await cli(['scenario', 'failover', '--agent', 'emulated', '--matrix', 'flannel.vni=0,16777216'], { env: state.env, timeoutMs: 120_000 });
  t.is(invalid.code, 2, invalid.stdout + invalid.stderr);
  t.regex(invalid.stdout, /error\s+vni=16777216/);
  t.regex(invalid.stdout, /passed\s+vni=0/);
});
