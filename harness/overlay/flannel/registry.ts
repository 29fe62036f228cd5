// The overlay agent registry: adding an agent (upstream flanneld with etcd) is one folder and one
// line here.
import { SpecError } from '../../core/errors.js';
import type { FlannelAgent } from './types.js';
import { emulatedAgent } from './emulated/index.js';
import { flanneldAgent } from './flanneld/index.js';

const AGENTS: Record<string, FlannelAgent> = {
  emulated: emulatedAgent,
  flanneld: flanneldAgent,
};

export const flannelAgentKinds = (): string[] => Object.keys(AGENTS);

export function flannelAgent(kind = 'emulated'): FlannelAgent {
  const agent = AGENTS[kind];
  if (!agent) throw new SpecError([{ file: '--agent', field: 'flannel.agent', message: `unknown flannel agent "${kind}"; available: ${flannelAgentKinds().join(', ')}` }]);
  return agent;
}

/**
 * The agent a run uses: the scenario's flannel.agent, else upstream flanneld on netns where it is
 * installed (flanneld, etcd, iptables: scripts/setup.sh does it), else emulated.
 */
export function resolveAgent(declared: string | undefined, provider: string): string {
  if (declared) return declared;
  // docker runs flanneld when a scenario asks for it; its default stays emulated until the one
  // docker-only flake seen with it (floating-selfip: fdb-learning[bigip2], 2 runs in 10) is understood.
  return provider === 'netns' && AGENTS.flanneld!.missing().length === 0 ? 'flanneld' : 'emulated';
}
