// restart-flanneld: the flannel agent's own restart fault on one node (flanneld only), with what
// the VTEP's MAC was and became, as evidence and metrics.
import { HarnessError } from '../../core/errors.js';
import { waitFor } from '../../core/wait.js';
import { reattachVtep, vtepMac } from '../../overlay/flannel/vtep.js';
import { round, type StepContext } from './context.js';

export async function restartFlannel(c: StepContext, node: string, recreateVtep: boolean): Promise<void> {
  if (!c.agent.restart) throw new HarnessError(`restart-flanneld: the ${c.agent.kind} flannel agent has no daemon to restart`);
  const r = await c.agent.restart({ topology: c.plan.topology, node, recreateVtep, transport: c.ctx.provider, ledger: c.ctx.ledger, runDir: c.ctx.runDir, runId: c.ctx.runId, signal: c.ctx.signal });
  c.store.write('flannel-restart', `flannel-restart-${node}`, r);
  c.metrics.flannelRestartMs = round(r.durationMs);
}

/** node-leave: a node leaves the cluster (its lease deleted, the machine gone). */
export async function nodeLeave(c: StepContext, node: string): Promise<void> {
  if (!c.agent.nodeLeave) throw new HarnessError(`node-leave: the ${c.agent.kind} flannel agent has no registry to remove a node from`);
  const r = await c.agent.nodeLeave({ topology: c.plan.topology, node, transport: c.ctx.provider, ledger: c.ctx.ledger, runDir: c.ctx.runDir, runId: c.ctx.runId, signal: c.ctx.signal });
  c.store.write('node-leave', `node-leave-${node}`, r);
}

/** flannel-vni: the network config's VNI changed and flanneld restarted on every node. */
export async function changeVni(c: StepContext, vni: number): Promise<void> {
  if (!c.agent.changeVni) throw new HarnessError(`flannel-vni: the ${c.agent.kind} flannel agent has no config to change`);
  const t0 = performance.now();
  const results = await c.agent.changeVni({ topology: c.plan.topology, transport: c.ctx.provider, ledger: c.ctx.ledger, runDir: c.ctx.runDir, runId: c.ctx.runId, signal: c.ctx.signal }, vni);
  c.store.write('flannel-vni', `flannel-vni-${vni}`, { vni, restarts: results });
  c.metrics.flannelVniChangeMs = round(performance.now() - t0);
}

/**
 * delete-vtep: flannel.<VNI> deleted under the running agent. flanneld (v0.28.9) notices and makes
 * a new one; the emulated agent does not. Waits up to 5 s for it to come back, then puts it into
 * cni0 again (the field report's step). Evidence: the MAC before and after, and whether it came back.
 */
export async function deleteVtep(c: StepContext, node: string): Promise<void> {
  const f = c.plan.topology.flannel;
  const host = c.ctx.provider.node(node);
  const t0 = performance.now();
  const before = await vtepMac(host, f.device);
  await host.exec(['ip', 'link', 'del', 'dev', f.device]);
  let after: string | undefined;
  await waitFor(`${f.device} on ${node} made again by the ${c.agent.kind} agent`, async () => ({ ok: (after = await vtepMac(host, f.device)) !== undefined, seen: 'no device' }), { timeoutMs: 5000, intervalMs: 20, signal: c.ctx.signal }).catch((e: unknown) => {
    if (c.ctx.signal.aborted) throw e; // not coming back is a finding; Ctrl-C is not
  });
  if (after !== undefined) await reattachVtep(host, c.plan.topology);
  c.store.write('vtep-deleted', `vtep-deleted-${node}`, { node, vtepMacBefore: before, vtepMacAfter: after, recreated: after !== undefined, durationMs: round(performance.now() - t0) });
}
