// The kind provider: the scenario's nodes are a kind cluster's nodes (real kubelet, real CNI,
// kube-flannel from its release manifest), its pods real pods, its units F5's dummy Nodes.
// cluster.ts brings the cluster up and down; this class is the Provider seam around it.
//
// What this provider does not do yet, and says so rather than pretending: the BIG-IP stand-in
// units, the client and flanneld's etcd member (the plan's unit, client and service hosts) are
// not made on kind's network, and a plan with any of them is refused before anything is created.
// The plan's per-host configuration of nodes and pods (the netns VTEP, cni0 and veths) is not
// run, since on kind that is kube-flannel's and the CNI's work, and the checks, which judge a
// host against the plan's addresses and MACs, do not run on kind either: a plan of nodes and pods
// only (baseline) gets its cluster made and brought up, then stops at its first per-host step
// with that reason (exit 2), and teardown deletes the cluster. See README "kind provider".
import type { LedgerEntry } from '../../core/ledger.js';
import { entriesOf } from '../../core/ledger.js';
import { HarnessError } from '../../core/errors.js';
import type { IpLine } from '../../devices/linux/commands.js';
import type { HostAction, HostDecl, LinkDecl, Plan } from '../../plan/types.js';
import { dockerClient } from '../docker/engine.js';
import { execArgv as dockerExecArgv } from '../docker/transport.js';
import { execIn, spawnIn } from '../docker/exec.js';
import { runDirOf } from '../docker/names.js';
import type { ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { KindCluster, type KindClusterEntry } from './cluster.js';
import { kindPrerequisites } from './doctor.js';
import { deleteCluster, findBridgePlugin, findKind, kubeconfigFile } from './kind-cli.js';
import { clusterName, kindNodeNames, runOfCluster } from './names.js';
import { kindPlanLines, renderKindAction } from './render.js';

/** Host kinds this provider makes; the others are refused by createHosts with what is missing. */
const MADE: ReadonlySet<HostDecl['kind']> = new Set(['switch', 'node', 'pod']);

export class KindProvider implements Provider {
  readonly kind = 'kind';
  private cluster?: KindCluster;
  /** Host kinds, learnt by render from create-hosts (`overlab plan`). */
  private readonly renderedKinds = new Map<string, string>();

  constructor(private readonly ctx: ProviderContext) {}

  preflight(): Promise<Prerequisite[]> {
    return kindPrerequisites(this.ctx.options?.kind);
  }

  private nodeNames(): Map<string, string> {
    return this.ctx.topology ? kindNodeNames(this.ctx.runId, this.ctx.topology.nodes) : new Map();
  }

  /** A node is kind's container of it; a pod its Deployment; the rest are not made here. */
  locationOf(hostId: string): string {
    const container = this.nodeNames().get(hostId);
    if (container) return container;
    const dot = hostId.indexOf('.');
    if (dot > 0 && this.nodeNames().has(hostId.slice(0, dot))) return `${this.nodeNames().get(hostId.slice(0, dot))}/deployment/${hostId.replace('.', '-')}`;
    return `not made on kind (cluster ${clusterName(this.ctx.runId)})`;
  }

  async createHosts(hosts: readonly HostDecl[]): Promise<void> {
    const refused = hosts.filter((h) => !MADE.has(h.kind));
    if (refused.length) {
      throw new HarnessError(
        `the kind provider does not make ${[...new Set(refused.map((h) => h.kind))].join(', ')} hosts yet (${refused.map((h) => h.id).join(', ')}): ` +
          'the BIG-IP stand-in units and the client are not started on kind\'s Docker network, and flanneld\'s etcd member is not needed (kube-flannel uses the API); ' +
          'nothing was created. `overlab plan <scenario> --provider kind` shows the cluster, kube-flannel\'s ConfigMap and the units\' dummy Nodes it would make',
      );
    }
    if (!this.ctx.topology) throw new HarnessError('the kind provider needs the run\'s topology (ProviderContext.topology)');
    this.cluster = new KindCluster(this.ctx.runId, runDirOf(this.ctx), this.ctx.ledger, this.ctx.topology, this.ctx.options?.kind, (l) => process.stderr.write(`  ${l}\n`));
    await this.cluster.boot();
  }

  /** kind's network and the CNI are the links: nothing to wire. */
  async wire(_links: readonly LinkDecl[]): Promise<void> {}

  private notRun(host: string, what: string): never {
    throw new HarnessError(`[${host}] ${what}: the plan's configuration of a node or pod is kube-flannel's and the CNI's work on kind, and is not run; checking a kind cluster against the plan is not built yet`, { node: host });
  }

  ip(host: string, _lines: readonly IpLine[]): Promise<void> {
    this.notRun(host, 'ip -batch');
  }

  bridge(host: string, _lines: readonly IpLine[]): Promise<void> {
    this.notRun(host, 'bridge -batch');
  }

  sysctl(host: string): Promise<void> {
    this.notRun(host, 'sysctl');
  }

  nft(host: string): Promise<void> {
    this.notRun(host, 'nft');
  }

  /** Commands reach a node by `docker exec` into kind's container (the docker provider's exec). */
  node(hostId: string): NodeHandle {
    const container = this.nodeNames().get(hostId);
    return {
      id: hostId,
      location: this.locationOf(hostId),
      exec: (argv, options) => {
        if (!container) throw new HarnessError(`host ${hostId} is not a node of the kind cluster; commands reach its nodes only`, { node: hostId });
        return execIn(dockerClient(), container, argv, { node: hostId, ...options });
      },
    };
  }

  spawn(hostId: string, argv: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    const container = this.nodeNames().get(hostId);
    if (!container) this.notRun(hostId, 'a long-running process');
    return spawnIn(dockerClient(), container, hostId, argv, this.ctx.ledger, options);
  }

  execArgv(location: string, argv: readonly string[]): string[] {
    return dockerExecArgv(location, argv);
  }

  render(action: HostAction): string[][] {
    return renderKindAction(action, this.nodeNames(), this.renderedKinds);
  }

  /** `overlab plan --provider kind`: the cluster config, kube-flannel's ConfigMap, the dummy Nodes, the pods. */
  planLines(plan: Plan): string[] {
    return kindPlanLines(plan.topology, this.ctx.options?.kind, findBridgePlugin());
  }

  async teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    return deleteClusters(entriesOf<KindClusterEntry>(entries, 'kind-cluster', 'name').map((e) => e.name));
  }
}

/** `kind delete cluster` for each; every failure returned, none thrown. */
export async function deleteClusters(names: readonly string[]): Promise<Error[]> {
  const failures: Error[] = [];
  if (names.length === 0) return failures;
  const kind = findKind();
  for (const name of [...new Set(names)]) {
    try {
      if (!kind) throw new Error('kind is not installed (bash scripts/build-kind.sh)');
      // The run's own kubeconfig file (kind removes its entry there; the scratch directory is the core's).
      await deleteCluster(kind, name, kubeconfigFile(runOfCluster(name) ?? name));
    } catch (e) {
      failures.push(new HarnessError(`kind cluster ${name}: ${(e as Error).message}`, {}, { cause: e }));
    }
  }
  return failures;
}
