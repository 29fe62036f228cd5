// The steps a scenario file lists (boot, configure, traffic-start, warmup, snapshot, failover,
// converge, the faults and the operator's changes, traffic-stop, assert; teardown is the
// runner's), each a function of its own file, found by kind in one table.
import type { StepSpec } from '../../spec/schema.js';
import { delay } from '../../core/wait.js';
import { observe } from '../observe.js';
import { boot, configure } from './bring-up.js';
import { trafficStart, trafficStop } from './traffic.js';
import { converge, failover } from './failover.js';
import { assertAll } from './assert.js';
import { changeVni, deleteVtep, nodeLeave, restartFlannel } from './flannel.js';
import { bigipForgetNode, bigipTunnelKey } from './bigip.js';
import { listFlannelNodes, type StepContext } from './context.js';

export type { StepContext, StepState } from './context.js';
export { stopCapturesOf } from './captures.js';
export { captureTargets } from './bring-up.js';

type Named = Extract<StepSpec, string>;

const NAMED: Record<Exclude<Named, 'teardown'>, (c: StepContext) => Promise<void>> = {
  boot,
  configure,
  'traffic-start': trafficStart,
  failover,
  'traffic-stop': trafficStop,
  assert: async (c) => {
    for (const r of await assertAll(c)) {
      c.assertions.push(r);
      c.onAssertion?.(r);
    }
  },
};

export function stepName(step: StepSpec): string {
  if (typeof step === 'string') return step;
  if ('warmup' in step) return `warmup ${step.warmup} ms`;
  if ('snapshot' in step) return `snapshot ${step.snapshot}`;
  if ('restart-flanneld' in step) return `restart-flanneld ${step['restart-flanneld'].node}`;
  if ('delete-vtep' in step) return `delete-vtep ${step['delete-vtep'].node}`;
  if ('flannel-vni' in step) return `flannel-vni ${step['flannel-vni'].vni}`;
  if ('node-leave' in step) return `node-leave ${step['node-leave'].node}`;
  if ('bigip-tunnel-key' in step) return `bigip-tunnel-key ${step['bigip-tunnel-key'].key}`;
  if ('bigip-forget-node' in step) return `bigip-forget-node ${step['bigip-forget-node'].node}`;
  if ('exec' in step) return `exec ${step.exec.host}: ${step.exec.argv.join(' ')}`;
  return 'converge';
}

export async function runStep(step: StepSpec, c: StepContext): Promise<void> {
  if (typeof step === 'string') {
    if (step !== 'teardown') await NAMED[step](c);
  } else if ('warmup' in step) await delay(step.warmup, c.ctx.signal);
  else if ('snapshot' in step) c.state.observations.push(await observe(step.snapshot, c.plan, c.ctx.provider, c.store, () => listFlannelNodes(c), c.units));
  else if ('delete-vtep' in step) await deleteVtep(c, step['delete-vtep'].node);
  else if ('flannel-vni' in step) await changeVni(c, step['flannel-vni'].vni);
  else if ('node-leave' in step) await nodeLeave(c, step['node-leave'].node);
  else if ('bigip-tunnel-key' in step) await bigipTunnelKey(c, step['bigip-tunnel-key'].key);
  else if ('bigip-forget-node' in step) await bigipForgetNode(c, step['bigip-forget-node'].node);
  else if ('exec' in step) await c.ctx.provider.node(step.exec.host).exec(step.exec.argv);
  else if ('restart-flanneld' in step) await restartFlannel(c, step['restart-flanneld'].node, step['restart-flanneld'].recreateVtep ?? false);
  else await converge(c, step.converge.timeoutMs);
}
