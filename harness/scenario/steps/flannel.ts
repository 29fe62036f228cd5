// restart-flanneld: the flannel agent's own restart fault on one node (flanneld only), with what
// the VTEP's MAC was and became, as evidence and metrics.
import { HarnessError } from '../../core/errors.js';
import { round, type StepContext } from './context.js';

export async function restartFlannel(c: StepContext, node: string, recreateVtep: boolean): Promise<void> {
  if (!c.agent.restart) throw new HarnessError(`restart-flanneld: the ${c.agent.kind} flannel agent has no daemon to restart`);
  const r = await c.agent.restart({ topology: c.plan.topology, node, recreateVtep, transport: c.ctx.provider, ledger: c.ctx.ledger, runDir: c.ctx.runDir, runId: c.ctx.runId, signal: c.ctx.signal });
  c.store.write('flannel-restart', `flannel-restart-${node}`, r);
  c.metrics.flannelRestartMs = round(r.durationMs);
}
