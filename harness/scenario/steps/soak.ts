// Soak: the testbed kept up with traffic running, failed over every `everyMs` (alternating units,
// each time the device's own failover of the unit that says it is active) for `durationMs` or
// `count` failovers. Each failover's outage is measured from the VIP probe's replies (the gap
// between the last answered probe before it and the first after it); the end gives min, median,
// p95, p99 and max, and the drift of every gauge between the first and the last failover, each
// against a threshold that fails the soak.
import { HarnessError } from '../../core/errors.js';
import { delay, waitFor } from '../../core/wait.js';
import { failoverActiveUnit } from '../../actions/failover.js';
import { result } from '../../assert/types.js';
import { readGauges, type Gauges } from '../../soak/gauges.js';
import { DRIFT_LIMITS, percentiles } from '../../soak/stats.js';
import { round, type StepContext } from './context.js';

export interface SoakOptions {
  durationMs?: number;
  count?: number;
  everyMs: number;
  onProgress?: (line: string, final: boolean) => void;
}

/** The outage failover `at` caused, from the replies: 0 when no probe went unanswered. */
function outageOf(replies: readonly { sentAt: number }[], at: number, intervalMs: number): number | undefined {
  const after = replies.find((r) => r.sentAt > at);
  if (!after) return undefined;
  const before = [...replies].reverse().find((r) => r.sentAt < after.sentAt);
  if (!before) return undefined;
  const gap = after.sentAt - before.sentAt;
  return gap <= intervalMs * 1.5 ? 0 : gap;
}

/** The failover check's own bound: an outage beyond it fails the soak too. */
const OUTAGE_LIMIT_MS = 1000;

export async function soak(c: StepContext, o: SoakOptions): Promise<void> {
  const b = c.plan.topology.bigip;
  if (!b || !c.units) throw new HarnessError('soak needs a bigip section (units to fail over)');
  if (!c.state.replies) throw new HarnessError('soak needs traffic running (traffic-start)');
  const units = b.units.map((u) => u.name);
  const interval = c.spec.traffic?.intervalMs ?? 10;
  const started = performance.now();
  const outages: number[] = [];
  let unrecovered = 0;
  let first: Gauges | undefined;
  let last: Gauges | undefined;
  for (let i = 0; ; i++) {
    const done = o.count !== undefined ? i >= o.count : i > 0 && performance.now() - started >= (o.durationMs ?? 0);
    if (done) break;
    const slot = started + i * o.everyMs;
    await delay(Math.max(0, slot - performance.now()), c.ctx.signal);
    const timing = await failoverActiveUnit(c.units, units);
    c.state.failover = timing;
    const recovered = await waitFor('a reply through the VIP after the failover', async () => ({ ok: c.state.replies!.some((r) => r.sentAt > timing.startedAt), seen: '' }), { timeoutMs: Math.min(10_000, Math.max(1000, o.everyMs - 100)), intervalMs: 5, signal: c.ctx.signal }).then(
      () => true,
      (e: unknown) => {
        if (c.ctx.signal.aborted) throw e;
        return false;
      },
    );
    const outage = recovered ? outageOf(c.state.replies!, timing.startedAt, interval) : undefined;
    if (outage === undefined) unrecovered++;
    else outages.push(outage);
    // Only the replies around the latest failover matter: a 2-hour soak keeps memory flat.
    const keepFrom = c.state.replies!.findIndex((r) => r.sentAt >= timing.startedAt - 2000);
    c.state.replies!.splice(0, keepFrom < 0 ? c.state.replies!.length : keepFrom);
    last = await readGauges(c.units, units, c.ctx.provider, c.ctx.provider.localKernel ?? false);
    first ??= last;
    o.onProgress?.(`soak: failover ${i + 1}${o.count ? `/${o.count}` : ''} ${timing.from}->${timing.to}: outage ${outage === undefined ? 'never recovered' : `${round(outage)} ms`}, ${Math.round((performance.now() - started) / 1000)} s`, false);
  }
  const p = percentiles(outages);
  const summary = { failovers: outages.length + unrecovered, unrecovered, outagesMs: outages.map(round), percentiles: p, first, last, everyMs: o.everyMs };
  const ev = c.store.write('soak', 'soak', summary).path;
  c.metrics.soakFailovers = summary.failovers;
  c.metrics.soakUnrecovered = unrecovered;
  if (p) Object.assign(c.metrics, { soakOutageMinMs: round(p.min), soakOutageMedianMs: round(p.median), soakOutageP95Ms: round(p.p95), soakOutageP99Ms: round(p.p99), soakOutageMaxMs: round(p.max) });
  const add = (r: ReturnType<typeof result>) => {
    c.assertions.push(r);
    c.onAssertion?.(r);
  };
  const pct = p ? `min ${round(p.min)} / median ${round(p.median)} / p95 ${round(p.p95)} / p99 ${round(p.p99)} / max ${round(p.max)} ms` : 'none measured';
  add(result('soak-outage', `every failover of the soak recovered within ${OUTAGE_LIMIT_MS} ms`, unrecovered === 0 && (p?.max ?? 0) <= OUTAGE_LIMIT_MS, `${summary.failovers} failovers recovered, each outage <= ${OUTAGE_LIMIT_MS} ms`, `${summary.failovers} failovers, ${unrecovered} never recovered; outage ${pct}`, [ev]));
  for (const [gauge, limit] of Object.entries(DRIFT_LIMITS)) {
    const a = first?.[gauge];
    const z = last?.[gauge];
    if (a === undefined || z === undefined) continue;
    const rates = { udpPerSecond: 1000 / interval, tcpPerSecond: 1000 / (c.spec.traffic?.tcpIntervalMs ?? 100) };
    const allowed = Math.floor(limit.allowed(a, rates));
    add(result(`soak-drift[${gauge}]`, `${limit.what} do not drift between the first and the last failover`, z <= allowed, `at most ${allowed} (first ${a})`, `first ${a}, last ${z}`, [ev]));
  }
  o.onProgress?.(`soak: ${summary.failovers} failovers in ${Math.round((performance.now() - started) / 1000)} s; outage ${pct}`, true);
}
