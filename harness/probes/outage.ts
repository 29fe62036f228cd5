// The failover outage from the per-probe record: the last answered probe before the gap that
// follows the failover moment, and the first answered one after it.
import type { ProbeRecord } from './vip-probe.js';

export interface Outage {
  probesSent: number;
  probesLost: number;
  /** sentAt of the last answered probe before the gap (ms, wall clock). */
  lastGoodBefore?: number;
  firstGoodAfter?: number;
  /** firstGoodAfter - lastGoodBefore when probes were lost, else 0. */
  outageMs?: number;
  /** Probes lost in that gap. */
  lostInGap: number;
  recovered: boolean;
}

export function computeOutage(records: readonly ProbeRecord[], failoverAt: number, intervalMs: number): Outage {
  const udp = records.filter((r) => r.proto === 'udp').sort((a, b) => a.sentAt - b.sentAt);
  const lost = udp.filter((r) => r.rttMs === null);
  // The first lost probe sent after (one interval before) the failover moment opens the gap.
  const firstLostIndex = udp.findIndex((r) => r.rttMs === null && r.sentAt >= failoverAt - intervalMs);
  const base = { probesSent: udp.length, probesLost: lost.length };
  if (firstLostIndex < 0) {
    const after = udp.find((r) => r.sentAt >= failoverAt && r.rttMs !== null);
    const before = [...udp].reverse().find((r) => r.sentAt < failoverAt && r.rttMs !== null);
    return { ...base, lastGoodBefore: before?.sentAt, firstGoodAfter: after?.sentAt, outageMs: after ? 0 : undefined, lostInGap: 0, recovered: after !== undefined };
  }
  // The gap runs from the last answered probe before it to the first answered one after it, and
  // lostInGap counts every probe in between: the same span outageMs measures, even when the
  // losses began a little before the failover moment.
  let beforeIndex = -1;
  for (let i = firstLostIndex - 1; i >= 0; i--) if (udp[i]!.rttMs !== null) { beforeIndex = i; break; }
  let afterIndex = -1;
  for (let i = firstLostIndex; i < udp.length; i++) if (udp[i]!.rttMs !== null) { afterIndex = i; break; }
  const before = beforeIndex >= 0 ? udp[beforeIndex] : undefined;
  const after = afterIndex >= 0 ? udp[afterIndex] : undefined;
  const lostInGap = (afterIndex >= 0 ? afterIndex : udp.length) - beforeIndex - 1;
  return {
    ...base,
    lastGoodBefore: before?.sentAt,
    firstGoodAfter: after?.sentAt,
    outageMs: before && after ? after.sentAt - before.sentAt : undefined,
    lostInGap,
    recovered: after !== undefined,
  };
}
