// Commands over one SSH connection: run to the end (buffered, with a timeout that is always
// there), or start a long-running one whose remote pid is known (so it can be signalled, and
// killed by `overlab clean` after a crash, by pid and start time so a reused pid is never hit).
import type ssh2 from 'ssh2';
import type { CommandResult, RunOptions } from '../core/command.js';
import { CommandError, tail } from '../core/errors.js';
import { describeArgv } from '../core/process.js';
import { commandLine } from './quote.js';
import { SshConnectionLostError, SshTimeoutError, type SshEndpoint } from './errors.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './target.js';

/** The words a command runs as: through `sudo -n` for a non-root user that may use it. */
export const remoteArgv = (argv: readonly string[], sudo: boolean): string[] => (sudo ? ['sudo', '-n', '--', ...argv] : [...argv]);

/**
 * Opens an exec channel and hands it to `attach` inside ssh2's callback, synchronously: a fast
 * command's whole life (its output, exit status and close) can arrive in the same packet batch
 * as the channel's confirmation, before any awaiting code would run, and would be missed.
 */
function openOnce(client: ssh2.Client, line: string, attach: (channel: ssh2.ClientChannel) => void): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(line, (err, channel) => {
        if (err) return reject(err);
        attach(channel);
        resolve(channel);
      });
    } catch (e) {
      reject(e as Error);
    }
  });
}

/**
 * sshd refuses a channel ("open failed") while it still counts sessions that have just closed
 * against MaxSessions; that clears within milliseconds, so a refusal is retried a few times.
 */
async function openChannel(client: ssh2.Client, endpoint: SshEndpoint, line: string, attach: (channel: ssh2.ClientChannel) => void): Promise<ssh2.ClientChannel> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await openOnce(client, line, attach);
    } catch (e) {
      const refused = /open failed/i.test((e as Error).message);
      if (!refused || attempt >= 8) throw new SshConnectionLostError(endpoint, `cannot open a channel: ${(e as Error).message}${refused ? ' (sshd\'s MaxSessions reached)' : ''}`, { cause: e });
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
    }
  }
}

export async function execOver(client: ssh2.Client, endpoint: SshEndpoint, argv: readonly string[], sudo: boolean, options: RunOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  // The remote side enforces the same deadline itself (coreutils timeout, KILL 1 s after TERM):
  // sshd does not reliably deliver a signal request, and a closed channel does not end a
  // process that is not writing, so without this a hung command would outlive its timeout there.
  const words = remoteArgv(['timeout', '-k', '1', `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`, ...argv], sudo);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let settle: (r: { code: number | null; signal?: string }) => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const ended = new Promise<{ code: number | null; signal?: string }>((resolve, reject) => ((settle = resolve), (fail = reject)));
  const channel = await openChannel(client, endpoint, commandLine(words), (ch) => {
    let code: number | null = null;
    let signal: string | undefined;
    ch.on('data', (b: Buffer) => out.push(b));
    ch.stderr.on('data', (b: Buffer) => err.push(b));
    ch.on('exit', (c: number | null, s?: string) => ((code = c), (signal = s)));
    ch.on('close', () => settle({ code, signal }));
    ch.on('error', (e: Error) => fail(new SshConnectionLostError(endpoint, `while running ${describeArgv(argv)}: ${e.message}`, { cause: e })));
  });
  channel.end(options.stdin ?? '');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Ask the remote side to end it, then drop the channel: we never wait past the timeout.
      try {
        channel.signal('KILL');
      } catch {
        // the channel may already be gone
      }
      channel.close();
      reject(new SshTimeoutError(endpoint, `${describeArgv(argv)} did not finish within ${timeoutMs} ms; it was ended (raise the step's timeout if it is legitimately slow)`));
    }, timeoutMs);
  });
  try {
    const exit = await Promise.race([ended, timedOut]);
    const result: CommandResult = { argv, exitCode: exit.code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), durationMs: performance.now() - started };
    if (result.exitCode === 0 || options.allowFailure) return result;
    const why = exit.signal ? `was killed by SIG${exit.signal}` : `exited ${result.exitCode}`;
    throw new CommandError(`[${endpoint.name}] ${describeArgv(argv)} ${why}: ${tail(result.stderr, 4) || '(no stderr)'}`, { argv, node: options.node ?? endpoint.name, exitCode: exit.code, stderrTail: tail(result.stderr) });
  } finally {
    clearTimeout(timer);
  }
}

/** The first line a spawned command prints, before it becomes the real program: its pid and start time. */
const PID_LINE = /^OVERLAB_PID (\d+) (\d+)$/;

/**
 * `sh -c` prints its pid and start time (from /proc, field 22) and then execs the program, so
 * the pid is the program's own. Passed as words, never as text joined with the argv.
 */
export const pidWrapper = (argv: readonly string[]): string[] => [
  'sh',
  '-c',
  'echo "OVERLAB_PID $$ $(cut -d" " -f22 /proc/$$/stat)"; exec "$@"',
  'sh',
  ...argv,
];

export interface RemoteProcess {
  pid: number;
  startTicks: string;
  channel: ssh2.ClientChannel;
  exited: Promise<number | string>;
}

/** Starts a long-running command; resolves once its pid is known. */
export async function spawnOver(client: ssh2.Client, endpoint: SshEndpoint, argv: readonly string[], sudo: boolean, onStdout: (line: string) => void, onStderr: (chunk: Buffer) => void, onData?: (chunk: Buffer) => void): Promise<RemoteProcess> {
  let done: (r: number | string) => void = () => undefined;
  const exited = new Promise<number | string>((resolve) => (done = resolve));
  const chunks: Buffer[] = [];
  let forward: ((chunk: Buffer) => void) | undefined;
  const channel = await openChannel(client, endpoint, commandLine(remoteArgv(pidWrapper(argv), sudo)), (ch) => {
    let result: number | string = -1;
    ch.stderr.on('data', onStderr);
    // Until the reader below is in place, output is kept (it may all arrive at once).
    ch.on('data', (chunk: Buffer) => (forward ? forward(chunk) : chunks.push(chunk)));
    ch.on('exit', (code: number | null, signal?: string) => (result = code ?? (signal ? `SIG${signal}` : -1)));
    ch.on('close', () => done(result));
    ch.on('error', () => done(result));
  });
  channel.end();
  return new Promise<RemoteProcess>((resolve, reject) => {
    let buffered = '';
    let known = false;
    const timer = setTimeout(() => reject(new SshTimeoutError(endpoint, `${describeArgv(argv)} did not start within 10 s`)), 10_000);
    void exited.then((r) => {
      if (!known) {
        clearTimeout(timer);
        reject(new CommandError(`[${endpoint.name}] ${describeArgv(argv)} could not start (${r})`, { argv, node: endpoint.name }));
      }
    });
    forward = (chunk: Buffer) => {
      if (known) {
        onData?.(chunk);
        buffered += chunk.toString('utf8');
      } else {
        buffered += chunk.toString('utf8');
        const nl = buffered.indexOf('\n');
        if (nl < 0) return;
        const m = PID_LINE.exec(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (!m) return reject(new CommandError(`[${endpoint.name}] unexpected first line from ${describeArgv(argv)}`, { argv, node: endpoint.name }));
        known = true;
        clearTimeout(timer);
        if (buffered) onData?.(Buffer.from(buffered));
        resolve({ pid: Number(m[1]), startTicks: m[2]!, channel, exited });
      }
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onStdout(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    };
    for (const c of chunks.splice(0)) forward(c);
  });
}

/**
 * The argv that signals a remote process only if it is still the one started (same start time):
 * a pid reused after it ended is left alone.
 */
export const killIfSame = (pid: number, startTicks: string, signal: string): string[] => [
  'sh',
  '-c',
  '[ "$(cut -d" " -f22 /proc/$1/stat 2>/dev/null)" = "$2" ] && kill -s "$3" "$1"; exit 0',
  'sh',
  String(pid),
  startTicks,
  signal,
];
