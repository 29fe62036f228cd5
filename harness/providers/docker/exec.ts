// Commands inside containers through the Engine API (dockerode): exec create, start with a
// hijacked stream, demultiplex stdout/stderr, feed stdin and half-close it, then read the exit
// code from exec inspect. Long-running processes are the same exec kept open; they are stopped
// with a signal to the exec's pid, which the Engine reports in the daemon's pid namespace.
import { PassThrough, type Duplex } from 'node:stream';
import { createInterface } from 'node:readline';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import type { CommandResult, RunOptions } from '../../core/command.js';
import { describeArgv } from '../../core/command.js';
import { CommandError, tail } from '../../core/errors.js';
import type { ResourceLedger } from '../../core/ledger.js';
import type { ManagedProcess, SpawnOptions } from '../types.js';

/** The exec's exit code once it stopped running (stream end comes a little before the state). */
async function exitCodeOf(exec: Docker.Exec): Promise<{ code: number; pid: number }> {
  for (let i = 0; ; i++) {
    const info = await exec.inspect();
    if (!info.Running) return { code: info.ExitCode ?? -1, pid: info.Pid };
    await new Promise((r) => setTimeout(r, Math.min(2 + i * 2, 50)));
  }
}

/** How long spawnIn waits for the Engine to report an exec's pid. */
const PID_WAIT_MS = 3000;
/** How long stop() waits for the exit after SIGKILL before it gives up on it. */
const STOP_GRACE_MS = 5000;

function killPid(pid: number, signal: NodeJS.Signals): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Runs argv in a container and collects its output; throws CommandError like LocalRunner. */
export async function execIn(docker: Docker, container: string, argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const withStdin = options.stdin !== undefined;
  const where = options.node ? `[${options.node}] ` : '';
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await docker.getContainer(container).exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: withStdin });
    stream = (await exec.start({ hijack: true, stdin: withStdin })) as Duplex;
  } catch (cause) {
    throw new CommandError(`${where}cannot run ${describeArgv(argv)} in container ${container}: ${(cause as Error).message}`, { argv, node: options.node }, { cause });
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  docker.modem.demuxStream(stream, stdout, stderr);
  let timedOut = false;
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          void exec.inspect().then((i) => killPid(i.Pid, 'SIGKILL'), () => undefined);
        }, options.timeoutMs)
      : undefined;
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  if (withStdin) stream.end(options.stdin);
  await ended;
  const { code } = await exitCodeOf(exec);
  if (timer) clearTimeout(timer);
  const result: CommandResult = {
    argv,
    exitCode: code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    durationMs: performance.now() - started,
  };
  if (code === 0 || options.allowFailure) return result;
  const why = timedOut ? `was killed (timeout ${options.timeoutMs} ms)` : `exited ${code}`;
  throw new CommandError(`${where}${describeArgv(argv)} ${why}: ${tail(result.stderr, 4) || '(no stderr)'}`, {
    argv,
    node: options.node,
    exitCode: code,
    stderrTail: tail(result.stderr),
  });
}

/**
 * A long-running process in a container. The exec starts asynchronously: `pid` is -1 until the
 * Engine reports it, and a start failure ends the process with exit code -1 and its reason as a
 * line on stderr (a capture then fails its readiness wait with that reason).
 */
export function spawnIn(docker: Docker, container: string, host: string, argv: readonly string[], ledger: ResourceLedger, options: SpawnOptions = {}): ManagedProcess {
  const listeners: ((line: string) => void)[] = [];
  const errListeners: ((line: string) => void)[] = [];
  let pid = -1;
  let inspectExec: (() => Promise<{ Pid: number; Running: boolean }>) | undefined;
  let resolveExited!: (code: number | string) => void;
  const exited = new Promise<number | string>((r) => (resolveExited = r));
  let done = false;
  exited.then(() => (done = true), () => undefined);
  const started = (async () => {
    const exec = await docker.getContainer(container).exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderr);
    if (options.logFile) {
      // A daemon's log (flanneld, etcd): both streams appended to the harness's file as they come.
      mkdirSync(dirname(options.logFile), { recursive: true });
      const log = createWriteStream(options.logFile, { flags: 'a' });
      stdout.pipe(log, { end: false });
      stderr.pipe(log, { end: false });
    } else {
      if (options.captureStdout) createInterface({ input: stdout }).on('line', (l) => listeners.forEach((f) => f(l)));
      else stdout.resume();
      if (options.captureStderr) createInterface({ input: stderr }).on('line', (l) => errListeners.forEach((f) => f(l)));
      else stderr.resume();
    }
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    // The pid, for stop() and for the ledger (the container is already recorded: removing it ends
    // this too). Bounded by time, not by a count of inspections: on a loaded machine the Engine
    // can take longer than 50 quick inspections to report it, and stop() asks again anyway.
    inspectExec = () => exec.inspect();
    const deadline = performance.now() + PID_WAIT_MS;
    while (pid <= 0 && performance.now() < deadline) {
      const info = await exec.inspect();
      pid = info.Pid;
      if (!info.Running) break;
      if (pid <= 0) await new Promise((r) => setTimeout(r, 5));
    }
    ledger.record({ kind: 'process', host, pid, argv: [...argv] });
    // A detached process (overlab up) outlives this connection: the Engine does not end an exec
    // whose client went away. Nothing keeps this process alive for it.
    if (options.detached) (stream as Duplex & { unref?: () => void }).unref?.();
    void ended.then(async () => {
      // Let the line readers drain what the stream delivered before the process counts as ended.
      await new Promise((r) => setImmediate(r));
      resolveExited((await exitCodeOf(exec).catch(() => ({ code: -1 }))).code);
    });
  })();
  started.catch((e: unknown) => {
    const line = `cannot start ${describeArgv(argv)} in ${container}: ${(e as Error).message}`;
    errListeners.forEach((f) => f(line));
    resolveExited(-1);
  });
  return {
    host,
    get pid() {
      return pid;
    },
    argv,
    exited,
    onLine: (l) => listeners.push(l),
    onStderrLine: (l) => errListeners.push(l),
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 2000) {
      await started.catch(() => undefined);
      if (done) return exited;
      // A pid the Engine had not reported at start: ask again, since a process we cannot signal
      // would leave this waiting for an exit that never comes.
      if (pid <= 0 && inspectExec) pid = (await inspectExec().catch(() => ({ Pid: -1 }))).Pid;
      if (!killPid(pid, signal)) {
        // Gone already (its exit is on the way), or still no pid: wait for the exit, but not forever.
        return Promise.race([exited, new Promise<string>((r) => setTimeout(r, timeoutMs, 'unknown pid'))]);
      }
      const timer = setTimeout(() => killPid(pid, 'SIGKILL'), timeoutMs);
      // SIGKILL cannot be refused; the stream's end can still be late (a stuck Engine): bounded too.
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(r, timeoutMs + STOP_GRACE_MS, 'SIGKILL'))]);
      clearTimeout(timer);
      return code;
    },
  };
}
