// A run's kind cluster, in the order a user brings one up: the cluster from its config (kindnet
// off), then the images the nodes cannot pull here loaded into them, kube-flannel from its
// release manifest with net-conf.json patched from the scenario (the CNI bridge plugin flannel
// delegates to mounted into the nodes, which lack it), the units' dummy Nodes, the
// pods' Deployments, every rollout waited on, each node's podCIDR checked against the
// scenario's, and last the field report's own step: `ip link set flannel.<VNI> master cni0` on
// every node (cni0 exists once the node's first pod is up), by `docker exec` into the kind node
// container through the docker provider's exec. Every object is in the ledger before it is made;
// `delete` is `kind delete cluster`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import type { ResourceLedger } from '../../core/ledger.js';
import type { Topology } from '../../spec/topology.js';
import { dockerClient } from '../docker/engine.js';
import { execIn } from '../docker/exec.js';
import { ensureImages } from '../docker/images.js';
import type { KindOptions } from '../types.js';
import { kindClusterConfig, kindConfigYaml } from './cluster-config.js';
import { dummyNodes } from './dummy-nodes.js';
import { FLANNEL_DAEMONSET, parseManifest, patchFlannelManifest, podContainers, renderManifest, type KubeObject } from './flannel-patch.js';
import type { Kube } from './kube.js';
import { createCluster, deleteCluster, findBridgePlugin, findKind, KIND_NODE_IMAGE, kubeconfigDir, kubeconfigFile, kubeconfigOf, loadImage } from './kind-cli.js';
import { loadManifest, manifestSource } from './manifest.js';
import { clusterName, deploymentName, kindNodeNames, POD_NAMESPACE } from './names.js';
import { kindNetworkName } from './network.js';
import { nodeFacts, podFacts, type NodeAttachment, type NodeFacts } from './node-facts.js';
import { leaseOfNode } from '../../overlay/flannel/kube-flannel/lease.js';
import { placedPods, podDeployments, podNamespace, type PlacedPod, type PodImage } from './workloads.js';
import { nodeSysctls } from '../../plan/plan.js';

/** The provider's own ledger entries. */
export const KIND_LEDGER_KINDS = ['kind-cluster'] as const;
export interface KindClusterEntry {
  kind: 'kind-cluster';
  name: string;
}

const ROLLOUT_MS = 5 * 60_000;

export class KindCluster {
  readonly name: string;
  private kube?: Kube;
  /** Planned → the cluster's node addresses, MACs and VtepMACs, once the cluster is up. */
  facts: NodeFacts = new Map();
  /** The scenario's pods as the API placed them, once they run. */
  placed: PlacedPod[] = [];

  constructor(
    private readonly runId: string,
    private readonly runDir: string,
    private readonly ledger: ResourceLedger,
    private readonly topology: Topology,
    private readonly options: KindOptions = {},
    private readonly progress: (line: string) => void = () => undefined,
    private readonly docker: Docker = dockerClient(),
  ) {
    this.name = clusterName(runId);
  }

  /** The whole bring-up; returns each stage's time (ms) for the report. */
  async boot(signal?: AbortSignal): Promise<Record<string, number>> {
    const kind = findKind();
    if (!kind) throw new HarnessError('kind is not installed: bash scripts/build-kind.sh, or OVERLAB_KIND=/path/to/kind');
    const bridgePlugin = findBridgePlugin();
    if (!bridgePlugin) throw new HarnessError('no CNI bridge plugin to mount into the kind nodes (flannel delegates to it; kind\'s node image lacks it): bash scripts/build-kind.sh, or apt-get install containernetworking-plugins, or OVERLAB_CNI_BRIDGE=/path/to/bridge');
    const kindDir = join(this.runDir, 'kind');
    mkdirSync(kindDir, { recursive: true });
    // Each stage's time, printed as it ends and kept in RUNDIR/kind/timing.json (a failed run keeps the stages it finished).
    const times: Record<string, number> = {};
    const time = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const v = await body();
      times[name] = Math.round(performance.now() - t0);
      this.progress(`${name}: ${(times[name] / 1000).toFixed(1)} s`);
      writeFileSync(join(kindDir, 'timing.json'), JSON.stringify(times, null, 2) + '\n');
      return v;
    };
    // What is applied, decided before anything is created: a manifest that cannot be read or
    // patched fails the run with no cluster made.
    const manifest = patchFlannelManifest(parseManifest(await loadManifest(manifestSource(this.options.flannelManifest))), this.topology, { flannel: this.options.flannelImage, cniPlugin: this.options.cniPluginImage });
    // The cluster is this run's first entry of its own (a ledger-only clean finds this provider
    // by it, though the pods' image build below writes the docker provider's entries); deleting
    // a cluster that was never made is no failure of `kind delete cluster`.
    this.ledger.record({ kind: 'kind-cluster', name: this.name }, { kind: 'scratch-dir', path: kubeconfigDir(this.runId) });
    mkdirSync(kubeconfigDir(this.runId), { recursive: true, mode: 0o700 });
    const podImage = await this.podImage();
    const configFile = join(this.runDir, 'kind.yaml');
    writeFileSync(configFile, kindConfigYaml(kindClusterConfig(this.topology, this.name, { image: this.options.nodeImage ?? process.env.OVERLAB_KIND_IMAGE ?? KIND_NODE_IMAGE, bridgePlugin })));
    writeFileSync(join(kindDir, 'kube-flannel.yml'), renderManifest(manifest));
    await time('kind create cluster', () => createCluster(kind, this.name, configFile, kubeconfigFile(this.runId), (l) => this.progress(`kind: ${l}`)));
    signal?.throwIfAborted();
    const attached = await this.recordNodeAddresses(kindDir);
    // The kubeconfig holds the cluster's client key: read from kind, kept in memory and in the
    // run's scratch file under /run/overlab, never in the run directory.
    // Loaded here, not with the module: @kubernetes/client-node takes ~1 s (5 s on a loaded machine)
    // to import, and every overlab command loads the provider registry.
    const { applyAll, kubeClient, waitRollout } = await import('./kube.js');
    this.kube = kubeClient(await kubeconfigOf(kind, this.name));
    // The plan's node settings (forwarding; no link-local addresses on devices made later, the
    // VTEP among them) before kube-flannel makes anything: on netns and docker its own step.
    await time('node sysctls', () => this.nodeSysctls());
    await time('images loaded into the nodes', () => this.loadImages(kind, manifest, podImage));
    await time('kube-flannel applied', () => applyAll(this.kube!, manifest));
    await time('dummy Nodes applied', () => applyAll(this.kube!, dummyNodes(this.topology.bigip, this.runId)));
    await time('kube-flannel rolled out', () => waitRollout(this.kube!, 'DaemonSet', flannelNamespace(manifest), FLANNEL_DAEMONSET, ROLLOUT_MS, signal));
    await this.checkPodCidrs();
    await this.learnNodeFacts(attached);
    const deployments = podDeployments(this.topology, this.runId, podImage);
    await time('pods applied', () => applyAll(this.kube!, [podNamespace(), ...deployments]));
    await time('pods rolled out', () => Promise.all(this.topology.nodes.flatMap((n) => n.pods.map((p) => waitRollout(this.kube!, 'Deployment', POD_NAMESPACE, deploymentName(n.name, p.name), ROLLOUT_MS, signal)))));
    await this.checkPlacement(kindDir);
    await time(`${this.topology.flannel.device} into cni0`, () => this.bridgeVteps());
    return times;
  }

  /** `kind delete cluster`: its node containers and its kubeconfig entry. */
  async delete(): Promise<void> {
    const kind = findKind();
    if (!kind) throw new HarnessError(`cannot delete kind cluster ${this.name}: kind is not installed (bash scripts/build-kind.sh), or remove its containers: docker ps -a --filter label=io.x-k8s.kind.cluster=${this.name}`);
    await deleteCluster(kind, this.name, kubeconfigFile(this.runId));
  }

  /** kind's container of a scenario node. */
  containerOf(node: string): string | undefined {
    return kindNodeNames(this.runId, this.topology.nodes).get(node);
  }

  private async podImage(): Promise<PodImage> {
    if (this.options.podImage) return { image: this.options.podImage, loaded: false };
    return { image: (await ensureImages(this.docker, { ledger: this.ledger })).tags.node, loaded: true };
  }

  /** The pods' image, and each flannel image the engine has (the nodes would pull the others). */
  private async loadImages(kind: string, manifest: readonly KubeObject[], pod: PodImage): Promise<void> {
    const images = new Set<string>(pod.loaded ? [pod.image] : []);
    for (const o of manifest) for (const c of podContainers(o)) if (typeof c.image === 'string' && (await this.docker.getImage(c.image).inspect().then(() => true, () => false))) images.add(c.image);
    for (const image of images) await loadImage(kind, this.name, image);
  }

  /**
   * Where Docker put each node on kind's network, beside the plan's guess (network.ts): kind makes
   * its node containers concurrently, so which node got which address is Docker's. Kept in
   * RUNDIR/kind/nodes.json, and said when it differs; the registry (the Node objects) is what
   * the checks read, never this guess.
   */
  private async recordNodeAddresses(kindDir: string): Promise<NodeAttachment[]> {
    const network = kindNetworkName();
    const nodes = await Promise.all(
      this.topology.nodes.map(async (n) => {
        const container = this.containerOf(n.name)!;
        const on = (await this.docker.getContainer(container).inspect()).NetworkSettings.Networks[network];
        return { node: n.name, container, planned: n.underlayIp, ip: on?.IPAddress ?? null, mac: on?.MacAddress ?? null };
      }),
    );
    writeFileSync(join(kindDir, 'nodes.json'), JSON.stringify(nodes, null, 2) + '\n');
    const moved = nodes.filter((n) => n.ip !== n.planned);
    if (moved.length) this.progress(`Docker gave ${moved.map((n) => `${n.node} ${n.ip ?? 'no address'} (planned ${n.planned})`).join(', ')} on ${network}`);
    return nodes;
  }

  /** The cluster's values of what the units record of each node (node-facts.ts), once flanneld published its VtepMAC. */
  private async learnNodeFacts(attached: readonly NodeAttachment[]): Promise<void> {
    const leases = (await this.kube!.core.listNode()).items.flatMap((n) => leaseOfNode(n) ?? []);
    const { facts, unknown } = nodeFacts(this.topology.nodes, attached, leases);
    this.facts = facts;
    if (unknown.length) this.progress(`the units keep the plan's value for ${unknown.join(', ')}`);
  }

  /** Each pod on the node it is pinned to, read back from the API; where it is, kept in RUNDIR/kind/pods.json. */
  private async checkPlacement(kindDir: string): Promise<void> {
    const list = await this.kube!.core.listNamespacedPod({ namespace: POD_NAMESPACE });
    const { placed, problems } = placedPods(this.topology, this.runId, list.items);
    writeFileSync(join(kindDir, 'pods.json'), JSON.stringify(placed, null, 2) + '\n');
    if (problems.length) throw new HarnessError(`the pods are not where the scenario puts them: ${problems.join('; ')}`);
    this.placed = placed;
    // The pool members, the readiness pings and the checks name the pods by the addresses they got.
    this.facts = new Map([...this.facts, ...podFacts(placed)]);
    const moved = placed.filter((p) => p.planned && p.podIP !== p.planned);
    if (moved.length) this.progress(`the CNI's IPAM gave ${moved.map((p) => `${p.node}/${p.pod} ${p.podIP} (planned ${p.planned})`).join(', ')}`);
  }

  /**
   * kube-controller-manager gives nodes their podCIDRs from the pod subnet in the order they
   * registered; the units' dummy Nodes hold theirs already. The plan's addresses assume the
   * scenario's: a node that got another is named, not worked around.
   */
  private async checkPodCidrs(): Promise<void> {
    const names = kindNodeNames(this.runId, this.topology.nodes);
    const nodes = await this.kube!.core.listNode();
    const wrong = this.topology.nodes.flatMap((n) => {
      const got = nodes.items.find((k) => k.metadata?.name === names.get(n.name))?.spec?.podCIDR;
      return got === n.podCidr ? [] : [`${n.name} (${names.get(n.name)}) has podCIDR ${got ?? 'none'}, the scenario says ${n.podCidr}`];
    });
    if (wrong.length) throw new HarnessError(`kube-controller-manager gave the nodes other podCIDRs than the scenario's: ${wrong.join('; ')}`);
  }

  /** plan.ts nodeSysctls in every node container (kind's nodes are privileged: /proc/sys is theirs). */
  private async nodeSysctls(): Promise<void> {
    const settings = Object.entries(nodeSysctls(this.topology.flannel)).map(([k, v]) => `${k}=${v}`);
    await Promise.all(this.topology.nodes.map((n) => execIn(this.docker, this.containerOf(n.name)!, ['sysctl', '-q', '-w', ...settings], { node: n.name })));
  }

  /** The field report's step 3 on every node: flannel.<VNI> into cni0 (flannel does not do it). */
  private async bridgeVteps(): Promise<void> {
    if (!this.topology.flannel.bridged) return;
    const dev = this.topology.flannel.device;
    await Promise.all(
      this.topology.nodes.map((n) => {
        const container = this.containerOf(n.name)!;
        return execIn(this.docker, container, ['ip', 'link', 'set', 'dev', dev, 'master', 'cni0'], { node: n.name });
      }),
    );
  }
}

function flannelNamespace(manifest: readonly KubeObject[]): string {
  return manifest.find((o) => o.kind === 'DaemonSet' && o.metadata?.name === FLANNEL_DAEMONSET)?.metadata?.namespace ?? 'kube-flannel';
}
