// Reader benchmark (issue 4, deliverable 5): our reader + decoder + summary against `tshark -r`
// (decode-as VXLAN on 8472) and `tcpdump -q -r` on the same file, and a throwaway testbed that
// makes a capture of about a million VXLAN packets quickly.
//
// The testbed (`createVxlanPair`) is two namespaces `pcapt-<random>-a` / `-b` joined by a veth
// (`ul0`, 198.18.0.1/24 and .2, RFC 2544 benchmarking space), each with a VXLAN device `vx0`
// (id 0, dstport 8472, learning, remote = the other end, 198.19.0.1/24 and .2). IPv6 is off in
// both, so the only traffic is what we send plus ARP. Nothing leaves the two namespaces, and
// every tool runs with -n (no name lookups).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner, describeArgv, toolEnv, type CommandRunner } from '../harness/core/command.js';
import { CommandError, WaitTimeoutError } from '../harness/core/errors.js';
import { summarizePcap, type PcapSummary } from '../harness/pcap/summary.js';

// ---------------------------------------------------------------------------------------------
// Throwaway testbed

export interface VxlanPair {
  nsA: string;
  nsB: string;
  /** The veth end in each namespace. */
  underlayDev: string;
  underlayA: string;
  underlayB: string;
  vxlanDev: string;
  overlayA: string;
  overlayB: string;
  vni: number;
  port: number;
  /** argv that runs `argv` inside namespace `ns`. */
  inNs(ns: string, argv: readonly string[]): string[];
  /** Kills whatever still runs inside the two namespaces (by pid, from `ip netns pids`), then deletes them. */
  destroy(): Promise<void>;
}

export interface VxlanPairOptions {
  /** Namespace name prefix (default `pcapt-<6 hex>`); the namespaces are `<prefix>-a` and `-b`. */
  prefix?: string;
  vni?: number;
  port?: number;
  runner?: CommandRunner;
}

export async function createVxlanPair(options: VxlanPairOptions = {}): Promise<VxlanPair> {
  const runner = options.runner ?? new LocalRunner();
  const prefix = options.prefix ?? `pcapt-${randomBytes(3).toString('hex')}`;
  const vni = options.vni ?? 0;
  const port = options.port ?? 8472;
  const pair: VxlanPair = {
    nsA: `${prefix}-a`,
    nsB: `${prefix}-b`,
    underlayDev: 'ul0',
    underlayA: '198.18.0.1',
    underlayB: '198.18.0.2',
    vxlanDev: 'vx0',
    overlayA: '198.19.0.1',
    overlayB: '198.19.0.2',
    vni,
    port,
    inNs: (ns, argv) => ['ip', 'netns', 'exec', ns, ...argv],
    destroy: async () => {
      const errors: string[] = [];
      for (const ns of created) {
        // Anything still running inside (a capture or sender left by an error) goes first.
        const pids = await runner.run(['ip', 'netns', 'pids', ns], { allowFailure: true });
        for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        const r = await runner.run(['ip', 'netns', 'del', ns], { allowFailure: true });
        if (r.exitCode !== 0 && !/No such file/.test(r.stderr)) errors.push(`ip netns del ${ns}: ${r.stderr.trim()}`);
      }
      created.length = 0;
      if (errors.length) throw new CommandError(errors.join('; '), { argv: ['ip', 'netns', 'del'] });
    },
  };
  const created: string[] = [];
  try {
    for (const ns of [pair.nsA, pair.nsB]) {
      // Recorded once it exists: a name that was taken (add fails) is never ours to delete.
      await runner.run(['ip', 'netns', 'add', ns]);
      created.push(ns);
      // No IPv6: no link-local, MLD or ND traffic in the capture.
      for (const key of ['all', 'default']) await runner.run(pair.inNs(ns, ['sysctl', '-q', '-w', `net.ipv6.conf.${key}.disable_ipv6=1`]));
    }
    await runner.run(['ip', '-n', pair.nsA, 'link', 'add', 'ul0', 'type', 'veth', 'peer', 'name', 'ul0', 'netns', pair.nsB]);
    for (const [ns, local, remote, overlay] of [
      [pair.nsA, pair.underlayA, pair.underlayB, pair.overlayA],
      [pair.nsB, pair.underlayB, pair.underlayA, pair.overlayB],
    ] as const) {
      const batch = [
        `link set lo up`,
        `addr add ${local}/24 dev ul0`,
        `link set ul0 up`,
        `link add vx0 type vxlan id ${vni} dstport ${port} local ${local} remote ${remote} dev ul0 learning`,
        `addr add ${overlay}/24 dev vx0`,
        `link set vx0 up`,
      ].join('\n');
      await runner.run(['ip', '-n', ns, '-batch', '-'], { stdin: batch + '\n' });
    }
    return pair;
  } catch (e) {
    await pair.destroy().catch(() => undefined);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Processes in the namespaces

export interface Started {
  child: ChildProcess;
  argv: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  stdoutLines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a stdout or stderr line matches (including lines already printed). */
  waitForLine(re: RegExp, what: string, timeoutMs: number): Promise<string>;
  /** Sends `signal` (default SIGINT) and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startProcess(argv: readonly string[], options: { captureStdout?: boolean } = {}): Started {
  const [file, ...args] = argv;
  if (!file) throw new CommandError('empty argv', { argv });
  const child = spawn(file, args, { env: toolEnv(), stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'] });
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
  let errPartial = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    errPartial += s;
    const lines = errPartial.split('\n');
    errPartial = lines.pop() ?? '';
    lines.forEach(check);
  });
  let outPartial = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    outPartial += s;
    const lines = outPartial.split('\n');
    outPartial = lines.pop() ?? '';
    for (const l of lines) {
      stdoutLines.push(l);
      check(l);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
    child.on('error', () => resolve({ code: -1, signal: null }));
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    argv: [...argv],
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
      if (done || child.pid === undefined) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
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
  const guarded = hasTool('setpriv') ? ['setpriv', '--pdeathsig', 'TERM', ...argv] : argv;
  const p = startProcess(inNs(guarded), { captureStdout: options.print ?? false });
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
    procs.push(startProcess(pair.inNs(pair.nsA, [process.execPath, '-e', SENDER, pair.overlayB, '9', size, seconds])));
    procs.push(startProcess(pair.inNs(pair.nsB, [process.execPath, '-e', SENDER, pair.overlayA, '9', size, seconds])));
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
    if (r.code !== 0) throw new CommandError(`${describeArgv(capture.argv)} exited ${r.code ?? r.signal}: ${capture.stderr().trim()}`, { argv: capture.argv, exitCode: r.code });
    const stats = tcpdumpStats(capture.stderr());
    return { file, packets: stats.captured ?? packets, dropped: stats.dropped ?? 0, durationMs: performance.now() - started };
  } finally {
    for (const p of procs) await p.stop('SIGTERM');
    await pair.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmark

/** Runs argv with stdout to /dev/null (so the tool's text output costs it, not us); returns ms. */
async function timeTool(argv: readonly string[]): Promise<number> {
  const [file, ...args] = argv;
  const devnull = openSync('/dev/null', 'w');
  const started = performance.now();
  try {
    const child = spawn(file!, args, { env: toolEnv(), stdio: ['ignore', devnull, 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-4000)));
    const code = await new Promise<number>((resolve, reject) => {
      child.on('error', (cause) => reject(new CommandError(`cannot run ${describeArgv(argv)}: ${cause.message}`, { argv }, { cause })));
      child.on('close', (c) => resolve(c ?? -1));
    });
    if (code !== 0) throw new CommandError(`${describeArgv(argv)} exited ${code}: ${err.trim()}`, { argv, exitCode: code, stderrTail: err });
    return performance.now() - started;
  } finally {
    closeSync(devnull);
  }
}

/** True when `tool` is an executable on the tools' PATH (toolEnv, without node_modules/.bin). */
export function hasTool(tool: string): boolean {
  for (const dir of (toolEnv().PATH ?? '').split(':')) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

export interface BenchPcapOptions {
  /** Runs of our reader; the best counts (default 3). */
  oursRuns?: number;
  /** Run tshark (default true). Measured here at ~35k packets/s: ~30 s for a million packets. */
  tshark?: boolean;
  /** Run tcpdump -q (default true). */
  tcpdump?: boolean;
  /** Give tshark only the first N packets (`-c N`) and rate it on those. */
  tsharkMaxPackets?: number;
  vxlanPort?: number;
}

export interface BenchPcapResult {
  /** Packets per second: our reader + decoder + summary. */
  ours: number;
  /** `tshark -n -r FILE -d udp.port==8472,vxlan` (one summary line per packet, to /dev/null). */
  tshark?: number;
  /** `tcpdump -q -n -r FILE` (to /dev/null). */
  tcpdump?: number;
  packets: number;
  /** Wall-clock ms of each measurement. */
  ms: { ours: number; tshark?: number; tcpdump?: number };
  summary: PcapSummary;
}

/**
 * Packets per second on `file` for our reader (best of `oursRuns`, after a first run that also
 * warms the page cache), tcpdump -q and tshark. Tools that are not installed are left out.
 */
export async function benchPcap(file: string, options: BenchPcapOptions = {}): Promise<BenchPcapResult> {
  const port = options.vxlanPort ?? 8472;
  let best = Infinity;
  let summary: PcapSummary | undefined;
  for (let i = 0; i < Math.max(1, options.oursRuns ?? 3); i++) {
    const t0 = performance.now();
    summary = await summarizePcap(file, { vxlanPorts: [port] });
    best = Math.min(best, performance.now() - t0);
  }
  const packets = summary!.packets;
  const result: BenchPcapResult = { ours: packets / (best / 1000), packets, ms: { ours: best }, summary: summary! };
  if ((options.tcpdump ?? true) && hasTool('tcpdump')) {
    const ms = await timeTool(['tcpdump', '-q', '-n', '-r', file]);
    result.tcpdump = packets / (ms / 1000);
    result.ms.tcpdump = ms;
  }
  if ((options.tshark ?? true) && hasTool('tshark')) {
    const limit = options.tsharkMaxPackets !== undefined && options.tsharkMaxPackets < packets ? options.tsharkMaxPackets : undefined;
    const ms = await timeTool(['tshark', '-n', '-r', file, '-d', `udp.port==${port},vxlan`, ...(limit !== undefined ? ['-c', String(limit)] : [])]);
    result.tshark = (limit ?? packets) / (ms / 1000);
    result.ms.tshark = ms;
  }
  return result;
}
