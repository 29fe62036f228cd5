// The kind cluster config of a scenario (kind.x-k8s.io/v1alpha4 Cluster), a pure function: one
// node per scenario node (masters as control planes, workers in order; see names.ts for how the
// names map), kind's default CNI (kindnet) off so that kube-flannel is the cluster's CNI as on
// the field report's cluster, and the scenario's flannel network as the pod subnet, from which
// kube-controller-manager gives every node its podCIDR. The node image is kind's own default
// unless a user names one (--kind-image): a registry, or `docker load`, must have it. The CNI
// bridge plugin flannel delegates to is mounted in from this machine (kind's image lacks it).
import { stringify } from 'yaml';
import type { Topology } from '../../spec/topology.js';
import { kindRole, orderedNodes } from './names.js';

export interface KindClusterConfig {
  kind: 'Cluster';
  apiVersion: 'kind.x-k8s.io/v1alpha4';
  name: string;
  networking: { disableDefaultCNI: true; podSubnet: string; serviceSubnet?: string };
  nodes: { role: 'control-plane' | 'worker'; image?: string; labels?: Record<string, string>; extraMounts?: { hostPath: string; containerPath: string; readOnly: boolean }[] }[];
}

export interface KindConfigOptions {
  /** The node image; kind's own default when absent. */
  image?: string;
  /** This machine's CNI bridge plugin, mounted into every node (kind-cli.ts findBridgePlugin says why). */
  bridgePlugin?: string;
}

/** The label each kind node carries with its scenario node's name (pods are pinned by it too). */
export const SCENARIO_NODE_LABEL = 'overlab.scenario-node';

export function kindClusterConfig(topology: Pick<Topology, 'nodes' | 'flannel'>, cluster: string, options: KindConfigOptions = {}): KindClusterConfig {
  const mounts = options.bridgePlugin ? { extraMounts: [{ hostPath: options.bridgePlugin, containerPath: '/opt/cni/bin/bridge', readOnly: true }] } : {};
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cluster,
    networking: { disableDefaultCNI: true, podSubnet: topology.flannel.network },
    nodes: orderedNodes(topology.nodes).map((n) => ({ role: kindRole(n), ...(options.image ? { image: options.image } : {}), labels: { [SCENARIO_NODE_LABEL]: n.name }, ...mounts })),
  };
}

/** The config as the file kind reads (`--config <run dir>/kind.yaml`). */
export const kindConfigYaml = (config: KindClusterConfig): string => stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
