// The one place the harness starts local processes. Every command is an argv spawned without a
// shell (design.md §3) with the tools' PATH (toolEnv), and every failure is a CommandError with
// the argv, the node, the exit code, the stderr tail and the cause. Two shapes on one spawn:
// runProcess runs to the end with its output buffered (LocalRunner), startProcess keeps a
// long-running one (servers, captures, probes: lines as they come, stop with a bounded wait),
// and runOnTerminal hands our terminal to one (overlab exec).
import { spawn, spawnSync, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CommandResult, RunOptions } from './command.js';
import { CommandError, tail } from './errors.js';

export function describeArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/**
 * The environment for the system tools we run. npm and npx put node_modules/.bin first on PATH,
 * and ava's dependency @vercel/nft installs a `nft` there: `nft -f` would run Node File Trace
 * instead of nftables. System tools are looked up on PATH without node_modules/.bin.
 */
export function toolEnv(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => dir && !dir.includes('node_modules'))
    .concat(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  return { ...process.env, PATH: [...new Set(path)].join(':') };
}

/** How a process ended; `error` when it could not be started (or signalled) at all. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * Where a child's output goes: 'lines' (default) is read line by line for onLine/onStderrLine,
 * 'pipe' is child.stdout/stderr for the caller to read (a stream to hand on), 'ignore', or a
 * file descriptor it writes to.
 */
export type OutputTo = 'lines' | 'pipe' | 'ignore' | number;

export interface StartOptions {
  /** 'pipe' to write to child.stdin; default 'ignore'. */
  stdin?: 'pipe' | 'ignore';
  stdout?: OutputTo;
  stderr?: OutputTo;
  /** Its own process group, so a terminal's Ctrl-C reaches only overlab, which stops it in order. */
  detached?: boolean;
  /** SIGKILL after this long (runProcess names the timeout in its error). */
  timeoutMs?: number;
}

export interface Started {
  readonly argv: readonly string[];
  readonly child: ChildProcess;
  /** undefined when the program could not be started; `exited` then carries the error. */
  readonly pid: number | undefined;
  /** Resolves when the process ends; never rejects. Piped output may still be in flight. */
  readonly exited: Promise<Exit>;
  /** Resolves when it has ended and its piped output is read to the end; never rejects. */
  readonly closed: Promise<Exit>;
  /** Each stdout line as it comes (stdout 'lines'; lines before the call are not replayed). */
  onLine(listener: (line: string) => void): void;
  onStderrLine(listener: (line: string) => void): void;
  /** Sends `signal` (default SIGTERM), SIGKILL after `timeoutMs` (default 2000), and waits for the end. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/**
 * Every child we started that has not been reaped yet, by pid, with the promise of its end.
 * Teardown waits on these (a killed child is a zombie until Node has waited for it), and the
 * orphan reaper (core/reaper.ts) must never wait for one of them: Node would then never see
 * its exit.
 */
const live = new Map<number, Promise<void>>();

function track(pid: number, child: ChildProcess): void {
  // 'exit' is emitted after libuv's waitpid: from then on the pid is no longer a zombie of ours.
  live.set(pid, new Promise<void>((resolve) => child.once('exit', () => (live.delete(pid), resolve()))));
}

/** The pids of our children that Node has not reaped yet. */
export function unreapedChildren(): number[] {
  return [...live.keys()];
}

/**
 * Waits until every one of `pids` that is a child of ours has been reaped, at most `timeoutMs`;
 * returns those still not reaped (a child we could not end).
 */
export async function waitReaped(pids: Iterable<number>, timeoutMs = 3000): Promise<number[]> {
  const waits = [...pids].map((pid) => live.get(pid)).filter((w): w is Promise<void> => w !== undefined);
  if (waits.length === 0) return [];
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(waits), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  return [...pids].filter((pid) => live.has(pid));
}

/** The spawn itself, for both shapes: the argv checked, the tools' PATH, how it ends. */
function spawnTool(argv: readonly string[], options: StartOptions): { child: ChildProcess; exited: Promise<Exit>; closed: Promise<Exit> } {
  const [file, ...args] = argv;
  if (!file) throw new CommandError('empty argv', { argv });
  const to = (o: OutputTo | undefined): StdioPipe | StdioNull | number => (o === undefined || o === 'lines' ? 'pipe' : o);
  const stdio: [StdioPipe | StdioNull, StdioPipe | StdioNull | number, StdioPipe | StdioNull | number] = [options.stdin ?? 'ignore', to(options.stdout), to(options.stderr)];
  const child = spawn(file, args, { env: toolEnv(), stdio, detached: options.detached, timeout: options.timeoutMs, killSignal: 'SIGKILL' });
  if (child.pid !== undefined) track(child.pid, child);
  // A program that cannot start emits 'error' (then 'close', never 'exit'); listening here means
  // that is never an unhandled error event.
  const failed = new Promise<Exit>((resolve) => child.once('error', (error) => resolve({ code: null, signal: null, error })));
  const exited = Promise.race([failed, new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))]);
  const closed = Promise.race([failed, new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })))]);
  // A child that exits before reading all of its stdin is not an error of ours.
  child.stdin?.on('error', () => undefined);
  return { child, exited, closed };
}

/** Starts a long-running argv (a CommandError for an empty one); a start failure arrives in `exited`. */
export function startProcess(argv: readonly string[], options: StartOptions = {}): Started {
  const { child, exited, closed } = spawnTool(argv, options);
  let ended = false;
  void exited.then(() => (ended = true));
  // Output sent to 'lines' is always read, listeners or not: a full pipe would block the child.
  const lines = (stream: NodeJS.ReadableStream | null, to: OutputTo | undefined) => {
    const listeners: ((line: string) => void)[] = [];
    if (stream && (to ?? 'lines') === 'lines') createInterface({ input: stream }).on('line', (line) => listeners.forEach((l) => l(line)));
    return listeners;
  };
  const outListeners = lines(child.stdout, options.stdout);
  const errListeners = lines(child.stderr, options.stderr);
  const kill = (signal: NodeJS.Signals) => {
    try {
      // By pid, not child.kill: a pid that is gone throws, and then there is nothing to wait for.
      process.kill(child.pid!, signal);
      return true;
    } catch {
      return false;
    }
  };
  return {
    argv,
    child,
    pid: child.pid,
    exited,
    closed,
    onLine: (l) => outListeners.push(l),
    onStderrLine: (l) => errListeners.push(l),
    async stop(signal = 'SIGTERM', timeoutMs = 2000) {
      if (ended || child.pid === undefined || !kill(signal)) return exited;
      const timer = setTimeout(() => kill('SIGKILL'), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/** The CommandError for a process that could not be started. */
export function startError(argv: readonly string[], cause: Error, node?: string): CommandError {
  return new CommandError(`cannot run ${describeArgv(argv)}: ${cause.message}`, { argv, node }, { cause });
}

/** The CommandError for a process that did not exit 0: how it ended and the end of its stderr. */
export function exitError(argv: readonly string[], exit: Exit, stderr: string, options: { node?: string; timeoutMs?: number } = {}): CommandError {
  if (exit.error) return startError(argv, exit.error, options.node);
  const why = exit.signal ? `was killed by ${exit.signal}${options.timeoutMs ? ` (timeout ${options.timeoutMs} ms)` : ''}` : `exited ${exit.code}`;
  return new CommandError(`${options.node ? `[${options.node}] ` : ''}${describeArgv(argv)} ${why}: ${tail(stderr, 4) || '(no stderr)'}`, {
    argv,
    node: options.node,
    exitCode: exit.code,
    stderrTail: tail(stderr),
  });
}

/**
 * How long the output may stay silent after the process has exited. A command that leaves a
 * process behind (`sh -c 'daemon &'`) hands it our pipes, and 'close' would wait for that one
 * too: forever, for a server. Once the pipes have been quiet this long the output read so far
 * is the output.
 */
const DRAIN_IDLE_MS = 1000;

async function endOf(child: ChildProcess, exited: Promise<Exit>, closed: Promise<Exit>): Promise<Exit> {
  const exit = await exited;
  let bytes = 0;
  const count = (b: Buffer) => (bytes += b.length);
  child.stdout?.on('data', count);
  child.stderr?.on('data', count);
  let closedYet = false;
  void closed.then(() => (closedYet = true));
  for (let seen = -1; !closedYet; seen = bytes) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, DRAIN_IDLE_MS)))]);
    clearTimeout(timer);
    // After a stall (a loaded machine, a blocked event loop) the timer is due before the pipe
    // is polled: let one poll phase read what is waiting before calling the pipes quiet.
    await new Promise((r) => setImmediate(r));
    if (!closedYet && bytes === seen) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      break;
    }
  }
  return exit;
}

/** Runs argv to the end with stdin written and stdout/stderr collected; rejects unless it exits 0 (or allowFailure). */
export async function runProcess(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const { child, exited, closed } = spawnTool(argv, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', timeoutMs: options.timeoutMs });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.end(options.stdin ?? '');
  const exit = await endOf(child, exited, closed);
  if (exit.error) throw startError(argv, exit.error, options.node);
  const result: CommandResult = {
    argv,
    exitCode: exit.code ?? -1,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    durationMs: performance.now() - started,
  };
  if (result.exitCode === 0 || options.allowFailure) return result;
  throw exitError(argv, exit, result.stderr, { node: options.node, timeoutMs: options.timeoutMs });
}

/**
 * Runs argv on our own terminal (stdin, stdout and stderr inherited) and blocks until it ends:
 * `overlab exec`, where the user types to it and its Ctrl-C is theirs, not ours.
 */
export function runOnTerminal(argv: readonly string[]): Exit {
  const [file, ...args] = argv;
  if (!file) throw new CommandError('empty argv', { argv });
  const r = spawnSync(file, args, { stdio: 'inherit', env: toolEnv() });
  return r.error ? { code: null, signal: null, error: r.error } : { code: r.status, signal: r.signal };
}
