// The failover outage from the per-probe record: the last answered probe before the longest gap that
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
  // The outage is the longest run of lost probes that starts after (one interval before) the
  // failover moment: an early loss or two while the old unit still answers (a slow host takes a
  // while to release) is not the outage, and an answered probe right after it is no recovery.
  // The gap runs from the last answered probe before that run to the first answered one after
  // it, and lostInGap counts every probe in between: the same span outageMs measures.
  let start = firstLostIndex;
  let runStart = -1;
  let longest = 0;
  for (let i = firstLostIndex; i <= udp.length; i++) {
    const lostHere = i < udp.length && udp[i]!.rttMs === null;
    if (lostHere && runStart < 0) runStart = i;
    if (!lostHere && runStart >= 0) {
      if (i - runStart > longest) [longest, start] = [i - runStart, runStart];
      runStart = -1;
    }
  }
  let beforeIndex = -1;
  for (let i = start - 1; i >= 0; i--) if (udp[i]!.rttMs !== null) { beforeIndex = i; break; }
  let afterIndex = -1;
  for (let i = start; i < udp.length; i++) if (udp[i]!.rttMs !== null) { afterIndex = i; break; }
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
