// The overlay agent registry: adding an agent (upstream flanneld with etcd) is one folder and one
// line here.
import { SpecError } from '../../core/errors.js';
import type { FlannelAgent } from './types.js';
import { emulatedAgent } from './emulated/index.js';
import { flanneldAgent } from './flanneld/index.js';
import { kubeFlannelAgent } from './kube-flannel/index.js';

const AGENTS: Record<string, FlannelAgent> = {
  emulated: emulatedAgent,
  flanneld: flanneldAgent,
  'kube-flannel': kubeFlannelAgent,
};

export const flannelAgentKinds = (): string[] => Object.keys(AGENTS);

export function flannelAgent(kind = 'emulated'): FlannelAgent {
  const agent = AGENTS[kind];
  if (!agent) throw new SpecError([{ file: '--agent', field: 'flannel.agent', message: `unknown flannel agent "${kind}"; available: ${flannelAgentKinds().join(', ')}` }]);
  return agent;
}

/**
 * The agent a run uses: the scenario's flannel.agent, else kube-flannel on kind (a cluster's
 * nodes run flannel's DaemonSet), else upstream flanneld on netns and docker where it is installed
 * (flanneld, etcd, iptables: scripts/setup.sh does it), else emulated.
 */
export function resolveAgent(declared: string | undefined, provider: string): string {
  if (declared) return declared;
  if (provider === 'kind') return 'kube-flannel';
  return (provider === 'netns' || provider === 'docker') && AGENTS.flanneld!.missing().length === 0 ? 'flanneld' : 'emulated';
}
