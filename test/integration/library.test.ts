// The reproduction library end to end (issue 6's check): `overlab scenario --all --parallel 2`
// ends with every reproduction reproduced or not-reproducible (with its reason), every reference
// and baseline scenario passed, and nothing of any run left behind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, flannelMissing, isolateState, missingPrerequisites, prereqTest, runNamespaces } from './_env.js';

const state = isolateState('library');

const EXPECTED: Record<string, string> = {
  baseline: 'passed',
  failover: 'passed',
  'failover-nolearning': 'not-reproducible',
  'failover-static-arp': 'not-reproducible',
  'floating-local': 'reproduced',
  'floating-selfip': 'reproduced',
  'vtep-deleted': 'reproduced',
  'vtep-deleted-fix': 'passed',
  'vtepmac-learned': 'passed',
  'vtepmac-static-arp': 'reproduced',
  'mtu-mismatch': 'reproduced',
  'no-flannel-node': 'reproduced',
  'node-leave': 'reproduced',
  'node-leave-cis': 'passed',
  'not-bridged': 'reproduced',
  'vni-change': 'reproduced',
  'vni-change-fix': 'passed',
  'vni-mismatch': 'reproduced',
};

// The vtepmac-*, vtep-deleted*, vni-change* and node-leave* scenarios run upstream flanneld.
prereqTest(
  'scenario --all --parallel 2: every scenario has its expected status and nothing is left',
  [missingPrerequisites()?.replace(/^needs /, ''), ...flannelMissing()].filter((m): m is string => Boolean(m)),
  async (t) => {
    const r = await cli(['scenario', '--all', '--parallel', '2'], { env: state.env, timeoutMs: 300_000 });
    t.is(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    t.regex(r.stdout, /18 scenarios in [\d.]+ s wall, 2 at once/);
    const seen: Record<string, string> = {};
    for (const scenario of readdirSync(state.reportsDir)) {
      for (const runId of readdirSync(join(state.reportsDir, scenario))) {
        const report = JSON.parse(readFileSync(join(state.reportsDir, scenario, runId, 'report.json'), 'utf8')) as {
          status: string;
          reproduction?: { verdict: string; notReproducible?: string };
        };
        seen[scenario] = report.status;
        if (report.status === 'not-reproducible') t.truthy(report.reproduction?.notReproducible, `${scenario} says why it is not reproducible`);
        t.deepEqual(runNamespaces(runId), [], `${scenario} run ${runId} left nothing`);
      }
    }
    t.deepEqual(seen, EXPECTED);
  },
  { serial: true },
);
