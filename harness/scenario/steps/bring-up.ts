// boot and configure: the plan's steps of each phase, then the underlay captures.
import { executePlan, type StepTiming } from '../../plan/execute.js';
import { startCaptures, type CaptureTarget } from '../../probes/capture.js';
import { UNDERLAY_IF } from '../../plan/plan.js';
import { round, type StepContext } from './context.js';

/** Each plan step's start and duration (ms from the phase's start), to see where a boot went. */
const stepEvidence = (c: StepContext, phase: string, timings: StepTiming[]) =>
  c.store.write('steps', `steps-${phase}`, timings.map((t) => ({ id: t.id, startMs: round(t.startMs), durationMs: round(t.durationMs), ...(t.doneBy ? { doneBy: t.doneBy } : {}) })).sort((a, b) => a.startMs - b.startMs));

export async function boot(c: StepContext): Promise<void> {
  const timings = await executePlan(c.plan, c.ctx.provider, { signal: c.ctx.signal, phases: ['boot'], runDir: c.ctx.runDir, runId: c.ctx.runId, ledger: c.ctx.ledger });
  c.metrics.bootMs = round(performance.now() - c.started);
  stepEvidence(c, 'boot', timings);
}

export async function configure(c: StepContext): Promise<void> {
  const { ctx, plan, state } = c;
  const timings = await executePlan(plan, ctx.provider, { signal: ctx.signal, phases: ['configure', 'ready'], runDir: ctx.runDir, runId: ctx.runId, ledger: ctx.ledger });
  stepEvidence(c, 'configure', timings);
  const ready = timings.find((t) => t.id === 'ready');
  if (ready) c.metrics.readyProbeMs = round(ready.durationMs);
  c.metrics.testbedReadyMs = round(performance.now() - c.started);
  if (c.spec.capture?.enabled !== false) {
    const t0 = performance.now();
    state.captures = await startCaptures(ctx.provider, ctx.runDir, captureTargets(c), c.spec.capture?.maxPackets ?? 200000, ctx.signal);
    c.metrics.captureStartMs = round(performance.now() - t0);
  }
}

/** Every node's underlay interface and each unit's (as its device names it), and what the scenario adds. */
export function captureTargets(c: Pick<StepContext, 'plan' | 'spec' | 'device'>): CaptureTarget[] {
  return [
    ...c.plan.topology.nodes.map((n) => ({ host: n.name, ifname: UNDERLAY_IF })),
    // A real unit (reached over SSH, not a host of the testbed) is seen in the nodes' captures only.
    ...(c.device ? (c.plan.topology.bigip?.units ?? []).filter((u) => !u.ssh).map((u) => ({ host: u.name, ifname: c.device!.captureInterface(u.name) })) : []),
    ...(c.spec.capture?.extra ?? []).map((e) => ({ host: e.host, ifname: e.interface })),
  ];
}
