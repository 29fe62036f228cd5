// `overlab failover <run> [--to unit]` on a kept run: the device's own failover of the unit that
// says it is active, the new state read back from the units, and, when the run's traffic runs
// (live-traffic.ts), the outage measured from the probe's replies. Each failover is appended to
// <run>/drive/failovers.jsonl, where `overlab check` finds which unit should be active now.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../core/errors.js';
import { delay, waitFor } from '../core/wait.js';
import type { FailoverStatus, FailoverTiming } from '../devices/bigip/types.js';
import { outageFromReplies, type ReplyGap } from '../probes/replies.js';
import type { AttachedRun } from './attach.js';
import { readReplies, repliesSize, runningProbe } from './live-traffic.js';

export interface LiveFailover {
  /** Undefined when --to named the unit that already was active. */
  timing?: FailoverTiming;
  /** Each unit's failover status, read from the units after the failover. */
  after: { unit: string; status: FailoverStatus }[];
  /** When traffic ran: the outage from the probe's replies. */
  outage?: ReplyGap & { intervalMs: number };
  message: string;
}

const failoversFile = (runDir: string) => join(runDir, 'drive', 'failovers.jsonl');

/** The failovers made by hand on the run so far, oldest first. */
export function handFailovers(runDir: string): (FailoverTiming & { outage?: ReplyGap })[] {
  if (!existsSync(failoversFile(runDir))) return [];
  return readFileSync(failoversFile(runDir), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FailoverTiming & { outage?: ReplyGap });
}

async function statuses(run: AttachedRun): Promise<{ unit: string; status: FailoverStatus }[]> {
  const names = run.plan.topology.bigip!.units.map((u) => u.name);
  return Promise.all(names.map(async (unit) => ({ unit, status: await run.units!.failoverStatus(unit) })));
}

export async function liveFailover(run: AttachedRun, to?: string): Promise<LiveFailover> {
  const b = run.plan.topology.bigip;
  if (!b || !run.units) throw new HarnessError(`run ${run.ctx.runId} (${run.spec.name}) has no BIG-IP units to fail over`);
  const names = b.units.map((u) => u.name);
  if (to !== undefined && !names.includes(to)) throw new HarnessError(`--to ${to}: run ${run.ctx.runId} has no unit "${to}"; its units are ${names.join(', ')}`);
  const before = await statuses(run);
  const active = before.filter((s) => s.status === 'ACTIVE');
  if (active.length !== 1) throw new HarnessError(`failover needs exactly one ACTIVE unit; the units say: ${before.map((s) => `${s.unit} ${s.status}`).join(', ')}`);
  const from = active[0]!.unit;
  if (to === from) return { after: before, message: `${to} is already ACTIVE: nothing to do` };
  const probe = runningProbe(run.ctx.runDir);
  // Replies from ~1.5 s before the failover on (about 150 lines at 10 ms): the last one before the gap is among them.
  const since = probe ? Math.max(0, repliesSize(probe) - 8192) : 0;
  const timing = await run.units.failover(from);
  let outage: LiveFailover['outage'];
  if (probe) {
    // Converged when a probe sent after the failover came back; then a little longer, so that the
    // gap's end is not the last line written.
    await waitFor('a UDP reply through the VIP to a probe sent after the failover', async () => ({ ok: readReplies(probe, since).some((r) => r.sentAt > timing.startedAt), seen: `${readReplies(probe, since).length} replies since just before the failover` }), { timeoutMs: 3000, intervalMs: 10 }).catch(() => undefined);
    await delay(200);
    outage = { ...outageFromReplies(readReplies(probe, since), timing.startedAt, probe.intervalMs), intervalMs: probe.intervalMs };
  }
  const after = await statuses(run);
  mkdirSync(join(run.ctx.runDir, 'drive'), { recursive: true });
  appendFileSync(failoversFile(run.ctx.runDir), JSON.stringify({ ...timing, ...(outage ? { outage } : {}) }) + '\n');
  const nowActive = after.filter((s) => s.status === 'ACTIVE').map((s) => s.unit);
  const ok = nowActive.length === 1 && nowActive[0] === timing.to;
  return { timing, after, outage, message: ok ? `${timing.from} -> ${timing.to}: ${timing.to} is ACTIVE` : `${timing.from} -> ${timing.to}, but the units say: ${after.map((s) => `${s.unit} ${s.status}`).join(', ')}` };
}
