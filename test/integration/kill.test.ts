// Interrupted runs leave nothing behind. A `kill -9` mid-boot leaves namespaces (and here a
// process inside one) that `overlab clean` removes from the ledger; SIGTERM and SIGINT make the
// CLI itself tear down and exit 143 / 130. The run and the clean share one private
// OVERLAB_REPORTS_DIR / OVERLAB_STATE_DIR, so `clean` sees this file's runs and no others.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, collect, generatedScenarioYaml, groupAlive, isolateState, namespaceInodes, poll, processesIn, rootTest, runNamespaces, spawnCli, trackRuns } from './_env.js';

const state = isolateState('kill');
const strays: ChildProcess[] = [];
const runs = trackRuns('kill.test', state, () => strays.forEach((child) => child.kill('SIGKILL')));

/** 20 nodes x 4 pods (101 namespaces): the boot takes long enough to be interrupted mid-way. */
function bigScenario(name: string): string {
  const file = join(state.root, `${name}.yaml`);
  writeFileSync(file, generatedScenarioYaml(name, 20, 4));
  return file;
}

/** The run id of the one run registered for `scenario` in the private state dir. */
function registeredRun(scenario: string): string | undefined {
  let files: string[];
  try {
    files = readdirSync(state.stateDir);
  } catch {
    return undefined;
  }
  for (const f of files) {
    try {
      const record = JSON.parse(readFileSync(join(state.stateDir, f), 'utf8')) as { runId: string; scenario: string };
      if (record.scenario === scenario && !runs.includes(record.runId)) return record.runId;
    } catch {
      // being written
    }
  }
  return undefined;
}

/** Starts `overlab scenario <file>` and returns once the run's first namespace exists. */
async function startAndWaitForFirstNamespace(file: string, scenario: string): Promise<{ child: ChildProcess; done: ReturnType<typeof collect>; runId: string }> {
  const child = spawnCli(['scenario', file], { env: state.env, detached: true });
  const done = collect(child, 90_000, ['scenario', file]);
  const runId = await poll(`run of ${scenario} registered in ${state.stateDir}`, () => registeredRun(scenario), 20_000, 1);
  runs.push(runId);
  await poll(`first namespace ol-${runId}*`, () => (runNamespaces(runId).length > 0 ? true : undefined), 20_000, 1);
  return { child, done, runId };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

rootTest(
  'kill -9 mid-boot, then `overlab clean`: no namespace of the run and no process in them remain',
  async (t) => {
    const file = bigScenario('kill-nine');
    const { child, done, runId } = await startAndWaitForFirstNamespace(file, 'kill-nine');
    process.kill(child.pid!, 'SIGKILL');
    const result = await done;
    t.is(result.signal, 'SIGKILL');
    // `ip` children the CLI had started finish on their own; clean runs after them, as a user's would.
    await poll('the killed CLI process group to end', () => (groupAlive(child.pid!) ? undefined : true), 20_000, 5);

    const runDir = join(state.reportsDir, 'kill-nine', runId);
    t.true(existsSync(join(runDir, 'ledger.jsonl')), 'the ledger was written before the first create');
    t.false(existsSync(join(runDir, 'report.json')), 'killed mid-run: no report');
    t.true(existsSync(join(state.stateDir, `${runId}.json`)), 'the dead run is still registered');
    const left = runNamespaces(runId);
    t.true(left.length > 0, 'the kill left namespaces behind');

    // A process left inside one of them (as a capture or a server would be).
    const stray = spawn('nsenter', [`--net=/run/netns/${left[0]}`, '--', 'sleep', '300'], { stdio: 'ignore' });
    strays.push(stray);
    const strayExit = new Promise<void>((resolve) => stray.on('exit', () => resolve()));
    const inodes = namespaceInodes(left);
    await poll('the stray sleep to be inside the run namespace', () => (processesIn(inodes).includes(stray.pid!) ? true : undefined), 5_000, 2);
    const inside = processesIn(inodes);

    const clean = await cli(['clean'], { env: state.env });
    t.is(clean.code, 0, clean.stdout + clean.stderr);
    t.regex(clean.stdout, new RegExp(`run ${runId}: removed ${left.length} namespace\\(s\\)`));

    t.deepEqual(runNamespaces(runId), [], 'no namespace of the run');
    await Promise.race([strayExit, new Promise((_, reject) => setTimeout(() => reject(new Error('the stray process survived clean')), 5_000))]);
    await poll('every process that lived in the run namespaces to be gone', () => (inside.some(alive) ? undefined : true), 5_000, 10);
    t.false(existsSync(join(state.stateDir, `${runId}.json`)), 'the run is unregistered');

    // A second clean finds nothing of this run.
    const again = await cli(['clean'], { env: state.env });
    t.is(again.code, 0);
    t.false(again.stdout.includes(`run ${runId}: removed`), again.stdout);
  },
  { serial: true },
);

rootTest(
  'SIGTERM mid-boot: the CLI tears down, exits 143 and leaves nothing',
  async (t) => {
    const file = bigScenario('term-boot');
    const { child, done, runId } = await startAndWaitForFirstNamespace(file, 'term-boot');
    process.kill(child.pid!, 'SIGTERM');
    const r = await done;
    t.is(r.code, 143, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    t.regex(r.stderr, /SIGTERM: stopping and tearing down/);
    t.regex(r.stdout, /interrupted by SIGTERM/);
    t.deepEqual(runNamespaces(runId), [], 'torn down before exiting');
    t.false(existsSync(join(state.stateDir, `${runId}.json`)), 'unregistered');
    t.false(groupAlive(child.pid!), 'no child process outlives the CLI');
    const report = JSON.parse(readFileSync(join(state.reportsDir, 'term-boot', runId, 'report.json'), 'utf8')) as { status: string; error?: { name: string }; phases: { name: string; status: string }[] };
    t.is(report.status, 'error');
    t.is(report.error?.name, 'InterruptedError');
    t.is(report.phases.find((p) => p.name === 'boot')?.status, 'error', 'the signal arrived during the boot');
    t.is(report.phases.find((p) => p.name === 'teardown')?.status, 'passed');
  },
  { serial: true },
);

rootTest(
  'SIGINT while the checks run: the CLI tears down, exits 130 and leaves nothing',
  async (t) => {
    const child = spawnCli(['scenario', 'baseline'], { env: state.env, detached: true });
    let stdout = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    const done = collect(child, 90_000, ['scenario', 'baseline']);
    const runId = await poll('baseline run registered', () => registeredRun('baseline'), 20_000, 1);
    runs.push(runId);
    await poll('the boot to finish', () => (/phase (configure|boot) /.test(stdout) ? true : undefined), 20_000, 1);
    process.kill(child.pid!, 'SIGINT');
    const r = await done;
    t.is(r.code, 130, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    t.regex(r.stderr, /SIGINT: stopping and tearing down/);
    t.deepEqual(runNamespaces(runId), []);
    t.false(existsSync(join(state.stateDir, `${runId}.json`)));
    await poll('no process of the CLI group to remain', () => (groupAlive(child.pid!) ? undefined : true), 5_000, 10);
    const report = JSON.parse(readFileSync(join(state.reportsDir, 'baseline', runId, 'report.json'), 'utf8')) as { status: string; error?: { name: string } };
    t.is(report.status, 'error');
    t.is(report.error?.name, 'InterruptedError');
  },
  { serial: true },
);
