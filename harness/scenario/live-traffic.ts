// The VIP probe of a kept run, owned by no harness process: `overlab traffic <run> start` starts
// vip-probe.js detached in the client with its reply lines appended to <run>/traffic/replies.log
// and its pid in <run>/traffic/probe.json, so `overlab failover` (another process) measures the
// outage from the replies and `overlab traffic <run> stop` ends it and reads its record.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/errors.js';
import { isAlive, procStat } from '../core/registry.js';
import { delay, waitFor } from '../core/wait.js';
import { CLIENT_HOST } from '../plan/plan.js';
import { parseReplies, longestGap, type Reply } from '../probes/replies.js';
import type { ProbeRecord } from '../probes/vip-probe.js';
import type { AttachedRun } from './attach.js';

const PROBE_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'probes', 'vip-probe.js');

export interface LiveProbe {
  pid: number;
  startTicks?: string;
  host: string;
  startedAt: number;
  intervalMs: number;
  /** The reply lines, as they come. */
  repliesFile: string;
  /** Every probe, written by the probe when it is stopped. */
  recordFile: string;
}

export interface TrafficSummary {
  udpSent: number;
  udpReceived: number;
  tcpSent: number;
  tcpAnswered: number;
  longestGapMs: number;
  longestGapLost: number;
  durationMs: number;
  recordFile: string;
}

const trafficDir = (runDir: string) => join(runDir, 'traffic');
const probeFile = (runDir: string) => join(trafficDir(runDir), 'probe.json');

/** The run's probe if it is running (its pid alive and the same process), else undefined. */
export function runningProbe(runDir: string): LiveProbe | undefined {
  if (!existsSync(probeFile(runDir))) return undefined;
  const probe = JSON.parse(readFileSync(probeFile(runDir), 'utf8')) as LiveProbe;
  return isAlive(probe.pid, probe.startTicks) ? probe : undefined;
}

/**
 * The replies so far, or those written from byte `from` on (a failover reads only its own part
 * of a log that grows ~3 KB/s for as long as traffic runs). A line cut at `from` is skipped.
 */
export function readReplies(probe: LiveProbe, from = 0): Reply[] {
  if (!existsSync(probe.repliesFile)) return [];
  if (from <= 0) return parseReplies(readFileSync(probe.repliesFile, 'utf8'));
  const fd = openSync(probe.repliesFile, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - from));
    readSync(fd, buf, 0, buf.length, from);
    return parseReplies(buf.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** Where the replies log ends now (a failover reads from a little before it). */
export const repliesSize = (probe: LiveProbe): number => (existsSync(probe.repliesFile) ? statSync(probe.repliesFile).size : 0);

export async function startTraffic(run: AttachedRun): Promise<{ probe: LiveProbe; firstReplyMs?: number }> {
  const { ctx, plan, spec } = run;
  const vs = plan.topology.bigip?.virtualServers[0];
  if (!vs) throw new HarnessError(`run ${ctx.runId} (${spec.name}) has no virtual server to send traffic to: traffic needs a bigip section with one`);
  if (ctx.provider.files) throw new HarnessError(`traffic on a kept ${ctx.provider.kind} run is not supported yet: the probe's replies must be read while it runs, from a file this machine shares with the client (netns); use \`overlab scenario ${spec.name} --provider ${ctx.provider.kind}\` with traffic-start/traffic-stop steps`);
  const running = runningProbe(ctx.runDir);
  if (running) throw new HarnessError(`traffic already runs in run ${ctx.runId} (pid ${running.pid}); stop it first: overlab traffic ${ctx.runId} stop`);
  const t = spec.traffic ?? { intervalMs: 10 };
  const stamp = Date.now();
  mkdirSync(trafficDir(ctx.runDir), { recursive: true });
  const repliesFile = join(trafficDir(ctx.runDir), `replies-${stamp}.log`);
  const recordFile = join(trafficDir(ctx.runDir), `probes-${stamp}.json`);
  const argv = [process.execPath, PROBE_SCRIPT, vs.destination, String(vs.udpPort), String(t.intervalMs), String(vs.tcpPort), String(t.tcpIntervalMs ?? 100), recordFile];
  const p = ctx.provider.spawn(CLIENT_HOST, argv, { detached: true, logFile: repliesFile });
  const probe: LiveProbe = { pid: p.pid, startTicks: procStat(p.pid)?.startTicks, host: CLIENT_HOST, startedAt: stamp, intervalMs: t.intervalMs, repliesFile, recordFile };
  writeFileSync(probeFile(ctx.runDir), JSON.stringify(probe, null, 2) + '\n');
  const t0 = performance.now();
  const first = await waitFor(`a first UDP reply through ${vs.destination}:${vs.udpPort}`, async () => ({ ok: readReplies(probe).length > 0, seen: `${readReplies(probe).length} replies` }), { timeoutMs: 3000, intervalMs: 10 }).then(
    () => performance.now() - t0,
    () => undefined, // no reply is a finding to print, not a harness error
  );
  return { probe, firstReplyMs: first };
}

export async function stopTraffic(run: AttachedRun): Promise<TrafficSummary> {
  const probe = runningProbe(run.ctx.runDir);
  if (!probe) throw new HarnessError(`no traffic runs in run ${run.ctx.runId}; start it with: overlab traffic ${run.ctx.runId} start`);
  process.kill(probe.pid, 'SIGTERM');
  // The probe waits 100 ms for late replies, writes its record and exits.
  for (let i = 0; i < 300 && isAlive(probe.pid, probe.startTicks); i++) await delay(10);
  if (isAlive(probe.pid, probe.startTicks)) {
    process.kill(probe.pid, 'SIGKILL');
    throw new HarnessError(`the probe (pid ${probe.pid}) did not end within 3 s of SIGTERM and was killed; its record ${probe.recordFile} is missing`);
  }
  rmSync(probeFile(run.ctx.runDir), { force: true });
  const records = existsSync(probe.recordFile) ? (JSON.parse(readFileSync(probe.recordFile, 'utf8')) as ProbeRecord[]) : [];
  const udp = records.filter((r) => r.proto === 'udp');
  const tcp = records.filter((r) => r.proto === 'tcp');
  const gap = longestGap(readReplies(probe));
  const summary: TrafficSummary = {
    udpSent: udp.length,
    udpReceived: udp.filter((r) => r.rttMs !== null).length,
    tcpSent: tcp.length,
    tcpAnswered: tcp.filter((r) => r.rttMs !== null).length,
    longestGapMs: Math.round(gap.ms * 10) / 10,
    longestGapLost: gap.lost,
    durationMs: Date.now() - probe.startedAt,
    recordFile: probe.recordFile,
  };
  writeFileSync(join(trafficDir(run.ctx.runDir), `summary-${probe.startedAt}.json`), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}
