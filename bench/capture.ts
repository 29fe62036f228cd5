// Processes in the throwaway namespaces: tcpdump writing a capture, and UDP senders that fill
// it with about a million VXLAN packets in a few seconds.
import { describeArgv, exitError, startProcess, type Exit } from '../harness/core/process.js';
import { CommandError, WaitTimeoutError } from '../harness/core/errors.js';
import { findTool } from '../harness/providers/preflight.js';
import { createVxlanPair } from './vxlan-pair.js';

/** A process of core/process.ts that keeps its output, to wait for a line and read its stderr. */
export interface Started {
  argv: readonly string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  stdoutLines: string[];
  /** When it has ended and its output is read. */
  exited: Promise<Exit>;
  /** Resolves when a stdout or stderr line matches (including lines already printed). */
  waitForLine(re: RegExp, what: string, timeoutMs: number): Promise<string>;
  /** Sends `signal` (default SIGINT) and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

export function startWatched(argv: readonly string[], options: { captureStdout?: boolean } = {}): Started {
  const p = startProcess(argv, { stdout: options.captureStdout ? 'lines' : 'ignore', stderr: 'lines' });
  let err = '';
  const stdoutLines: string[] = [];
  const watchers: { re: RegExp; resolve: (l: string) => void }[] = [];
  const check = (line: string) => {
    for (const w of [...watchers]) {
      if (w.re.test(line)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  p.onStderrLine((l) => {
    err += l + '\n';
    check(l);
  });
  p.onLine((l) => {
    stdoutLines.push(l);
    check(l);
  });
  const exited = p.closed;
  return {
    argv,
    stderr: () => err,
    stdoutLines,
    exited,
    waitForLine(re, what, timeoutMs) {
      // Lines seen before the call count too.
      const seen = [...stdoutLines, ...err.split('\n')].find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.splice(watchers.indexOf(w), 1);
          reject(new WaitTimeoutError(`${what} from ${describeArgv(argv)}`, timeoutMs, err.trim().split('\n').slice(-2).join(' | ') || '(no output)'));
        }, timeoutMs);
        const w = {
          re,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        watchers.push(w);
        void exited.then(() => {
          if (!watchers.includes(w)) return;
          watchers.splice(watchers.indexOf(w), 1);
          clearTimeout(timer);
          reject(new CommandError(`${describeArgv(argv)} exited before ${what}: ${err.trim() || '(no stderr)'}`, { argv, stderrTail: err }));
        });
      });
    },
    async stop(signal = 'SIGINT', timeoutMs = 5000) {
      await p.stop(signal, timeoutMs);
      return exited;
    },
  };
}

export interface CaptureOptions {
  /** Stop after this many packets (-c). */
  count?: number;
  /** Nanosecond timestamps (--time-stamp-precision nano). */
  nano?: boolean;
  /** --immediate-mode -U (default true): every packet reaches the file at once. */
  immediate?: boolean;
  /** Also print each packet on stdout (--print -l), to wait for a marker packet. */
  print?: boolean;
  /** Kernel buffer in KiB (-B). */
  bufferKiB?: number;
}

/** Starts tcpdump on `dev` inside `ns` writing `file`, and resolves once it is listening. */
export async function startTcpdump(inNs: (argv: string[]) => string[], dev: string, file: string, options: CaptureOptions = {}): Promise<Started> {
  const argv = ['tcpdump', '-n', '-i', dev, '-w', file, '-Z', 'root'];
  if (options.immediate ?? true) argv.push('--immediate-mode', '-U');
  if (options.count !== undefined) argv.push('-c', String(options.count));
  if (options.nano) argv.push('--time-stamp-precision', 'nano');
  if (options.print) argv.push('--print', '-l');
  if (options.bufferKiB !== undefined) argv.push('-B', String(options.bufferKiB));
  // If we die without stopping it (SIGKILL), the kernel sends it SIGTERM: no capture outlives us.
  const guarded = findTool('setpriv') ? ['setpriv', '--pdeathsig', 'TERM', ...argv] : argv;
  const p = startWatched(inNs(guarded), { captureStdout: options.print ?? false });
  try {
    await p.waitForLine(/listening on/, 'tcpdump\'s "listening on"', 10_000);
  } catch (e) {
    await p.stop('SIGKILL');
    throw e;
  }
  return p;
}

/** tcpdump's closing statistics ("N packets captured", "M packets dropped by kernel"). */
export function tcpdumpStats(stderr: string): { captured?: number; received?: number; dropped?: number } {
  const num = (re: RegExp) => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : undefined;
  };
  const out: { captured?: number; received?: number; dropped?: number } = {};
  const c = num(/(\d+) packets? captured/);
  const r = num(/(\d+) packets? received by filter/);
  const d = num(/(\d+) packets? dropped by kernel/);
  if (c !== undefined) out.captured = c;
  if (r !== undefined) out.received = r;
  if (d !== undefined) out.dropped = d;
  return out;
}

/**
 * A UDP blaster: a Node process sending `size`-byte datagrams to host:port as fast as it can,
 * until SIGTERM, `seconds` have passed, or its parent (us) is gone.
 */
const SENDER = `
const dgram = require('node:dgram');
const [host, port, size, seconds] = process.argv.slice(1);
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 250);
setTimeout(() => process.exit(0), Number(seconds) * 1000);
const s = dgram.createSocket('udp4');
const buf = Buffer.alloc(Number(size), 0x5a);
s.on('error', () => undefined);
s.connect(Number(port), host, () => {
  const loop = () => {
    for (let i = 0; i < 64 && s.getSendQueueCount() < 512; i++) s.send(buf);
    setImmediate(loop);
  };
  loop();
});
process.on('SIGTERM', () => process.exit(0));
`;

export interface MadeCapture {
  file: string;
  /** Packets in the file (tcpdump's count). */
  packets: number;
  /** Packets the kernel dropped before tcpdump saw them. */
  dropped: number;
  durationMs: number;
}

/**
 * Makes a capture of `packets` packets (default 1,000,000), almost all VXLAN (VNI 0, port 8472,
 * both directions: a UDP sender in each namespace), on a throwaway pair of namespaces that is
 * deleted afterwards. Needs root, iproute2 and tcpdump. Took 5-11 s for a million packets here
 * (2 cores), without kernel drops. `signal` aborts it (the testbed is still removed).
 */
export async function makeVxlanCapture(file: string, packets = 1_000_000, options: { payloadBytes?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<MadeCapture> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const pair = await createVxlanPair();
  const procs: Started[] = [];
  try {
    const capture = await startTcpdump((argv) => pair.inNs(pair.nsA, argv), pair.underlayDev, file, { count: packets, immediate: false, bufferKiB: 65536 });
    procs.push(capture);
    const size = String(options.payloadBytes ?? 64);
    const timeoutMs = options.timeoutMs ?? Math.max(60_000, packets / 10);
    const seconds = String(Math.ceil(timeoutMs / 1000) + 5);
    procs.push(startWatched(pair.inNs(pair.nsA, [process.execPath, '-e', SENDER, pair.overlayB, '9', size, seconds])));
    procs.push(startWatched(pair.inNs(pair.nsB, [process.execPath, '-e', SENDER, pair.overlayA, '9', size, seconds])));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timedOut = new Promise<'timeout' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      onAbort = () => resolve('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const r = await Promise.race([capture.exited, timedOut]);
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    if (r === 'aborted') throw options.signal?.reason ?? new Error('aborted');
    if (r === 'timeout') {
      await capture.stop('SIGINT');
      throw new WaitTimeoutError(`tcpdump to capture ${packets} packets`, timeoutMs, capture.stderr().trim() || '(no output)');
    }
    if (r.code !== 0) throw exitError(capture.argv, r, capture.stderr());
    const stats = tcpdumpStats(capture.stderr());
    return { file, packets: stats.captured ?? packets, dropped: stats.dropped ?? 0, durationMs: performance.now() - started };
  } finally {
    for (const p of procs) await p.stop('SIGTERM');
    await pair.destroy();
  }
}
