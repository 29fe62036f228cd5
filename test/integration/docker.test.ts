// The docker provider end to end, through the CLI: locally built images (cached by content),
// failover and baseline passing as on netns, the reproduction library giving the same statuses as
// on netns, pcaps and probe records copied out of the containers, `up`/`exec`/`down`, and a
// `kill -9` whose containers and networks `overlab clean` finds by label. What is left is checked
// with the docker CLI, not through the harness.
//
// Needs root and a running Docker daemon (scripts/setup.sh --docker starts one). Without them
// these tests are skipped, except under CI=true where they fail.
// Reproductions: two on docker by default; OVERLAB_DOCKER_REPRODUCTIONS=all runs every one
// (about 15-30 s each, netns and docker).
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, collect, inCi, isolateState, missingPrerequisites, poll, PROJECT_ROOT, spawnCli } from './_env.js';
import { killRounds } from './_kill-rounds.js';

const state = isolateState('docker');

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Why the docker tests cannot run here, or undefined when they can. */
function dockerMissing(): string | undefined {
  const root = missingPrerequisites();
  if (root) return root;
  try {
    docker('info', '--format', '{{.ServerVersion}}');
    return undefined;
  } catch (e) {
    return `a running Docker daemon (docker info: ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0]}); start one with: bash scripts/setup.sh --docker`;
  }
}

const reason = dockerMissing();
if (reason && !inCi) console.warn(`overlab docker tests skipped: ${reason} (under CI=true they fail instead)`);

type Impl = (t: ExecutionContext) => Promise<void> | void;
function dockerTest(title: string, impl: Impl): void {
  if (reason && !inCi) return test.serial.skip(title, impl);
  test.serial(title, async (t) => {
    if (reason) return t.fail(`CI=true and the docker tests cannot run: ${reason}`);
    await impl(t);
  });
}

const runs: string[] = [];
const left = (runId: string) => ({
  containers: docker('ps', '-aq', '--filter', `label=overlab.run=${runId}`).split('\n').filter(Boolean),
  networks: docker('network', 'ls', '-q', '--filter', `label=overlab.run=${runId}`).split('\n').filter(Boolean),
});

test.after.always(() => {
  if (reason) return state.remove();
  // Safety net for a failed test: remove by label what a run of this file left.
  for (const runId of runs) {
    const l = left(runId);
    if (l.containers.length) execFileSync('docker', ['rm', '-f', ...l.containers], { stdio: 'ignore' });
    if (l.networks.length) execFileSync('docker', ['network', 'rm', ...l.networks], { stdio: 'ignore' });
    if (l.containers.length + l.networks.length) console.warn(`docker.test: removed ${l.containers.length} container(s) and ${l.networks.length} network(s) run ${runId} left`);
  }
  state.remove();
});

interface Report {
  status: string;
  provider: string;
  runId: string;
  durationMs: number;
  runDir: string;
  assertions: { id: string; status: string }[];
  artifacts: { pcaps: { node: string; path: string; packets: number }[] };
  metrics: Record<string, number>;
  error?: { message: string };
}

async function runScenario(t: ExecutionContext, name: string, provider: string): Promise<Report> {
  const started = performance.now();
  const r = await cli(['scenario', name, '--provider', provider], { env: state.env, timeoutMs: 120_000 });
  const runId = /run ([0-9a-f]{6})/.exec(r.stdout)?.[1];
  if (runId) runs.push(runId);
  if (!runId) throw new Error(`no run id in the output of scenario ${name} on ${provider}:\n${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(readFileSync(join(state.reportsDir, name, runId, 'report.json'), 'utf8')) as Report;
  t.log(`${name} on ${provider}: ${report.status} in ${((performance.now() - started) / 1000).toFixed(1)} s wall (report ${report.durationMs} ms, boot ${report.metrics.bootMs} ms, teardown ${report.metrics.teardownMs} ms${report.metrics.failoverOutageMs !== undefined ? `, outage ${report.metrics.failoverOutageMs} ms` : ''})`);
  if (report.error) t.log(`error: ${report.error.message}`);
  return report;
}

function assertNothingLeft(t: ExecutionContext, runId: string): void {
  const l = left(runId);
  t.deepEqual(l.containers, [], `no container of run ${runId}`);
  t.deepEqual(l.networks, [], `no network of run ${runId}`);
}

dockerTest('images: built from Debian packages without a registry, labelled, and cached by content', async (t) => {
  t.timeout(10 * 60_000, 'a cold build runs debootstrap');
  const { dockerClient } = await import('../../harness/providers/docker/engine.js');
  const { ensureImages } = await import('../../harness/providers/docker/images.js');
  const first = await ensureImages(dockerClient());
  const built = first.builds.filter((b) => b.built);
  t.log(built.length ? `cold: ${built.map((b) => `${b.tag} ${(b.ms / 1000).toFixed(1)} s`).join(', ')}` : 'the cache was warm already');
  const t0 = performance.now();
  const second = await ensureImages(dockerClient());
  const warmMs = performance.now() - t0;
  t.log(`warm: ${warmMs.toFixed(0)} ms for ${second.builds.length} images`);
  t.deepEqual(second.tags, first.tags);
  t.true(second.builds.every((b) => !b.built), 'a second call builds nothing');
  t.true(warmMs < 5000, `a warm check took ${warmMs} ms`);
  for (const [name, tag] of Object.entries(second.tags)) {
    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', tag)) as Record<string, string>;
    t.is(labels.overlab, '1', tag);
    t.is(labels['overlab.image'], name, tag);
    t.is(labels['overlab.cache'], tag.split(':')[1], tag);
  }
});

dockerTest('failover passes on docker as on netns; pcaps and probe records come out through the archive API', async (t) => {
  const netns = await runScenario(t, 'failover', 'netns');
  const report = await runScenario(t, 'failover', 'docker');
  t.log(`failover wall time: netns ${netns.durationMs} ms, docker ${report.durationMs} ms`);
  t.is(netns.status, 'passed');
  t.is(report.status, 'passed', JSON.stringify(report.assertions.filter((a) => a.status !== 'passed')));
  t.is(report.provider, 'docker');
  t.deepEqual(report.assertions.map((a) => a.id).sort(), netns.assertions.map((a) => a.id).sort(), 'the same assertions');
  t.true(report.artifacts.pcaps.length >= 4, 'a capture in every node and unit');
  for (const p of report.artifacts.pcaps) {
    const file = join(report.runDir, p.path);
    t.true(existsSync(file) && statSync(file).size > 24, `${p.path} copied out of ${p.node}`);
    t.true(p.packets > 0, `${p.node}: ${p.packets} packets`);
  }
  t.true(statSync(join(report.runDir, 'evidence', 'probes.json')).size > 100, 'the probe record copied out of the client');
  assertNothingLeft(t, report.runId);
});

dockerTest('baseline passes on docker', async (t) => {
  const report = await runScenario(t, 'baseline', 'docker');
  t.is(report.status, 'passed', JSON.stringify(report.assertions.filter((a) => a.status !== 'passed')));
  assertNothingLeft(t, report.runId);
});

/** The reproduction library, by the scenarios' own `group`. */
function reproductions(): string[] {
  return readdirSync(join(PROJECT_ROOT, 'scenarios'))
    .filter((f) => f.endsWith('.yaml') && /^group:\s*reproduction\s*$/m.test(readFileSync(join(PROJECT_ROOT, 'scenarios', f), 'utf8')))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

const ALL = process.env.OVERLAB_DOCKER_REPRODUCTIONS === 'all';
// One that reproduces and one the simulator cannot reproduce, unless all are asked for.
const chosen = ALL ? reproductions() : ['floating-selfip', 'failover-nolearning'];
for (const name of chosen) {
  dockerTest(`reproduction ${name}: the same status and the same failed assertions on docker as on netns`, async (t) => {
    const netns = await runScenario(t, name, 'netns');
    const report = await runScenario(t, name, 'docker');
    t.not(netns.status, 'error', netns.error?.message);
    t.is(report.status, netns.status);
    const failed = (r: Report) => r.assertions.filter((a) => a.status !== 'passed').map((a) => a.id).sort();
    t.deepEqual(failed(report), failed(netns));
    assertNothingLeft(t, report.runId);
  });
}

dockerTest('up → exec (node and pod) → down on docker', async (t) => {
  const up = await cli(['up', 'baseline', '--provider', 'docker'], { env: state.env, timeoutMs: 120_000 });
  const runId = /^run ([0-9a-f]{6}) is up/m.exec(up.stdout)?.[1];
  if (runId) runs.push(runId);
  t.is(up.code, 0, up.stdout + up.stderr);
  if (!runId) return t.fail(`no run id in:\n${up.stdout}`);
  t.regex(up.stdout, new RegExp(`^  master\\s+ol-${runId}\\.master$`, 'm'));
  t.regex(up.stdout, new RegExp(`^  worker02\\.pod1\\s+ol-${runId}\\.worker02/netns/pod1$`, 'm'));
  // With real flanneld the etcd member is a container of its own.
  const withEtcd = /^\s+etcd\s/m.test(up.stdout);
  t.is(left(runId).containers.length, withEtcd ? 4 : 3, 'one container a node (and etcd); pods live inside them');
  const links = await cli(['exec', runId, 'master', '--', 'ip', '-j', 'link'], { env: state.env });
  t.is(links.code, 0, links.stderr);
  t.deepEqual((JSON.parse(links.stdout) as { ifname: string }[]).map((l) => l.ifname).sort(), ['cni0', 'eth0', 'flannel.1', 'lo', 'veth0', 'veth1']);
  const podAddr = await cli(['exec', runId, 'worker02.pod1', '--', 'ip', '-j', '-4', 'addr', 'show', 'dev', 'eth0'], { env: state.env });
  t.is((JSON.parse(podAddr.stdout) as { addr_info: { local: string }[] }[])[0]?.addr_info[0]?.local, '10.244.2.3');
  t.is((await cli(['exec', runId, 'master', '--', 'false'], { env: state.env })).code, 1);
  const down = await cli(['down', runId], { env: state.env });
  t.is(down.code, 0, down.stdout + down.stderr);
  assertNothingLeft(t, runId);
});

dockerTest('kill -9 mid-run, then `overlab clean` removes the containers and networks by label', async (t) => {
  const child = spawnCli(['scenario', 'failover', '--provider', 'docker'], { env: state.env, detached: true });
  const done = collect(child, 120_000, ['scenario', 'failover']);
  const runId = await poll(
    'a container of the run',
    () => docker('ps', '-a', '--filter', `label=overlab.pid=${child.pid}`, '--format', '{{.Label "overlab.run"}}').split('\n').find(Boolean),
    60_000,
    50,
  );
  runs.push(runId);
  // Wait until its underlay network exists too, then kill the CLI and its process group.
  await poll('the run network', () => (left(runId).networks.length > 0 ? true : undefined), 60_000, 20);
  process.kill(-child.pid!, 'SIGKILL');
  t.is((await done).signal, 'SIGKILL');
  // Requests the daemon had accepted finish on their own: wait until the run's objects stop changing.
  let last = '';
  await poll('the run objects to settle', () => {
    const now = JSON.stringify(left(runId));
    const settled = now === last;
    last = now;
    return settled ? true : undefined;
  }, 30_000, 500);
  const before = left(runId);
  t.true(before.containers.length > 0, 'the kill left containers');
  const clean = await cli(['clean'], { env: state.env });
  t.is(clean.code, 0, clean.stdout + clean.stderr);
  t.regex(clean.stdout, new RegExp(`run ${runId}: removed ${before.containers.length + before.networks.length} container\\(s\\) and network\\(s\\)`));
  assertNothingLeft(t, runId);
  const again = await cli(['clean'], { env: state.env });
  t.false(again.stdout.includes(`run ${runId}: removed`), again.stdout);
});

dockerTest('SIGKILL at a random moment, then one clean: nothing of the run is left (OVERLAB_KILL_ROUNDS_DOCKER rounds, default 10)', async (t) => {
  t.timeout(900_000);
  await killRounds(t, state, 'docker', Number(process.env.OVERLAB_KILL_ROUNDS_DOCKER ?? 10), 9000);
});

dockerTest('nothing of these runs is left, and only the cached images remain', (t) => {
  for (const runId of runs) assertNothingLeft(t, runId);
  const images = docker('images', '--filter', 'label=overlab=1', '--format', '{{.Repository}}:{{.Tag}}').split('\n').filter(Boolean);
  // The vagrant provider's sshd variants (overlab/<image>-ssh) are cached images too.
  for (const image of images) t.regex(image, /^overlab\/(base|node|bigip-sim|client)(-ssh)?:[0-9a-f]{16}$/);
});
