// Shared by the integration tests (not a test file: ava's glob is **/*.test.js).
//
// - rootTest() / prereqTest(): the tests need root and ip, bridge, nsenter and ping (or what a
//   test names). Without them a test is registered as skipped with the reason printed (never
//   counted as a pass), except under CI=true where it fails.
// - isolateState(): private OVERLAB_REPORTS_DIR / OVERLAB_STATE_DIR for this test file, so
//   `overlab clean` in one test never touches another test's runs. Call it BEFORE importing any
//   harness module that reads them (core/paths.js, core/registry.js): import those dynamically.
// - cli(): runs dist/harness/cli/main.js as a child process with that environment.
// - helpers that look at the kernel on their own (not through the harness): the run's
//   namespaces, the processes inside them, the host's links.
//
// This file imports nothing from the harness that reads the environment at load time.
import test, { type ExecutionContext } from 'ava';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const inCi = process.env.CI === 'true';
/** dist/test/integration/_env.js → the project root. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(PROJECT_ROOT, 'dist/harness/cli/main.js');
export const TOOLS = ['ip', 'bridge', 'nsenter', 'ping'] as const;

function onPath(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean);
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The tools of `tools` that are not on PATH, each with its fix, for prereqTest. */
export function toolsMissing(tools: readonly string[]): string[] {
  return tools.filter((tool) => !onPath(tool)).map((tool) => `${tool} (sudo bash scripts/setup.sh)`);
}

/** Why the integration tests cannot run here, or undefined when they can. */
export function missingPrerequisites(): string | undefined {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push(`root (running as uid ${process.getuid?.()})`);
  for (const tool of TOOLS) if (!onPath(tool)) missing.push(`${tool} (not on PATH)`);
  return missing.length ? `needs ${missing.join(', ')}` : undefined;
}

const reason = missingPrerequisites();
if (reason && !inCi) console.warn(`overlab integration tests skipped: ${reason} (under CI=true they fail instead)`);

type Impl = (t: ExecutionContext) => Promise<void> | void;

/**
 * Declares a test with prerequisites known when the file loads (`missing`: what is not there,
 * each with its fix). When something is missing the test is registered as skipped, with the
 * reason printed, never as a pass; under CI=true it is registered and fails with the reason.
 */
export function prereqTest(title: string, missing: readonly string[], impl: Impl, options: { serial?: boolean } = {}): void {
  const why = missing.length ? `needs ${missing.join(', ')}` : undefined;
  if (why && !inCi) {
    console.warn(`skipped: ${title}: ${why}`);
    (options.serial ? test.serial.skip : test.skip)(title, impl);
    return;
  }
  (options.serial ? test.serial : test)(title, async (t) => {
    if (why) return t.fail(`CI=true and this test cannot run: ${why}`);
    await impl(t);
  });
}

/** Declares a test that needs root and the kernel tools (see missingPrerequisites). */
export function rootTest(title: string, impl: Impl, options: { serial?: boolean } = {}): void {
  prereqTest(title, reason ? [reason.replace(/^needs /, '')] : [], impl, options);
}

export interface IsolatedState {
  root: string;
  reportsDir: string;
  stateDir: string;
  /** The environment for CLI children: the same directories. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** Private reports and state directories; also sets them in process.env for library calls. */
export function isolateState(label: string): IsolatedState {
  const root = mkdtempSync(join(tmpdir(), `overlab-test-${label}-`));
  const reportsDir = join(root, 'reports');
  const stateDir = join(root, 'state');
  process.env.OVERLAB_REPORTS_DIR = reportsDir;
  process.env.OVERLAB_STATE_DIR = stateDir;
  // ava runs no hooks when every test of a file is skipped: remove the directory on exit as well.
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    reportsDir,
    stateDir,
    env: { ...process.env, OVERLAB_REPORTS_DIR: reportsDir, OVERLAB_STATE_DIR: stateDir },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The run ids a test file starts; after all its tests (passed or not) any namespace they left is
 * removed and the isolated state deleted. `beforeCleanup` runs first (e.g. killing stray CLIs).
 */
export function trackRuns(label: string, state: IsolatedState, beforeCleanup: () => void = () => undefined): string[] {
  const runs: string[] = [];
  test.after.always(() => {
    beforeCleanup();
    for (const run of runs) {
      const left = removeRunNamespaces(run);
      if (left.length) console.warn(`${label}: removed ${left.length} namespace(s) a failed test left for run ${run}`);
    }
    state.remove();
  });
  return runs;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `overlab <args>` (dist/harness/cli/main.js) and collects its output. */
export function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return collect(spawnCli(args, options), options.timeoutMs ?? 90_000, args);
}

export function spawnCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
}

export function collect(child: ChildProcess, timeoutMs: number, what: readonly string[] = []): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`overlab ${what.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** The run's namespaces as the kernel's bind mounts show them: exactly `ol-<run>` and `ol-<run>.*`. */
export function runNamespaces(runId: string): string[] {
  let names: string[];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return [];
  }
  return names.filter((n) => n === `ol-${runId}` || n.startsWith(`ol-${runId}.`)).sort();
}

/** `ip -j netns list`, names only. */
export function ipNetnsList(): string[] {
  const out = execFileSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8' }).trim();
  return out ? (JSON.parse(out) as { name: string }[]).map((n) => n.name) : [];
}

/** Inode of each named namespace's bind mount. */
export function namespaceInodes(names: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const n of names) {
    try {
      out.add(statSync(`/run/netns/${n}`).ino);
    } catch {
      // gone
    }
  }
  return out;
}

/** Processes whose network namespace is one of `inodes` (from /proc/<pid>/ns/net). */
export function processesIn(inodes: ReadonlySet<number>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/ns/net`));
      if (m && inodes.has(Number(m[1]))) pids.push(Number(entry));
    } catch {
      // exited, or a kernel thread
    }
  }
  return pids;
}

/** Safety net for a failed test: kill what lives in the run's namespaces and delete them. */
export function removeRunNamespaces(runId: string): string[] {
  const names = runNamespaces(runId);
  for (const pid of processesIn(namespaceInodes(names))) {
    try {
      if (pid !== process.pid) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const n of names) {
    try {
      execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  return names;
}

/** The host namespace's links as `ifindex:name`, to prove a run added nothing there. */
export function hostLinks(): string[] {
  const links = JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifindex: number; ifname: string }[];
  // Docker's own bridges and container veths come and go with the docker tests running beside.
  const docker = (name: string) => /^(docker0|br-[0-9a-f]{12}|veth[0-9a-f]{7})$/.test(name);
  return links.filter((l) => !docker(l.ifname)).map((l) => `${l.ifindex}:${l.ifname}`).sort();
}

/**
 * The host links added since `before`, leaving out what the tests running beside make and remove:
 * libvirt's bridges and tap devices (the VM tests) and other runs' docker segment bridges
 * (`ol-<run>-<n>`, docker/names.ts bridgeName). A link that carries `runId` always counts.
 */
export function hostLinksAddedSince(before: readonly string[], runId: string): string[] {
  const beside = (name: string) =>
    /^(virbr\d+|virbr\d+-nic|vnet\d+)$/.test(name) || (/^ol-[0-9a-z]{1,6}-\d+$/.test(name) && !name.startsWith(`ol-${runId}-`));
  return hostLinks().filter((l) => !before.includes(l) && !beside(l.slice(l.indexOf(':') + 1)));
}

/** `ip -n <ns> -j <args>` parsed. */
export function ipJson<T>(ns: string, ...args: string[]): T {
  return JSON.parse(execFileSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8' })) as T;
}

/** `bridge -n <ns> -j <args>` parsed. */
export function bridgeJson<T>(ns: string, ...args: string[]): T {
  return JSON.parse(execFileSync('bridge', ['-n', ns, '-j', ...args], { encoding: 'utf8' })) as T;
}

/** Runs argv inside a namespace; never throws, returns the exit code and output. */
export function inNetns(ns: string, argv: readonly string[], timeoutMs = 10_000): Promise<CliResult> {
  const child = spawn('nsenter', [`--net=/run/netns/${ns}`, '--', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, timeoutMs, ['nsenter', ns, ...argv]);
}

/** Polls until `check` returns a value (not undefined), every `intervalMs`, or throws after `timeoutMs`. */
export async function poll<T>(what: string, check: () => T | undefined, timeoutMs: number, intervalMs = 2): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** True while any process of the process group `pgid` lives. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A YAML scenario with `nodes` nodes of `pods` pods each (podCIDRs 10.244.N.0/24). */
export function generatedScenarioYaml(name: string, nodes: number, pods: number, assertions = '[mtu]'): string {
  const lines = [
    `name: ${name}`,
    'underlay:',
    '  cidr: 172.16.0.0/16',
    'flannel:',
    '  network: 10.244.0.0/16',
    '  vni: 1',
    '  learning: false',
    '  bridged: false',
    `assertions: ${assertions}`,
    'nodes:',
  ];
  for (let i = 0; i < nodes; i++) lines.push(`  - name: node${String(i).padStart(2, '0')}`, `    podCidr: 10.244.${i}.0/24`, `    pods: ${pods}`);
  return lines.join('\n') + '\n';
}

/**
 * What upstream flanneld needs here, checked when a file loads without importing the harness:
 * flanneld as scripts/build-flanneld.sh caches it (or OVERLAB_FLANNELD), etcd, etcdctl, iptables.
 * The harness's own preflight says the same.
 */
export function flannelMissing(): string[] {
  const cache = '/var/cache/overlab/flanneld';
  const built = process.env.OVERLAB_FLANNELD ? existsSync(process.env.OVERLAB_FLANNELD) : existsSync(cache) && readdirSync(cache).some((d) => existsSync(join(cache, d, 'flanneld')));
  return [
    ...(built ? [] : ['flanneld (bash scripts/build-flanneld.sh)']),
    ...toolsMissing(['etcd', 'etcdctl', 'iptables']),
  ];
}
