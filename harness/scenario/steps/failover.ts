// failover and converge: the device's own failover of the unit that says it is active, then a wait
// until a probe sent after it is answered through the VIP.
import { waitFor } from '../../core/wait.js';
import { HarnessError } from '../../core/errors.js';
import { failoverActiveUnit } from '../../actions/failover.js';
import { round, type StepContext } from './context.js';

export async function failover(c: StepContext): Promise<void> {
  const b = c.plan.topology.bigip;
  if (!b || !c.units) throw new HarnessError('failover needs a bigip section');
  c.state.failover = await failoverActiveUnit(c.units, b.units.map((u) => u.name));
  c.metrics.failoverCommandMs = round(c.state.failover.durationMs);
}

export async function converge(c: StepContext, timeoutMs: number): Promise<void> {
  const { state } = c;
  const at = state.failover?.startedAt ?? 0;
  const t0 = performance.now();
  await waitFor('a UDP reply through the VIP to a probe sent after the failover', async () => ({ ok: (state.replies ?? []).some((r) => r.sentAt > at), seen: `${state.replies?.length ?? 0} replies in all` }), {
    timeoutMs,
    intervalMs: 5,
    signal: c.ctx.signal,
  }).catch((e: unknown) => {
    if (c.ctx.signal.aborted) throw e; // no recovery is a finding for the assertions; Ctrl-C is not
  });
  c.metrics.convergeWaitMs = round(performance.now() - t0);
}
