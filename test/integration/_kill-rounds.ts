// SIGKILL at a random moment, then one `overlab clean` at once (not a test file): shared by the
// netns rounds (kill-random.test.ts) and the docker rounds (docker.test.ts, whose runs must not
// meet other docker runs' networks).
import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, namespaceInodes, processesIn, runNamespaces, type IsolatedState } from './_env.js';

const runsSoFar = (state: IsolatedState): Set<string> => {
  const dir = join(state.reportsDir, 'failover');
  return new Set(existsSync(dir) ? readdirSync(dir) : []);
};

/** Everything of a run that might outlive it, as this test sees it (not through the harness). */
function leftovers(state: IsolatedState, runId: string): string[] {
  const out: string[] = [];
  const ns = runNamespaces(runId);
  if (ns.length) out.push(`namespaces ${ns.join(', ')}`);
  const procs = processesIn(namespaceInodes(ns));
  if (procs.length) out.push(`processes ${procs.join(', ')}`);
  const ps = spawnSync('pgrep', ['-f', `overlab/${runId}|/${runId}/|ol-${runId}`], { encoding: 'utf8' }).stdout.trim();
  if (ps) out.push(`processes naming the run: ${ps.replace(/\n/g, ', ')}`);
  if (existsSync(`/run/overlab/etcd/${runId}`)) out.push(`etcd data /run/overlab/etcd/${runId}`);
  if (existsSync(join(state.stateDir, `${runId}.json`))) out.push('its registry record');
  const docker = spawnSync('docker', ['ps', '-aq', '--filter', `label=overlab.run=${runId}`], { encoding: 'utf8' }).stdout?.trim();
  if (docker) out.push(`containers ${docker.replace(/\n/g, ', ')}`);
  const nets = spawnSync('docker', ['network', 'ls', '-q', '--filter', `label=overlab.run=${runId}`], { encoding: 'utf8' }).stdout?.trim();
  if (nets) out.push(`networks ${nets.replace(/\n/g, ', ')}`);
  return out;
}

export async function killRounds(t: ExecutionContext, state: IsolatedState, provider: string, count: number, maxDelayMs: number): Promise<void> {
  const clean: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = runsSoFar(state);
    // The test is the run's parent, as a CI job runner is; only the CLI itself is killed.
    const child = spawn(process.execPath, [CLI, 'scenario', 'failover', '--provider', provider], { env: state.env, stdio: 'ignore', detached: true });
    const pid = child.pid!;
    const delay = Math.floor(Math.random() * maxDelayMs);
    await new Promise((r) => setTimeout(r, delay));
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it had finished already: a clean then has nothing to do
    }
    // At once, with this process's event loop blocked: the killed CLI is not reaped yet, so
    // during the clean it is a zombie whose pid still answers kill(pid, 0).
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'clean'], { encoding: 'utf8', env: state.env, timeout: 60_000 });
    clean.push(performance.now() - t0);
    t.not(r.signal, 'SIGTERM', `round ${i}: clean hung past 60 s`);
    const fresh = [...runsSoFar(state)].filter((run) => !before.has(run));
    for (const run of fresh) {
      const left = leftovers(state, run);
      t.deepEqual(left, [], `round ${i} (${provider}, killed after ${delay} ms, run ${run}): clean exited ${r.status} and left ${left.join('; ')}\n${r.stdout}${r.stderr}`);
      if (left.length === 0) t.is(r.status, 0, `round ${i}: clean left nothing but exited ${r.status}: ${r.stdout}${r.stderr}`);
    }
  }
  clean.sort((a, b) => a - b);
  t.log(`${count} rounds on ${provider}: clean ${Math.round(clean[0]!)}..${Math.round(clean[clean.length - 1]!)} ms (median ${Math.round(clean[Math.floor(clean.length / 2)]!)})`);
}

