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
