// Finding a run's kind clusters for `overlab clean`: from its ledger (`kind-cluster` entries) and
// from kind's own mark on every node container (label io.x-k8s.kind.cluster=<cluster>), kept to
// clusters named ol-<run id>; nobody else's cluster is touched. A cluster goes by `kind delete
// cluster`, or, where kind is not installed, by removing its labelled containers.
import type Docker from 'dockerode';
import { dockerClient } from '../docker/engine.js';
import { containerNameOf, removeContainer } from '../docker/teardown.js';
import { findKind } from './kind-cli.js';
import { KIND_CLUSTER_LABEL, runOfCluster } from './names.js';
import { deleteClusters } from './provider.js';

/** Our clusters that have containers in the engine, by run id: cluster name → container names. */
export async function clustersByLabel(docker: Docker = dockerClient()): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const c of await docker.listContainers({ all: true, filters: JSON.stringify({ label: [KIND_CLUSTER_LABEL] }) })) {
    const cluster = c.Labels?.[KIND_CLUSTER_LABEL];
    if (!cluster || runOfCluster(cluster) === undefined) continue;
    out.set(cluster, [...(out.get(cluster) ?? []), containerNameOf(c)]);
  }
  return out;
}

/** Deletes clusters: `kind delete cluster` each, or their containers when kind is absent. Returns errors. */
export async function removeClusters(clusters: ReadonlyMap<string, readonly string[]>, docker: Docker = dockerClient()): Promise<string[]> {
  if (findKind()) return (await deleteClusters([...clusters.keys()])).map((e) => e.message);
  const errors: string[] = [];
  for (const [cluster, containers] of clusters) {
    for (const c of containers) await removeContainer(docker, c).catch((e: Error) => errors.push(`kind cluster ${cluster}: container ${c}: ${e.message}`));
  }
  return errors;
}
