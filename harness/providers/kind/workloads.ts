// The scenario's pods as real pods: one Deployment (one replica) per scenario pod, pinned to the
// kind node its scenario node maps to (nodeSelector kubernetes.io/hostname), tolerating the
// control plane's NoSchedule taint (the field report's master runs nginx). Each runs the
// testbed's own pod servers (plan.ts podServerArgv: TCP :80 answers `<node>/<pod>`, UDP is an
// echo) as two containers, so a probe sees on kind what it sees on netns and docker. The image is
// a flag (--pod-image); the default is the docker provider's node image (it has socat), which
// kind loads into its nodes (`kind load docker-image`), so no registry is needed for pods.
import type { Topology } from '../../spec/topology.js';
import { podServerArgv } from '../../plan/plan.js';
import type { KubeObject } from './flannel-patch.js';
import { deploymentName, kindNodeNames, POD_NAMESPACE } from './names.js';

export interface PodImage {
  image: string;
  /** Loaded into the nodes by kind: never pulled. */
  loaded: boolean;
}

export function podNamespace(): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: POD_NAMESPACE } };
}

export function podDeployments(topology: Pick<Topology, 'nodes' | 'bigip'>, runId: string, image: PodImage): KubeObject[] {
  const names = kindNodeNames(runId, topology.nodes);
  const vs = topology.bigip?.virtualServers[0] ?? { tcpPort: 80, udpPort: 7 };
  return topology.nodes.flatMap((n) =>
    n.pods.map((p): KubeObject => {
      const name = deploymentName(n.name, p.name);
      const labels = { app: name, 'overlab.node': n.name, 'overlab.pod': p.name };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: POD_NAMESPACE, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels },
            spec: {
              nodeSelector: { 'kubernetes.io/hostname': names.get(n.name)! },
              tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
              containers: podServerArgv(n.name, p.name, vs).map((argv, i) => ({
                name: i === 0 ? 'tcp' : 'udp',
                image: image.image,
                imagePullPolicy: image.loaded ? 'Never' : 'IfNotPresent',
                command: argv,
              })),
            },
          },
        },
      };
    }),
  );
}

/** Where a scenario pod really runs on kind: its node and the address the CNI's IPAM gave it. */
export interface PlacedPod {
  node: string;
  pod: string;
  /** The plan's address: on kind only a guess (host-local IPAM picks in the node's podCIDR). */
  planned?: string;
  name: string;
  nodeName: string | null;
  podIP: string | null;
}

/** The fields of a V1Pod this reads. */
export interface PodLike {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: unknown };
  spec?: { nodeName?: string };
  status?: { podIP?: string; phase?: string };
}

/**
 * Pure: the scenario's pods as the API lists them, and what is wrong: a pod with no running
 * replica, more than one, or one on another node than the kind node it is pinned to.
 */
export function placedPods(topology: Pick<Topology, 'nodes'>, runId: string, pods: readonly PodLike[]): { placed: PlacedPod[]; problems: string[] } {
  const names = kindNodeNames(runId, topology.nodes);
  const placed: PlacedPod[] = [];
  const problems: string[] = [];
  for (const n of topology.nodes) {
    for (const p of n.pods) {
      const mine = pods.filter((k) => k.metadata?.labels?.['overlab.node'] === n.name && k.metadata?.labels?.['overlab.pod'] === p.name && !k.metadata?.deletionTimestamp && k.status?.phase === 'Running');
      if (mine.length !== 1) {
        problems.push(`${n.name}/${p.name}: ${mine.length} running pods of Deployment ${deploymentName(n.name, p.name)} (want 1)`);
        continue;
      }
      const k = mine[0]!;
      const rec: PlacedPod = { node: n.name, pod: p.name, planned: p.ip, name: k.metadata?.name ?? '?', nodeName: k.spec?.nodeName ?? null, podIP: k.status?.podIP ?? null };
      placed.push(rec);
      if (rec.nodeName !== names.get(n.name)) problems.push(`${n.name}/${p.name}: pod ${rec.name} runs on ${rec.nodeName ?? 'no node'}, not on ${names.get(n.name)} it is pinned to`);
    }
  }
  return { placed, problems };
}
