// Names on the kind provider. kind names a cluster's node containers (and the Kubernetes Node
// objects, which are the same names) after the cluster: `<cluster>-control-plane`,
// `<cluster>-control-plane2`, ..., `<cluster>-worker`, `<cluster>-worker2`, ... in the order of
// the config's `nodes` list. The cluster is `ol-<run>`, so a run's names carry its id as every
// other provider's do, and `overlab clean` finds clusters by that prefix and by the label kind
// puts on every node container (io.x-k8s.kind.cluster=<cluster>).
import type { NodeTopology } from '../../spec/topology.js';

/** The label kind puts on every container of a cluster, with the cluster's name as value. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

export const clusterName = (runId: string): string => `ol-${runId}`;

/** The run id of a cluster of ours (`ol-<run>`), or undefined for anyone else's cluster. */
export function runOfCluster(cluster: string): string | undefined {
  return /^ol-([0-9a-f]{6})$/.exec(cluster)?.[1];
}

/** kind's role of a scenario node: masters are control planes, the rest workers. */
export const kindRole = (n: Pick<NodeTopology, 'role'>): 'control-plane' | 'worker' => (n.role === 'master' ? 'control-plane' : 'worker');

/**
 * Scenario node name → kind node name, as kind numbers them: per role, in the order of the
 * config's nodes, the first without a number and the n-th with n (`worker`, `worker2`, ...).
 * The config lists control planes first (kind requires one), then workers, each in scenario order.
 */
export function kindNodeNames(runId: string, nodes: readonly Pick<NodeTopology, 'name' | 'role'>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const role of ['control-plane', 'worker'] as const) {
    let i = 0;
    for (const n of orderedNodes(nodes).filter((x) => kindRole(x) === role)) {
      i++;
      out.set(n.name, `${clusterName(runId)}-${role}${i === 1 ? '' : String(i)}`);
    }
  }
  return out;
}

/** The scenario's nodes in the order the kind config lists them: control planes, then workers. */
export function orderedNodes<T extends Pick<NodeTopology, 'role'>>(nodes: readonly T[]): T[] {
  return [...nodes.filter((n) => kindRole(n) === 'control-plane'), ...nodes.filter((n) => kindRole(n) === 'worker')];
}

/** The Deployment of a scenario pod: `<node>-<pod>`, a DNS label. */
export const deploymentName = (node: string, pod: string): string => `${node}-${pod}`.slice(0, 63);

/** The namespace the run's pods live in (the cluster is the run's own: one fixed name). */
export const POD_NAMESPACE = 'overlab';

/** A pod host's id, `<node>.<pod>` (plan.ts podHostId), as its node and pod. */
export const splitPodHost = (host: string): [string, string] => [host.slice(0, host.indexOf('.')), host.slice(host.indexOf('.') + 1)];
