// The kind provider: the scenario's nodes are a kind cluster's nodes (real kubelet, real CNI,
// kube-flannel from its release manifest), its pods real pods, its units F5's dummy Nodes.
// cluster.ts brings the cluster up and down; this class is the Provider seam around it.
//
// The BIG-IP stand-in units and the client are the docker provider's own containers, made and
// driven by a DockerProvider of the same run (the code paths CI tests): the units join kind's
// Docker network as the underlay (network.ts: the plan's underlay is fitted to it), the external
// VLAN between them and the client is the run's own Docker network, and every ip, sysctl, nft,
// exec, spawn and capture of theirs is the docker provider's. flanneld's etcd member (a service
// host) is not needed: kube-flannel's registry is the API.
//
// The plan's configuration of nodes and pods (the netns VTEP, cni0, veths, the pods' servers) is
// not run: on kind it is kube-flannel's, the CNI's and the Deployments' work (doneBy says so for
// each step). The plan was made before the cluster chose its addresses and MACs (Docker, flanneld,
// the CNI's IPAM): during the boot the units' lines are translated to the cluster's values, and
// once it is booted fitPlan hands the run the plan with the cluster's values everywhere, so the
// later steps, the checks and the devices' runtime actions speak of what the cluster has. Probes
// in a pod are this machine's tools in the pod's network namespace (pod-netns.ts). See README
// "kind provider" for what has and has not run on a real cluster.
import type { LedgerEntry } from '../../core/ledger.js';
import { entriesOf } from '../../core/ledger.js';
import { HarnessError } from '../../core/errors.js';
import type { IpLine } from '../../devices/linux/commands.js';
import type { HostAction, HostDecl, LinkDecl, Plan, StepAction } from '../../plan/types.js';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner } from '../../core/command.js';
import { spawnManaged } from '../netns/spawn.js';
import { CLIENT_HOST, UNDERLAY_HOST, UNDERLAY_SEGMENT, podHostId } from '../../plan/plan.js';
import { dockerClient } from '../docker/engine.js';
import { DockerProvider } from '../docker/provider.js';
import { execArgv as dockerExecArgv } from '../docker/transport.js';
import { execIn, spawnIn } from '../docker/exec.js';
import { runDirOf } from '../docker/names.js';
import type { HostFiles, ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { KindCluster, type KindClusterEntry } from './cluster.js';
import { kindPrerequisites } from './doctor.js';
import { deleteCluster, findBridgePlugin, findKind, kubeconfigFile } from './kind-cli.js';
import { clusterName, deploymentName, kindNodeNames, runOfCluster, splitPodHost } from './names.js';
import { kindNetworkName } from './network.js';
import { FROM_THIS_MACHINE, nodePids, spawnInNodeNetns } from './node-capture.js';
import { translateLines, translateText, type NodeFacts } from './node-facts.js';
import { fitPlan } from './fit-plan.js';
import { inPodNetns, netnsCandidates, netnsOfAddress, nodePidsOf, throughPid } from './pod-netns.js';
import { kindPlanLines, renderKindAction } from './render.js';

/** Host kinds this provider makes; the others are refused by createHosts with what is missing. */
const MADE: ReadonlySet<HostDecl['kind']> = new Set(['switch', 'node', 'pod', 'unit', 'client']);
/** Host kinds the docker provider makes and drives for this one (the switch for its external VLAN). */
const DOCKER_MADE: ReadonlySet<HostDecl['kind']> = new Set(['switch', 'unit', 'client']);

export class KindProvider implements Provider {
  readonly kind = 'kind';
  private cluster?: KindCluster;
  /** Host kinds, learnt by render from create-hosts (`overlab plan`). */
  private readonly renderedKinds = new Map<string, string>();

  /** The units, the client and the external VLAN: the docker provider's, on kind's network. */
  private readonly docker: DockerProvider;
  /** Hosts the docker provider holds (learnt by createHosts). */
  private readonly dockerHosts = new Set<string>();

  constructor(private readonly ctx: ProviderContext) {
    this.docker = new DockerProvider(ctx, { existingNetworks: { [UNDERLAY_SEGMENT]: kindNetworkName() } });
  }

  /** Each kind node container's init pid, once the cluster is up (captures enter its network namespace). */
  private pids = new Map<string, number>();
  /** Each scenario pod's network namespace file, reached from this machine (pod-netns.ts). */
  private podNetns = new Map<string, string>();
  /** Set once the run has the fitted plan: its values are the cluster's, nothing more to translate. */
  private fitted = false;
  /** Processes run from this machine in a node's namespace: stopped before the cluster goes. */
  private readonly local = new Set<ManagedProcess>();

  /**
   * Files the units and the client write (captures, probe records) come out as on docker; a kind
   * node's capture is written by this machine's tcpdump straight to the run directory.
   */
  readonly files: HostFiles = {
    pathIn: (host, localPath) => (this.isDockers(host) ? this.docker.files.pathIn(host, localPath) : localPath),
    fetch: (host, pathIn, localPath) => (this.isDockers(host) ? this.docker.files.fetch(host, pathIn, localPath) : Promise.resolve()),
  };

  /** The docker provider's hosts: learnt by createHosts, else (`overlab exec` of a kept run) the topology's units and client. */
  private isDockers(host: string): boolean {
    if (this.dockerHosts.has(host)) return true;
    const t = this.ctx.topology;
    // The switch too: with units or a client, its external VLAN is the run's own Docker network.
    return !!t?.bigip && (host === CLIENT_HOST || host === UNDERLAY_HOST || t.bigip.units.some((u) => u.name === host));
  }

  preflight(): Promise<Prerequisite[]> {
    return kindPrerequisites(this.ctx.options?.kind);
  }

  private nodeNames(): Map<string, string> {
    return this.ctx.topology ? kindNodeNames(this.ctx.runId, this.ctx.topology.nodes) : new Map();
  }

  /** A node is kind's container of it; a pod its Deployment; the rest are not made here. */
  locationOf(hostId: string): string {
    if (this.isDockers(hostId)) return this.docker.locationOf(hostId);
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
          'flanneld\'s etcd member is not needed (kube-flannel\'s registry is the API); nothing was created. ' +
          '`overlab plan <scenario> --provider kind` shows the cluster, kube-flannel\'s ConfigMap and the units\' dummy Nodes it would make',
      );
    }
    if (!this.ctx.topology) throw new HarnessError('the kind provider needs the run\'s topology (ProviderContext.topology)');
    // A plan of units and a client only (a test of them on a network shaped like kind's) makes no cluster.
    if (!hosts.some((h) => h.kind === 'node')) return this.createDockerHosts(hosts);
    this.cluster = new KindCluster(this.ctx.runId, runDirOf(this.ctx), this.ctx.ledger, this.ctx.topology, this.ctx.options?.kind, (l) => process.stderr.write(`  ${l}\n`));
    // The cluster first: kind makes its network when there is none, and the units join it.
    await this.cluster.boot();
    this.pids = await nodePids(dockerClient(), [...this.nodeNames().values()]);
    await this.findPodNamespaces();
    await this.createDockerHosts(hosts);
  }

  /** Each pod's namespace: the one file of its node's that holds the address the API gave it. */
  private async findPodNamespaces(): Promise<void> {
    const problems: string[] = [];
    const macs = new Map<string, string>();
    const runner = new LocalRunner();
    for (const p of this.cluster!.placed) {
      const pid = this.pids.get(this.nodeNames().get(p.node) ?? '');
      if (pid === undefined || !p.podIP) {
        problems.push(`${p.node}/${p.pod}: ${p.podIP ? 'its node has no known init pid' : 'the API gave it no address'}`);
        continue;
      }
      const found = netnsOfAddress(await netnsCandidates(pid, runner), p.podIP);
      if (!('path' in found)) {
        problems.push(`${p.node}/${p.pod}: ${found.problem}`);
        continue;
      }
      this.podNetns.set(podHostId(p.node, p.pod), found.path);
      // The pod's MAC is the CNI's too: the units learn it, the FDB-learning check looks for it.
      const planned = this.ctx.topology?.nodes.find((n) => n.name === p.node)?.pods.find((x) => x.name === p.pod)?.mac;
      if (planned && found.mac && found.mac !== planned) macs.set(planned, found.mac);
      else if (planned && !found.mac) problems.push(`${p.node}/${p.pod}: the interface holding ${p.podIP} shows no MAC`);
    }
    this.cluster!.facts = new Map([...this.cluster!.facts, ...macs]);
    writeFileSync(join(runDirOf(this.ctx), 'kind', 'pod-netns.json'), JSON.stringify(Object.fromEntries(this.podNetns), null, 2) + '\n');
    if (problems.length) throw new HarnessError(`cannot reach the pods' network namespaces from this machine (probes run there): ${problems.join('; ')}`);
  }

  private isKindNode(host: string): boolean {
    return this.nodeNames().has(host);
  }

  private isKindPod(host: string): boolean {
    return !!this.ctx.topology?.nodes.some((n) => n.pods.some((p) => podHostId(n.name, p.name) === host));
  }

  /**
   * The plan's configuration of a kind node or pod is the cluster's own work: kube-flannel makes
   * the VTEP and its FDB, the CNI cni0, the veths and the addresses, a pod's Deployment runs its
   * servers. The readiness waits and the rest still run (they ask the cluster, they change nothing).
   */
  doneBy(action: StepAction): string | undefined {
    if (!('host' in action) || this.isDockers(action.host)) return undefined;
    // No unit or client: the switch has no segment of the run's own, the underlay is kind's network.
    if (action.host === UNDERLAY_HOST) return 'kind: the underlay is kind\'s Docker network';
    if (action.type === 'host-config' && this.isKindNode(action.host) && action.intent.every((i) => i.kind === 'sysctl')) return 'kind: set in the node containers before kube-flannel was applied';
    if (action.type === 'spawn' && this.isKindPod(action.host)) return `kind: the pod's Deployment ${deploymentName(...splitPodHost(action.host))} runs it`;
    const configures = ['host-config', 'ip', 'bridge', 'sysctl', 'nft'].includes(action.type);
    if (configures && (this.isKindNode(action.host) || this.isKindPod(action.host))) return 'kind: kube-flannel and the CNI';
    return undefined;
  }

  /** The plan with the cluster's addresses and MACs (fit-plan.ts); kept in RUNDIR/kind/facts.json. */
  fitPlan(plan: Plan): Plan {
    const kindDir = join(runDirOf(this.ctx), 'kind');
    if (this.cluster) writeFileSync(join(kindDir, 'facts.json'), JSON.stringify(Object.fromEntries(this.cluster.facts), null, 2) + '\n');
    // A later process (overlab check, failover, exec of a kept run) reads what the booting one learnt.
    else this.resume(readJson<Record<string, string>>(join(kindDir, 'pod-netns.json')));
    const facts: NodeFacts = this.cluster?.facts ?? new Map(Object.entries(readJson<Record<string, string>>(join(kindDir, 'facts.json')) ?? {}));
    this.fitted = true;
    return fitPlan(plan, facts);
  }

  /**
   * In a process that did not boot the cluster: the node containers' init pids as Docker has them
   * now (captures from this machine enter them), and each pod's namespace file reached through
   * its node's current pid (a restarted node container has a new one). Synchronous: attach is.
   */
  private resume(podNetns: Record<string, string> | undefined): void {
    if (!podNetns) return;
    const containers = [...this.nodeNames().values()];
    // docker inspect prints the containers it has and exits 1 for any it has not: a node gone is
    // left out, and commands that need its pid say so when they are run.
    const r = spawnSync('docker', ['inspect', '--format', '{{.Name}} {{.State.Pid}}', ...containers], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    this.pids = nodePidsOf(r.stdout ?? '');
    const nodeOfPod = (host: string) => this.nodeNames().get(splitPodHost(host)[0]) ?? '';
    this.podNetns = new Map(Object.entries(podNetns).map(([host, path]) => [host, throughPid(path, this.pids.get(nodeOfPod(host)))]));
  }

  /** The units, the client and the switch (its segments) as the docker provider makes them; none, none made. */
  async createDockerHosts(hosts: readonly HostDecl[]): Promise<void> {
    const mine = hosts.filter((h) => DOCKER_MADE.has(h.kind));
    if (!mine.some((h) => h.kind !== 'switch')) return;
    for (const h of mine) this.dockerHosts.add(h.id);
    await this.docker.createHosts(mine);
  }

  /** The units' and the client's links are the docker provider's; kind's network and the CNI are the nodes' and pods'. */
  async wire(links: readonly LinkDecl[]): Promise<void> {
    const mine = links.filter((l) => this.isDockers(l.a.host) && this.isDockers(l.b.host));
    if (mine.length) await this.docker.wire(mine);
  }

  private notRun(host: string, what: string): never {
    throw new HarnessError(`[${host}] ${what}: the plan's configuration of a node or pod is kube-flannel's and the CNI's work on kind, and is not run; checking a kind cluster against the plan is not built yet`, { node: host });
  }

  /** A unit's lines name the nodes as the plan guessed; the cluster's values go in their place (node-facts.ts). */
  private asCluster(lines: readonly IpLine[]): IpLine[] {
    return this.fitted ? [...lines] : translateLines(lines, this.cluster?.facts ?? new Map());
  }

  /** The same for any text (an nft ruleset names pool members by address). */
  private textAsCluster(text: string): string {
    return this.fitted ? text : translateText(text, this.cluster?.facts ?? new Map());
  }

  ip(host: string, lines: readonly IpLine[]): Promise<void> {
    if (this.isDockers(host)) return this.docker.ip(host, this.asCluster(lines));
    this.notRun(host, 'ip -batch');
  }

  bridge(host: string, lines: readonly IpLine[]): Promise<void> {
    if (this.isDockers(host)) return this.docker.bridge(host, this.asCluster(lines));
    this.notRun(host, 'bridge -batch');
  }

  sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void> {
    if (this.isDockers(host)) return this.docker.sysctl(host, settings);
    this.notRun(host, 'sysctl');
  }

  nft(host: string, ruleset: string): Promise<void> {
    if (this.isDockers(host)) return this.docker.nft(host, this.textAsCluster(ruleset));
    this.notRun(host, 'nft');
  }

  /** Commands reach a node by `docker exec` into kind's container (the docker provider's exec). */
  node(hostId: string): NodeHandle {
    if (this.isDockers(hostId)) return this.docker.node(hostId);
    const netns = this.podNetns.get(hostId);
    if (netns) {
      const runner = new LocalRunner();
      return { id: hostId, location: this.locationOf(hostId), exec: (argv, options) => runner.run(inPodNetns(netns, argv), { node: hostId, ...options }) };
    }
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
    if (this.isDockers(hostId)) return this.docker.spawn(hostId, argv.map((w) => this.textAsCluster(w)), options);
    const netns = this.podNetns.get(hostId);
    if (netns) return this.keepLocal(spawnManaged(hostId, inPodNetns(netns, argv), this.ctx.ledger, options));
    const container = this.nodeNames().get(hostId);
    if (!container) this.notRun(hostId, 'a long-running process');
    if (FROM_THIS_MACHINE.has(argv[0] ?? '')) {
      const pid = this.pids.get(container);
      if (pid === undefined) throw new HarnessError(`[${hostId}] ${argv[0]}: kind node ${container} has no known init pid (the cluster is not up in this process)`, { node: hostId });
      return this.keepLocal(spawnInNodeNetns(hostId, pid, argv, this.ctx.ledger, options));
    }
    return spawnIn(dockerClient(), container, hostId, argv, this.ctx.ledger, options);
  }

  /** A process this machine runs in a node's or pod's namespace: stopped before the cluster goes. */
  private keepLocal(p: ManagedProcess): ManagedProcess {
    this.local.add(p);
    void p.exited.then(() => this.local.delete(p));
    return p;
  }

  execArgv(location: string, argv: readonly string[]): string[] {
    return dockerExecArgv(location, argv);
  }

  /** Nodes' and pods' actions as kind carries them out; the units' and the client's as the docker provider's. */
  render(action: HostAction): string[][] {
    const docker = (host: string) => ['unit', 'client'].includes(this.renderedKinds.get(host) ?? '');
    switch (action.type) {
      case 'create-hosts': {
        const kind = renderKindAction(action, this.nodeNames(), this.renderedKinds).filter((l) => !docker(String(l[1]).replace(/:$/, '')));
        // The switch too, for its external VLAN's segment (the underlay segment is kind's network).
        const rendered = this.docker.render({ ...action, hosts: action.hosts.filter((h) => docker(h.id) || h.kind === 'switch') });
        return [...kind, ...rendered.filter((l) => !(l[0] === ':' && l[2] === 'segment' && l[3] === UNDERLAY_SEGMENT))];
      }
      case 'wire': {
        const links = action.links.filter((l) => docker(l.b.host));
        const onKind = links.filter((l) => l.segment === UNDERLAY_SEGMENT);
        const joins = onKind.flatMap((l) => [
          ['docker', 'network', 'connect', kindNetworkName(), `ol-${this.ctx.runId}.${l.b.host}`],
          [':', 'the', 'address', 'Docker', 'chose', 'is', 'flushed,', `${l.b.host}/${l.b.ifname}`, 'gets', l.b.ip ?? '?', 'from', 'its', 'own', 'step'],
        ]);
        const rest = links.filter((l) => !onKind.includes(l));
        return [...renderKindAction({ ...action, links: action.links.filter((l) => !links.includes(l)) }, this.nodeNames(), this.renderedKinds), ...joins, ...(rest.length ? this.docker.render({ ...action, links: rest }) : [])];
      }
      case 'wait-ping':
        return docker(action.from) ? this.docker.render(action) : renderKindAction(action, this.nodeNames(), this.renderedKinds);
      default:
        return docker(action.host) ? this.docker.render(action) : renderKindAction(action, this.nodeNames(), this.renderedKinds);
    }
  }

  /** `overlab plan --provider kind`: the cluster config, kube-flannel's ConfigMap, the dummy Nodes, the pods. */
  planLines(plan: Plan): string[] {
    return kindPlanLines(plan.topology, this.ctx.options?.kind, findBridgePlugin());
  }

  /** Captures this machine runs in the nodes' namespaces, before anything is removed. */
  async stopProcesses(): Promise<Error[]> {
    const failures: Error[] = [];
    await Promise.all([...this.local].map((p) => p.stop('SIGINT', 3000).catch((e: Error) => failures.push(e))));
    return failures;
  }

  /** The docker provider's containers and networks (off kind's network first), then the cluster. */
  async teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    const docker = await this.docker.teardown(entries);
    return [...docker, ...(await deleteClusters(entriesOf<KindClusterEntry>(entries, 'kind-cluster', 'name').map((e) => e.name)))];
  }
}

/** A JSON file the booting process wrote, or undefined when there is none (a run that made no cluster). */
function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
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
