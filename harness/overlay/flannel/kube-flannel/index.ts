// kube-flannel: flannel as a Kubernetes cluster runs it (the kube-flannel DaemonSet from its
// release manifest, kube subnet manager), the agent of the kind provider. The plan has nothing to
// do for it: the kind provider applies the manifest and the units' dummy Nodes (providers/kind/
// cluster.ts). Its registry is the cluster's Node objects, read back through the API with the
// run's kubeconfig, each turned into a lease as flannel itself does (lease.ts).
import { readFileSync } from 'node:fs';
import { HarnessError } from '../../../core/errors.js';
import type { FlannelAgent, FlannelLease } from '../types.js';
import { leaseOfNode } from './lease.js';

async function listNodes(ctx: { runId?: string }): Promise<FlannelLease[]> {
  if (!ctx.runId) throw new HarnessError('kube-flannel: listing the cluster\'s nodes needs the run id (its kubeconfig is the run\'s)');
  // The kind provider's cluster is this agent's registry: its API, with the run's kubeconfig.
  const { kubeconfigFile } = await import('../../../providers/kind/kind-cli.js');
  const { kubeClient } = await import('../../../providers/kind/kube.js');
  let kubeconfig: string;
  try {
    kubeconfig = readFileSync(kubeconfigFile(ctx.runId), 'utf8');
  } catch (e) {
    throw new HarnessError(`kube-flannel: no kubeconfig for run ${ctx.runId} at ${kubeconfigFile(ctx.runId)}: ${(e as Error).message}`, {}, { cause: e });
  }
  const nodes = await kubeClient(kubeconfig).core.listNode();
  return nodes.items.flatMap((n) => leaseOfNode(n) ?? []).sort((a, b) => a.subnet.localeCompare(b.subnet));
}

export const kubeFlannelAgent: FlannelAgent = { kind: 'kube-flannel', nodeMounts: () => [], hosts: () => [], planSteps: () => [], listNodes, missing: () => [] };
