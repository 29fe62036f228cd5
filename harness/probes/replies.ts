// The VIP probe's reply lines (`R <seq> <sentAt> <rttMs>`, vip-probe.ts), as a kept run's traffic
// leaves them in <run>/traffic/replies.log for other processes (overlab failover, traffic stop):
// parsed, and the outage around a failover measured from them alone. The probe sends a UDP
// datagram every interval with consecutive sequence numbers, so a missing run of numbers between
// two replies is the probes lost between them. Pure (unit-tested).

export interface Reply {
  seq: number;
  /** Wall clock, ms since the epoch. */
  sentAt: number;
  rttMs: number;
}

export interface ReplyGap {
  /** sentAt of the last reply before the gap and of the first one after it (ms since the epoch). */
  lastGoodBefore?: number;
  firstGoodAfter?: number;
  /** firstGoodAfter - lastGoodBefore when probes were lost between them, else 0. */
  outageMs?: number;
  /** Probes sent in the gap and never answered. */
  lostInGap: number;
  recovered: boolean;
}

/** Every well-formed reply line, by sequence number; other lines (a torn last line) are skipped. */
export function parseReplies(text: string): Reply[] {
  const out: Reply[] = [];
  for (const line of text.split('\n')) {
    const m = /^R (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (m) out.push({ seq: Number(m[1]), sentAt: Number(m[2]), rttMs: Number(m[3]) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * The outage a failover at `failoverAt` caused: the first gap in the sequence numbers that ends
 * after (one interval before) the failover moment, from the last reply before it to the first
 * after it. No gap: outage 0 if a probe sent after the failover was answered; not recovered if none was.
 */
export function outageFromReplies(replies: readonly Reply[], failoverAt: number, intervalMs: number): ReplyGap {
  const sorted = [...replies].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.seq - a.seq > 1 && b.sentAt >= failoverAt - intervalMs) return { lastGoodBefore: a.sentAt, firstGoodAfter: b.sentAt, outageMs: b.sentAt - a.sentAt, lostInGap: b.seq - a.seq - 1, recovered: true };
  }
  const before = [...sorted].reverse().find((r) => r.sentAt < failoverAt);
  const after = sorted.find((r) => r.sentAt >= failoverAt);
  // Nothing answered after the failover: the gap runs from the last reply to now, open.
  if (!after) return { lastGoodBefore: before?.sentAt, lostInGap: 0, recovered: false };
  return { lastGoodBefore: before?.sentAt, firstGoodAfter: after.sentAt, outageMs: 0, lostInGap: 0, recovered: true };
}

/** The longest run of unanswered probes between two replies (or none). */
export function longestGap(replies: readonly Reply[]): { ms: number; lost: number; from?: number; to?: number } {
  const sorted = [...replies].sort((a, b) => a.seq - b.seq);
  let best: { ms: number; lost: number; from?: number; to?: number } = { ms: 0, lost: 0 };
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.seq - a.seq > 1 && b.sentAt - a.sentAt > best.ms) best = { ms: b.sentAt - a.sentAt, lost: b.seq - a.seq - 1, from: a.sentAt, to: b.sentAt };
  }
  return best;
}
