// The operator's and CIS's changes on the BIG-IP units at runtime, through the pair's own
// methods: bigip-tunnel-key changes the tunnel's key on both units, bigip-forget-node is CIS
// catching up with a node that left. A device without the method cannot run the step.
import { HarnessError } from '../../core/errors.js';
import type { BigipPair } from '../../devices/bigip/types.js';
import { round, type StepContext } from './context.js';

/** bigip-tunnel-key: `modify net tunnels tunnel <t> key <key>` on both units. */
export async function bigipTunnelKey(c: StepContext, key: number): Promise<void> {
  c.metrics.bigipTunnelKeyMs = await changeUnits(c, 'bigip-tunnel-key', `bigip-tunnel-key-${key}`, { tunnel: c.plan.topology.bigip?.tunnel.name, key }, (p) => p.setTunnelKey?.(key));
}

/** bigip-forget-node: CIS removes a node that left (its FDB records, static ARP, pool members) from both units. */
export async function bigipForgetNode(c: StepContext, node: string): Promise<void> {
  c.metrics.bigipForgetNodeMs = await changeUnits(c, 'bigip-forget-node', `bigip-forget-node-${node}`, { node }, (p) => p.forgetNode?.(node));
}

/** Runs one change on the pair, timed, and keeps what it did as evidence; returns its duration. */
async function changeUnits(c: StepContext, step: string, evidence: string, record: Record<string, unknown>, change: (pair: BigipPair) => Promise<void> | undefined): Promise<number> {
  if (!c.units) throw new HarnessError(`${step}: the scenario has no BIG-IP units`);
  const t0 = performance.now();
  const done = change(c.units);
  if (!done) throw new HarnessError(`${step}: the BIG-IP device ${c.units.device} cannot make this change at runtime`);
  await done;
  const durationMs = round(performance.now() - t0);
  c.store.write('bigip-change', evidence, { ...record, durationMs });
  return durationMs;
}
