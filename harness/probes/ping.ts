// ICMP probes inside a host of the testbed, to testbed addresses: iputils ping for one probe
// (sizes, DF, the error words), fping for reachability matrices.
import type { NodeHandle } from '../providers/types.js';
import { CommandError } from '../core/errors.js';
import { runProcess } from '../core/process.js';
import { commandLine } from '../ssh/quote.js';

export interface PingResult {
  from: string;
  to: string;
  /** ICMP payload bytes (`ping -s`). */
  size: number;
  dontFragment: boolean;
  ok: boolean;
  rttMs?: number;
  /** ping's own words when it failed (e.g. "message too long"). */
  detail: string;
}

export async function ping(node: NodeHandle, to: string, options: { size?: number; dontFragment?: boolean; timeoutS?: number } = {}): Promise<PingResult> {
  const size = options.size ?? 56;
  // -i 0.02: after a local error (a DF probe over the link MTU: "message too long") ping waits an
  // interval, or -W when that is shorter, before it gives up; at the default 1 s interval every
  // too-big probe of the pmtu check cost 0.5 s. A probe that was sent still waits -W for its
  // reply. Intervals under 0.2 s need root, which every host of a run has.
  const argv = ['ping', '-n', '-c', '1', '-i', '0.02', '-W', String(options.timeoutS ?? 1), '-s', String(size), ...(options.dontFragment ? ['-M', 'do'] : []), to];
  const r = await node.exec(argv, { allowFailure: true });
  const rtt = /time=([\d.]+) ms/.exec(r.stdout);
  const lines = (r.stderr + '\n' + r.stdout).split('\n').map((l) => l.trim()).filter(Boolean);
  const detail = r.exitCode === 0 ? 'reply' : (lines.find((l) => /local error|too long|unreachable|frag needed/i.test(l)) ?? lines.find((l) => /packets transmitted/.test(l)) ?? `exit ${r.exitCode}`);
  return { from: node.id, to, size, dontFragment: options.dontFragment ?? false, ok: r.exitCode === 0, rttMs: rtt ? Number(rtt[1]) : undefined, detail };
}

/**
 * One echo to each of `targets` from one host, with a single fping: it sends to all of them at
 * once and waits only for the silent ones. A pod-to-pod matrix is n*(n-1) pings, and at ~6 ms a
 * ping process a 200-pod testbed took 4 minutes one by one; with one fping a source it takes
 * seconds. Sizes, DF and ping's error words are ping()'s business (the pmtu checks).
 */
export async function pingMany(node: NodeHandle, targets: readonly string[], options: { timeoutS?: number } = {}): Promise<PingResult[]> {
  if (targets.length === 0) return [];
  const argv = fpingArgv(targets, options.timeoutS);
  const r = await node.exec(argv, { allowFailure: true });
  return fpingResults(node.id, targets, argv, r.exitCode, r.stderr);
}

// -i 0.2: 0.2 ms between targets (fping's default is 10 ms): 200 targets go out in 40 ms,
// spread enough that their replies never crowd fping's socket buffer.
const fpingArgv = (targets: readonly string[], timeoutS = 1): string[] => ['fping', '-c', '1', '-q', '-i', '0.2', '-t', String(Math.round(timeoutS * 1000)), ...targets];

/** One fping's exit code and summary lines, as a result per target (in the targets' order). */
function fpingResults(from: string, targets: readonly string[], argv: readonly string[], exitCode: number, stderr: string): PingResult[] {
  // 0: every target answered; 1: some did not. Anything else is fping failing, not the network.
  if (exitCode !== 0 && exitCode !== 1) {
    throw new CommandError(`fping on ${from} exited ${exitCode}: ${stderr.trim().split('\n').slice(-3).join('; ')}`, { node: from, argv, exitCode, stderrTail: stderr });
  }
  const summaries = parseFpingSummary(stderr);
  return targets.map((to) => {
    const s = summaries.get(to);
    if (!s) throw new CommandError(`fping on ${from} printed no summary for ${to}`, { node: from, argv, stderrTail: stderr });
    const result: PingResult = { from, to, size: 56, dontFragment: false, ok: s.received > 0, detail: s.received > 0 ? 'reply' : `no reply (fping: ${s.line})` };
    if (s.avgMs !== undefined) result.rttMs = s.avgMs;
    return result;
  });
}

/**
 * Above this many sources, on a provider whose hosts this machine enters itself (netns), the
 * fpings go out BATCH_SOURCES to a shell instead of one process each: Node forks every child,
 * and a fork costs more the more memory the harness holds (~75 ms at 300 MB during a 200 x 4
 * check, against ~9 ms at 46 MB), so 800 sources cost a minute of the main thread in forks alone.
 * A small shell forks its fpings for a fraction of that. Small testbeds keep one fping a source.
 */
const BATCH_ABOVE = 64;
const BATCH_SOURCES = 10;

/** `fping` from each source in turn inside one `sh`, each one's output framed by @@ lines. */
async function pingBatch(jobs: readonly { from: string; targets: string[] }[], argvIn: (host: string, argv: readonly string[]) => readonly string[]): Promise<PingResult[]> {
  const argvs = jobs.map((j) => argvIn(j.from, fpingArgv(j.targets)));
  const script = argvs.map((a, i) => `printf '@@%d\n' ${i}; ${commandLine(a)} 2>&1 </dev/null; printf '@@rc %d\n' $?`).join('\n');
  const r = await runProcess(['sh', '-c', script], { timeoutMs: 30_000 + jobs.length * 5000 });
  const out = new Map<number, { lines: string[]; rc?: number }>();
  let current: { lines: string[]; rc?: number } | undefined;
  for (const line of r.stdout.split('\n')) {
    const start = /^@@(\d+)$/.exec(line);
    const rc = /^@@rc (\d+)$/.exec(line);
    if (start) out.set(Number(start[1]), (current = { lines: [] }));
    else if (rc && current) current.rc = Number(rc[1]);
    else current?.lines.push(line);
  }
  return jobs.flatMap((j, i) => {
    const o = out.get(i);
    if (o?.rc === undefined) throw new CommandError(`fping on ${j.from} (batched in sh) did not finish: sh exited ${r.exitCode}`, { node: j.from, argv: argvs[i]!, stderrTail: r.stderr });
    return fpingResults(j.from, j.targets, argvs[i]!, o.rc, o.lines.join('\n'));
  });
}

export interface FpingSummary {
  sent: number;
  received: number;
  avgMs?: number;
  line: string;
}

/** fping -c -q's per-target lines: `10.0.0.2 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.05/0.05/0.05`. */
export function parseFpingSummary(stderr: string): Map<string, FpingSummary> {
  const out = new Map<string, FpingSummary>();
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    const m = /^(\S+)\s+: xmt\/rcv\/%loss = (\d+)\/(\d+)\/\d+%(?:, min\/avg\/max = [\d.]+\/([\d.]+)\/[\d.]+)?$/.exec(line);
    if (!m) continue;
    const s: FpingSummary = { sent: Number(m[2]), received: Number(m[3]), line };
    if (m[4] !== undefined) s.avgMs = Number(m[4]);
    out.set(m[1]!, s);
  }
  return out;
}

/** Pings for many (from, to) pairs: one fping per source host, results in the pairs' order. */
export async function pingPairs(
  pairs: readonly { from: string; to: string }[],
  nodeOf: (host: string) => NodeHandle,
  /** Runs a task, e.g. through a queue that bounds the processes at once. */
  run: (task: () => Promise<void>) => Promise<unknown>,
  /** On a provider whose hosts this machine enters itself: the argv that runs argv in a host (batches many sources). */
  argvIn?: (host: string, argv: readonly string[]) => readonly string[],
): Promise<PingResult[]> {
  const bySource = new Map<string, string[]>();
  // push, not a copy per pair: 200 x 4 samples 161 600 pairs, ~200 a source.
  for (const p of pairs) {
    const targets = bySource.get(p.from);
    if (targets) targets.push(p.to);
    else bySource.set(p.from, [p.to]);
  }
  const results = new Map<string, PingResult>();
  if (argvIn && bySource.size > BATCH_ABOVE) {
    const jobs = [...bySource].map(([from, targets]) => ({ from, targets: [...new Set(targets)] }));
    const chunks = Array.from({ length: Math.ceil(jobs.length / BATCH_SOURCES) }, (_, i) => jobs.slice(i * BATCH_SOURCES, (i + 1) * BATCH_SOURCES));
    await Promise.all(chunks.map((chunk) => run(async () => {
      for (const r of await pingBatch(chunk, argvIn)) results.set(`${r.from} ${r.to}`, r);
    })));
    return pairs.map((p) => results.get(`${p.from} ${p.to}`)!);
  }
  await Promise.all(
    [...bySource].map(([from, targets]) =>
      run(async () => {
        for (const r of await pingMany(nodeOf(from), [...new Set(targets)])) results.set(`${from} ${r.to}`, r);
      }),
    ),
  );
  return pairs.map((p) => results.get(`${p.from} ${p.to}`)!);
}
