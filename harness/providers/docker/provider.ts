// The docker provider (dockerode): nodes, BIG-IP units and the client are containers; pods are
// network namespaces inside their node's container; the switch host's segments (the underlay and
// the external VLAN) are user-defined Docker networks with the scenario's subnets, and each
// container's port on a segment gets its planned address from Docker's IPAM (`--ip`).
//
// The plan is the netns plan, unchanged: every ip/bridge batch of a node, pod, unit or client runs
// inside its host. What differs is where hosts come from (create-hosts: images, containers, pod
// namespaces) and the switch: its links (`wire` with a segment) become network attachments, after
// which the attached interface is brought to the state of a fresh veth end (plan's name, MAC and
// MTU, down, no address, no route), and its own ip/bridge lines (bridges and ports that the
// Docker network already is) are not run. Pod links stay veth pairs, made inside the container.
//
// This class composes the parts, one job a file: hosts.ts (which host is where), containers.ts
// (images to containers, pods), segments.ts (the switch as Docker networks), transport.ts (how
// commands and files reach hosts), render.ts (`overlab plan`) and teardown.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { LocalRunner } from '../../core/command.js';
import type { LedgerEntry } from '../../core/ledger.js';
import type { IpLine } from '../../devices/linux/commands.js';
import type { HostAction, HostDecl, LinkDecl } from '../../plan/types.js';
import { checkTools } from '../preflight.js';
import type { HostFiles, ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { Containers } from './containers.js';
import { dockerClient, engineInfo, type EngineInfo } from './engine.js';
import { Hosts } from './hosts.js';
import { imageTags } from './images.js';
import { formatPlace, runDirOf } from './names.js';
import { renderAction } from './render.js';
import { Segments } from './segments.js';
import { teardown } from './teardown.js';
import { batchInput, execArgv, Transport, type ExecMode } from './transport.js';

export type { ExecMode } from './transport.js';
export { gatewayFor } from './segments.js';

export interface DockerProviderOptions {
  exec?: ExecMode;
  docker?: Docker;
  /** Segments that are Docker networks the run joins but did not make (segment id → network): the kind provider's underlay is kind's network. */
  existingNetworks?: Readonly<Record<string, string>>;
}

export class DockerProvider implements Provider {
  readonly kind = 'docker';
  readonly localKernel = true;
  readonly files: HostFiles;
  private readonly docker: Docker;
  private readonly hosts: Hosts;
  private readonly transport: Transport;
  private readonly containers: Containers;
  private readonly segments: Segments;
  private engine?: EngineInfo;
  private nftCount = 0;

  constructor(
    private readonly ctx: ProviderContext,
    options: DockerProviderOptions = {},
  ) {
    this.docker = options.docker ?? dockerClient();
    const runner = new LocalRunner();
    this.hosts = new Hosts(ctx);
    const mode = options.exec ?? (process.env.OVERLAB_DOCKER_EXEC === 'nsenter' ? 'nsenter' : 'api');
    this.transport = new Transport(this.docker, mode, ctx, (host) => this.hosts.place(host), runner);
    this.containers = new Containers(this.docker, ctx, this.hosts, this.transport);
    this.segments = new Segments(this.docker, ctx, runner, this.transport, options.existingNetworks);
    this.files = this.transport.files();
  }

  async preflight(): Promise<Prerequisite[]> {
    const out: Prerequisite[] = [];
    try {
      this.engine = await engineInfo(this.docker);
      out.push({ what: 'docker engine', ok: true, detail: `Docker ${this.engine.version} (API ${this.engine.apiVersion}), storage driver ${this.engine.storageDriver}`, fix: '' });
    } catch (e) {
      out.push({
        what: 'docker engine',
        ok: false,
        detail: `cannot reach the Docker daemon at ${process.env.DOCKER_HOST ?? '/var/run/docker.sock'}: ${(e as Error).message}`,
        fix: 'apt-get install -y docker.io, then start dockerd (systemctl start docker, or: bash scripts/setup.sh --docker, which starts it in the background)',
      });
      return [...out, ...checkTools([])];
    }
    const tags = imageTags();
    const cached = (await Promise.all(Object.values(tags).map((t) => this.docker.getImage(t).inspect().then(() => true, () => false)))).every(Boolean);
    out.push({ what: 'overlab images', ok: true, detail: cached ? `cached: ${Object.values(tags).join(', ')}` : 'not cached: built on the first run (debootstrap, about a minute)', fix: '' });
    const tools = ['ip', ...(cached || process.env.OVERLAB_BASE_IMAGE ? [] : ['debootstrap', 'tar'])];
    return [...out, ...checkTools(tools)];
  }

  locationOf(hostId: string): string {
    return formatPlace(this.hosts.place(hostId), this.ctx.runId);
  }

  async createHosts(hosts: readonly HostDecl[]): Promise<void> {
    this.hosts.learn(hosts);
    this.segments.learn(hosts);
    this.engine ??= await engineInfo(this.docker);
    await this.containers.create(hosts, this.engine);
  }

  /** The switch's links become network attachments; the others are veth pairs inside a container. */
  async wire(links: readonly LinkDecl[]): Promise<void> {
    const attach = links.filter((l) => l.segment !== undefined && this.hosts.isSwitch(l.a.host));
    const pairs = links.filter((l) => !attach.includes(l));
    await this.segments.wire(attach);
    await this.containers.wirePods(pairs, (container) => this.segments.highestIfindex(container));
  }

  ip(host: string, lines: readonly IpLine[]): Promise<void> {
    return this.batch(host, ['ip', '-batch', '-'], lines);
  }

  bridge(host: string, lines: readonly IpLine[]): Promise<void> {
    return this.batch(host, ['bridge', '-batch', '-'], lines);
  }

  private async batch(host: string, argv: string[], lines: readonly IpLine[]): Promise<void> {
    if (lines.length === 0) return;
    if (this.hosts.isSwitch(host)) return this.segments.switchBatch(host, argv, lines);
    await this.transport.execHost(host, argv, { stdin: batchInput(lines) });
  }

  async sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void> {
    await this.transport.execHost(host, ['sysctl', '-q', '-w', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)]);
  }

  node(hostId: string): NodeHandle {
    return { id: hostId, location: this.locationOf(hostId), exec: (argv, options) => this.transport.execHost(hostId, argv, options) };
  }

  /** The ruleset is kept in the run directory as evidence and fed to `nft -f /dev/stdin`. */
  async nft(hostId: string, ruleset: string): Promise<void> {
    const dir = join(runDirOf(this.ctx), 'nft');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${hostId}-${++this.nftCount}.nft`), ruleset);
    await this.transport.execHost(hostId, ['nft', '-f', '/dev/stdin'], { stdin: ruleset });
  }

  spawn(hostId: string, argv: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    return this.transport.spawn(hostId, argv, options);
  }

  /** For `overlab exec`: the docker CLI command that runs argv in a host, given its location. */
  execArgv(location: string, argv: readonly string[]): string[] {
    return execArgv(location, argv);
  }

  render(action: HostAction): string[][] {
    return renderAction(action, this.ctx.runId, this.hosts, this.segments);
  }

  teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    return teardown(this.docker, this.ctx.runId, entries);
  }
}
