// After a failed run no process of ours is left: none alive, none defunct. Runs fail on purpose
// at several points (an assertion that fails, an exec step that exits non-zero while servers,
// captures and the probe run, a harness error right after configure, in this process) and then
// /proc is read.
//
// This test's process makes itself the subreaper of everything it starts (native/netns, prctl):
// a socat child whose listener was killed first is then re-parented here instead of to init,
// and Node never waits for a process it did not start, so such an orphan stays visible as a
// child of ours, defunct or alive. Before the netns teardown ended processes leaves first, every
// failed failover run left one or two (socat, echo).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, hostLinks, ipNetnsList, isolateState, missingPrerequisites, PROJECT_ROOT, prereqTest, runNamespaces, trackRuns } from './_env.js';

const state = isolateState('reaped');
const { netnsAddon } = await import('../../harness/netlink/addon.js');
const { childrenOf } = await import('../../harness/core/reaper.js');
const { loadScenarioFile } = await import('../../harness/spec/load.js');
const { runScenario } = await import('../../harness/scenario/run.js');
const runs = trackRuns('reaped.test', state);

const addon = (() => {
  try {
    return netnsAddon().addon;
  } catch {
    return undefined;
  }
})();
const missing = [...(missingPrerequisites() ? [missingPrerequisites()!.replace(/^needs /, '')] : []), ...(addon ? [] : ['the native/netns addon (npm run build; it needs g++ and make)'])];
addon?.becomeSubreaper();

/** failover.yaml with its name changed and `edit` applied to the text. */
function variant(name: string, edit: (yaml: string) => string): string {
  const source = readFileSync(join(PROJECT_ROOT, 'scenarios', 'failover.yaml'), 'utf8');
  const file = join(state.root, `${name}.yaml`);
  const edited = edit(source.replace(/^name: failover$/m, `name: ${name}`));
  if (edited === source) throw new Error(`the edit of ${name} changed nothing: failover.yaml is not what this test expects`);
  writeFileSync(file, edited);
  return file;
}

/** Steps inserted after `snapshot: before`, when traffic, servers and captures all run. */
const afterSnapshot = (steps: string) => (yaml: string) => yaml.replace(/^ {2}- snapshot: before\n/m, (line) => line + steps);

/** The runs of `scenario` in the private reports directory. */
function runIds(scenario: string): string[] {
  try {
    return readdirSync(join(state.reportsDir, scenario));
  } catch {
    return [];
  }
}

/**
 * What is left: children of this process (alive or defunct), the run's namespaces, and host
 * links that are new and carry the run id (other engineers' VMs and containers come and go).
 */
function leftovers(runId: string | undefined, linksBefore: readonly string[]) {
  const found = {
    children: childrenOf(process.pid).map((c) => `${c.pid} ${c.comm} ${c.state}`),
    namespaces: runId ? runNamespaces(runId) : [],
    ourNamespacesListed: runId ? ipNetnsList().filter((n) => n.startsWith(`ol-${runId}`)) : [],
    newHostLinks: hostLinks().filter((l) => !linksBefore.includes(l) && runId !== undefined && l.includes(runId)),
  };
  // Defunct ones found are reaped once counted, so that one failure does not fail the next test.
  for (const c of childrenOf(process.pid)) if (c.state === 'Z') addon?.reapZombie(c.pid);
  return found;
}

const clean = { children: [], namespaces: [], ourNamespacesListed: [], newHostLinks: [] };

for (const c of [
  {
    name: 'reap-assert',
    why: 'an assertion fails (master flannel.0 set down after the first snapshot)',
    edit: afterSnapshot('  - exec: { host: master, argv: [ip, link, set, flannel.0, down] }\n'),
    code: 1,
    says: /FAIL +failover +never recovered/,
  },
  {
    name: 'reap-orphan',
    why: 'a step leaves an orphan in a host (sh starts sleep and exits), then a later step fails',
    edit: afterSnapshot("  - exec: { host: worker, argv: [sh, -c, 'sleep 300 & exit 0'] }\n  - exec: { host: master, argv: [ip, link, del, no-such-link] }\n"),
    code: 2,
    says: /no-such-link/,
  },
  {
    name: 'reap-exec',
    why: 'an exec step exits non-zero with traffic, servers and captures running',
    edit: afterSnapshot('  - exec: { host: master, argv: [ip, link, del, no-such-link] }\n'),
    code: 2,
    says: /no-such-link/,
  },
]) {
  prereqTest(
    `${c.why}: exit ${c.code}, and no process of ours (alive or defunct), namespace or host link is left`,
    missing,
    async (t) => {
      const file = variant(c.name, c.edit);
      const linksBefore = hostLinks();
      const started = Date.now();
      // The run is handed to trackRuns even when the CLI has to be killed (a hang), so that its
      // namespaces and processes are removed after the tests.
      const r = await cli(['scenario', file], { env: { ...state.env, CI: 'true' }, timeoutMs: 60_000 }).finally(() => runs.push(...runIds(c.name)));
      const runId = runIds(c.name)[0];
      t.log(`${c.name}: exit ${r.code} after ${Date.now() - started} ms`);
      t.is(r.code, c.code, r.stderr + r.stdout);
      t.regex(r.stdout + r.stderr, c.says);
      t.truthy(runId, 'the run wrote its report directory');
      t.deepEqual(leftovers(runId, linksBefore), clean);
    },
    { serial: true },
  );
}

prereqTest(
  'in this process: a run that errors right after configure (pod servers up) leaves no child of this process and nothing in the kernel',
  missing,
  async (t) => {
    const file = variant('reap-inproc', (yaml) => yaml.replace(/^ {2}- configure\n/m, (line) => line + '  - exec: { host: master.nginx, argv: ["false"] }\n'));
    const linksBefore = hostLinks();
    const report = await runScenario(loadScenarioFile(file), {});
    runs.push(report.runId);
    t.is(report.status, 'error');
    t.regex(JSON.stringify(report), /false exited 1/);
    t.deepEqual(leftovers(report.runId, linksBefore), clean);
  },
  { serial: true },
);
