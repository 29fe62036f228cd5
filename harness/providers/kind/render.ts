// `overlab plan --provider kind`: what a kind run makes, with no cluster and no root. First the
// provider's own part (planLines): the kind config, how scenario nodes map to kind's, the patched
// ConfigMap kube-flannel-cfg, the units' dummy Nodes and the pods' Deployments; then each plan
// step as kind would carry it out (renderKindAction): the node hosts are `kind create cluster`,
// pods are Deployments, and what kind does not run is shown behind `:`.
import { stringify } from 'yaml';
import type { HostAction } from '../../plan/types.js';
import type { Topology } from '../../spec/topology.js';
import type { KindOptions } from '../types.js';
import { kindClusterConfig, kindConfigYaml } from './cluster-config.js';
import { dummyNodes } from './dummy-nodes.js';
import { isFlannelConfigMap, parseManifest, patchFlannelManifest, scenarioNetConf } from './flannel-patch.js';
import { createClusterArgv, deleteClusterArgv, KIND_NODE_IMAGE, kubeconfigFile } from './kind-cli.js';
import { describeSource, manifestSource, readLocalManifest } from './manifest.js';
import { clusterName, deploymentName, kindNodeNames, POD_NAMESPACE, splitPodHost } from './names.js';
import { kindNetworkName } from './network.js';
import { podDeployments } from './workloads.js';

const RUN = 'RUN';
const indent = (text: string): string[] => text.trimEnd().split('\n').map((l) => `    ${l}`);

/** `bridgePlugin`: this machine's CNI bridge plugin (BRIDGE-PLUGIN when it has none: doctor says how to get one). */
export function kindPlanLines(topology: Topology, options: KindOptions = {}, bridgePlugin?: string): string[] {
  const cluster = clusterName(RUN);
  const out: string[] = [];
  out.push(`kind cluster ${cluster} (kind.x-k8s.io/v1alpha4), written to RUNDIR/kind.yaml:`);
  out.push(...indent(kindConfigYaml(kindClusterConfig(topology, cluster, { image: options.nodeImage ?? KIND_NODE_IMAGE, bridgePlugin: bridgePlugin ?? 'BRIDGE-PLUGIN' }))));
  out.push(`node names (kind numbers them per role, in this order): ${[...kindNodeNames(RUN, topology.nodes)].map(([s, k]) => `${s} -> ${k}`).join(', ')}`);
  out.push(`    ${createClusterArgv('kind', cluster, 'RUNDIR/kind.yaml', kubeconfigFile(RUN)).join(' ')}`);
  out.push('');
  const source = manifestSource(options.flannelManifest);
  out.push(`kube-flannel manifest: ${describeSource(source)}`);
  const text = readLocalManifest(source);
  if (text !== undefined) {
    const cm = patchFlannelManifest(parseManifest(text), topology, { flannel: options.flannelImage, cniPlugin: options.cniPluginImage }).find(isFlannelConfigMap)!;
    out.push('ConfigMap kube-flannel-cfg, as applied (net-conf.json patched from the scenario):');
    out.push(...indent(stringify(cm, { lineWidth: 0, aliasDuplicateObjects: false })));
  } else {
    out.push('net-conf.json of ConfigMap kube-flannel-cfg, patched from the scenario (the release\'s other keys kept):');
    out.push(...indent(JSON.stringify(scenarioNetConf(topology), null, 2)));
  }
  out.push('');
  const nodes = dummyNodes(topology.bigip, RUN);
  out.push(nodes.length ? 'dummy Nodes (F5\'s, one a unit registered as a flannel node):' : 'dummy Nodes: none (no unit is registered as a flannel node)');
  for (const n of nodes) out.push(...indent(`---\n${stringify(n, { lineWidth: 0, aliasDuplicateObjects: false })}`));
  out.push('');
  const pods = podDeployments(topology, RUN, { image: options.podImage ?? 'overlab/node:HASH', loaded: !options.podImage });
  out.push(`pods (Deployments in namespace ${POD_NAMESPACE}, one replica, pinned to their node):`);
  for (const d of pods) {
    const spec = (d.spec as { template: { spec: { nodeSelector: Record<string, string>; containers: { image: string; command: string[] }[] } } }).template.spec;
    out.push(`    ${d.metadata!.name} on ${spec.nodeSelector['kubernetes.io/hostname']}: ${spec.containers.map((c) => c.command.join(' ')).join('; ')} (image ${spec.containers[0]!.image})`);
  }
  out.push('');
  out.push(`after the rollouts, on every node (the field report's step; flannel does not do it):`);
  for (const container of kindNodeNames(RUN, topology.nodes).values()) out.push(`    docker exec ${container} ip link set dev ${topology.flannel.device} master cni0`);
  out.push(`underlay: kind's Docker network ${kindNetworkName()}; when the run starts, the nodes' and units' underlay addresses above move onto its IPv4 subnet (nodes lowest free, units highest; overlab doctor --provider kind shows the subnet)`);
  if (topology.bigip) out.push(`units and client: the docker provider's containers, the units on ${kindNetworkName()}, the external VLAN the run's own network (their steps below)`);
  out.push(`teardown: the units' and the client's containers and networks, then ${deleteClusterArgv('kind', cluster, kubeconfigFile(RUN)).join(' ')}`);
  out.push('');
  return out;
}

/**
 * Each plan step as kind would carry it out; `:` marks what it does not run: a node's, a pod's
 * and the switch's state is kube-flannel's, the CNI's and kind's network's on kind; a unit's,
 * the client's and etcd's hosts are not made on kind yet. `kinds` is learnt from create-hosts.
 */
export function renderKindAction(action: HostAction, nodeNames: ReadonlyMap<string, string>, kinds: Map<string, string>): string[][] {
  const notRun = (host: string, argv: readonly string[]): string[] => {
    const kind = kinds.get(host) ?? '';
    if (kind === 'switch') return [':', 'kind\'s', 'Docker', 'network', 'is', 'the', 'underlay,', 'not', 'run:', ...argv];
    if (kind === 'node' || kind === 'pod') return [':', 'on', 'kind', 'kube-flannel', 'and', 'the', 'CNI', 'do', 'this', 'instead:', ...argv];
    return [':', 'not', 'run,', host, 'is', 'not', 'made', 'on', 'kind', 'yet:', ...argv];
  };
  switch (action.type) {
    case 'create-hosts':
      for (const h of action.hosts) kinds.set(h.id, h.kind);
      return action.hosts.flatMap((h): string[][] => {
        if (h.kind === 'node') return [[':', `${h.id}:`, 'kind', 'node', nodeNames.get(h.id) ?? '?', 'made', 'by', 'kind', 'create', 'cluster']];
        if (h.kind === 'pod') return [[':', `${h.id}:`, 'a', 'pod', 'of', 'Deployment', h.id.replace('.', '-'), 'in', 'namespace', POD_NAMESPACE]];
        if (h.kind === 'switch') return [[':', `${h.id}:`, 'the', 'Docker', 'network', 'of', 'kind']];
        return [[':', `${h.id}:`, 'a', h.kind, 'host,', 'not', 'made', 'on', 'kind', 'yet']];
      });
    case 'wire':
      return [[':', 'not', 'run', 'on', 'kind:', `${action.links.length}`, 'links,', 'the', 'network', 'of', 'kind', 'and', 'the', 'CNI', 'are', 'the', 'links']];
    case 'ip':
    case 'bridge':
      return action.lines.map((l) => notRun(action.host, [action.type, ...l]));
    case 'sysctl': {
      const argv = ['sysctl', '-w', ...Object.entries(action.settings).map(([k, v]) => `${k}=${v}`)];
      // A node's are set once its container runs, before kube-flannel is applied (cluster.ts).
      if (kinds.get(action.host) === 'node') return [[':', 'before', 'kube-flannel', 'is', 'applied:', 'docker', 'exec', nodeNames.get(action.host) ?? '?', ...argv]];
      return [notRun(action.host, argv)];
    }
    case 'nft':
      return [notRun(action.host, ['nft', '-f', '-'])];
    case 'spawn':
      if (kinds.get(action.host) === 'pod') return [[':', 'Deployment', deploymentName(...splitPodHost(action.host)), 'runs', 'this', 'in', 'its', 'pod:', ...action.argv]];
      return [notRun(action.host, action.argv)];
    // What asks the cluster runs: in a node's container, or this machine's tool in a pod's namespace.
    case 'wait-command':
      return [askIn(action.host, action.argv) ?? notRun(action.host, action.argv)];
    case 'exec':
      return action.commands.map((c) => askIn(action.host, c) ?? notRun(action.host, c));
    case 'wait-ping': {
      const argv = ['ping', '-c', '1', '-W', '1', '-n', '-q', action.to];
      return [askIn(action.from, argv) ?? notRun(action.from, argv)];
    }
  }

  function askIn(host: string, argv: readonly string[]): string[] | undefined {
    if (kinds.get(host) === 'node') return ['docker', 'exec', nodeNames.get(host) ?? '?', ...argv];
    // The pod's namespace file is found when its pod runs (pod-netns.ts), its address the CNI's.
    if (kinds.get(host) === 'pod') return ['nsenter', `--net=/proc/NODE-PID/root/run/netns/cni-POD-${host}`, '--', ...argv];
    return undefined;
  }
}
