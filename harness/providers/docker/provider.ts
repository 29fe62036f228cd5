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
// How commands and files reach hosts is transport.ts; which host is where, hosts.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type Docker from 'dockerode';
import { LocalRunner } from '../../core/command.js';
import { HarnessError } from '../../core/errors.js';
import type { LedgerEntry } from '../../core/ledger.js';
import * as ipv4 from '../../core/ipv4.js';
import { ip, type IpLine } from '../../devices/linux/commands.js';
import type { HostDecl, LinkDecl, SegmentDecl, StepAction } from '../../plan/types.js';
import { checkTools } from '../preflight.js';
import type { HostFiles, ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { dockerClient, engineInfo, isNotFound, type EngineInfo } from './engine.js';
import { CAPS, Containers, IMAGE_OF } from './containers.js';
import { Hosts } from './hosts.js';
import { imageTags } from './images.js';
import { bridgeName, containerName, formatPlace, LABEL_SCENARIO, networkName, placeOf, runDirOf, runLabels, scenarioOf } from './names.js';
import { settleAll } from './settle.js';
import { teardown } from './teardown.js';
import { batchInput, execArgv, inHost, Transport, type ExecMode } from './transport.js';

export type { ExecMode } from './transport.js';

/** How long a run waits for another run's network on the same subnet to go. */
const NETWORK_WAIT_MS = 10 * 60_000;

export interface DockerProviderOptions {
  exec?: ExecMode;
  docker?: Docker;
}

export class DockerProvider implements Provider {
  readonly kind = 'docker';
  readonly files: HostFiles;
  private readonly docker: Docker;
  private readonly runner = new LocalRunner();
  private readonly hosts: Hosts;
  private readonly transport: Transport;
  private readonly containers: Containers;
  private readonly segments = new Map<string, SegmentDecl>();
  /** `<switch host>/<port>` (the plan's swpN) → ifindex of the host end of the container's veth. */
  private readonly switchPorts = new Map<string, number>();
  /** The highest ifindex in each container once its segments are attached. */
  private readonly maxIfindex = new Map<string, number>();
  private engine?: EngineInfo;
  private nftCount = 0;

  constructor(
    private readonly ctx: ProviderContext,
    options: DockerProviderOptions = {},
  ) {
    this.docker = options.docker ?? dockerClient();
    this.hosts = new Hosts(ctx);
    const mode = options.exec ?? (process.env.OVERLAB_DOCKER_EXEC === 'nsenter' ? 'nsenter' : 'api');
    this.transport = new Transport(this.docker, mode, ctx, (host) => this.hosts.place(host), this.runner);
    this.containers = new Containers(this.docker, ctx, this.hosts, this.transport);
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
    for (const h of hosts) for (const s of h.segments ?? []) this.segments.set(s.id, s);
    this.engine ??= await engineInfo(this.docker);
    await this.containers.create(hosts, this.engine);
  }

  async wire(links: readonly LinkDecl[]): Promise<void> {
    const attach = links.filter((l) => l.segment !== undefined && this.hosts.isSwitch(l.a.host));
    const pairs = links.filter((l) => !attach.includes(l));
    await this.createNetworks(attach);
    const byHost = new Map<string, LinkDecl[]>();
    for (const l of attach) byHost.set(l.b.host, [...(byHost.get(l.b.host) ?? []), l]);
    const queue = new PQueue({ concurrency: 3 });
    await settleAll([...byHost].map(([host, ls]) => queue.add(() => this.attach(host, ls))));
    await this.containers.wirePods(pairs, (container) => this.maxIfindex.get(container));
  }

  /** One internal network per segment in use; recorded, then created; its host bridge made quiet. */
  private async createNetworks(attach: readonly LinkDecl[]): Promise<void> {
    const used = [...new Set(attach.map((l) => l.segment!))];
    const decls = used.map((id) => {
      const s = this.segments.get(id);
      if (!s) throw new HarnessError(`no segment "${id}" on the switch host: the plan's create-hosts step must list the switch's segments`);
      return s;
    });
    this.ctx.ledger.record(...decls.map((s): LedgerEntry => ({ kind: 'docker-network', name: networkName(this.ctx.runId, s.id) })));
    // Docker refuses a subnet that overlaps another network's, so two runs whose scenarios share
    // an underlay take turns here: all of this run's networks or none, then try again.
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.createNetworksOnce(decls, attach);
      } catch (e) {
        if (!/overlaps/i.test((e as Error).message)) throw e;
        await Promise.all(decls.map((s) => this.docker.getNetwork(networkName(this.ctx.runId, s.id)).remove().catch(() => undefined)));
        if (performance.now() - started > NETWORK_WAIT_MS) {
          throw new HarnessError(`waited ${NETWORK_WAIT_MS / 1000} s for another run's Docker network on ${decls.map((s) => s.cidr).join(', ')} to go: ${(e as Error).message}`, {}, { cause: e });
        }
        await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
      }
    }
  }

  private async createNetworksOnce(decls: readonly SegmentDecl[], attach: readonly LinkDecl[]): Promise<void> {
    // Settled, not Promise.all: a failed attempt removes its networks only after every create answered.
    const results = await Promise.allSettled(
      decls.map(async (s, i) => {
        const taken = new Set(attach.filter((l) => l.segment === s.id).flatMap((l) => (l.b.ip ? [l.b.ip] : [])));
        const bridge = bridgeName(this.ctx.runId, i);
        await this.docker.createNetwork({
          Name: networkName(this.ctx.runId, s.id),
          Driver: 'bridge',
          CheckDuplicate: true,
          // Internal: no gateway route, no masquerading; nothing of the testbed leaves this machine.
          Internal: true,
          EnableIPv6: false,
          IPAM: { Driver: 'default', Config: [{ Subnet: s.cidr, Gateway: gatewayFor(s.cidr, taken) }] },
          Options: {
            'com.docker.network.bridge.name': bridge,
            // The host's end of the segment holds no address: the host is not on the testbed.
            'com.docker.network.bridge.inhibit_ipv4': 'true',
            'com.docker.network.driver.mtu': String(s.mtu),
          },
          Labels: runLabels(this.ctx.runId, { [LABEL_SCENARIO]: scenarioOf(this.ctx), 'overlab.segment': s.id }),
        });
        // What the plan's switch bridge says of itself (no IPv6 address generation, no multicast
        // snooping), on the Docker bridge when this daemon is local; a remote one is left as it is.
        await this.runner.run(['ip', '-batch', '-'], { stdin: batchInput([ip.addrGenNone(bridge), ['link', 'set', 'dev', bridge, 'type', 'bridge', 'mcast_snooping', '0'], ['addr', 'flush', 'dev', bridge]]), allowFailure: true });
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Plugs a container into its segments, then makes each new interface what a fresh veth end of
   * the netns provider is: the plan's name, MAC and MTU, down, no address, no route, IPv6 on.
   */
  private async attach(host: string, links: readonly LinkDecl[]): Promise<void> {
    const name = containerName(this.ctx.runId, host);
    await this.docker.getNetwork('none').disconnect({ Container: name, Force: true }).catch((e: unknown) => {
      if (!isNotFound(e) && !/is not connected/.test((e as Error).message)) throw e;
    });
    for (const l of links) {
      await this.docker.getNetwork(networkName(this.ctx.runId, l.segment!)).connect({
        Container: name,
        EndpointConfig: { IPAMConfig: l.b.ip ? { IPv4Address: l.b.ip } : undefined, MacAddress: l.b.mac },
      });
    }
    const info = await this.docker.getContainer(name).inspect();
    const links0 = JSON.parse((await this.transport.execContainer(name, ['ip', '-j', 'link', 'show'], { node: host })).stdout) as { ifname: string; address?: string }[];
    const found = links.map((l, i) => {
      const mac = info.NetworkSettings.Networks[networkName(this.ctx.runId, l.segment!)]?.MacAddress?.toLowerCase();
      const dev = links0.find((d) => d.address?.toLowerCase() === mac)?.ifname;
      if (!dev) throw new HarnessError(`[${host}] the interface Docker attached for segment ${l.segment} (MAC ${mac}) is not in the container`);
      return { dev, tmp: `oltmp${i}`, end: l.b };
    });
    await this.transport.execContainer(name, ['ip', '-batch', '-'], {
      node: host,
      stdin: batchInput([
        ...found.flatMap((f) => [ip.linkDown(f.dev), ['addr', 'flush', 'dev', f.dev], ['link', 'set', 'dev', f.dev, 'name', f.tmp]]),
        ...found.map((f) => ['link', 'set', 'dev', f.tmp, 'name', f.end.ifname, 'address', f.end.mac, 'mtu', String(f.end.mtu)]),
      ]),
    });
    await this.transport.execContainer(name, ['sysctl', '-q', '-w', ...found.map((f) => `net.ipv6.conf.${f.end.ifname}.disable_ipv6=0`)], { node: host });
    // The switch port each link is: the host end of the container's veth (its peer ifindex).
    const after = JSON.parse((await this.transport.execContainer(name, ['ip', '-j', 'link', 'show'], { node: host })).stdout) as { ifindex: number; ifname: string; link_index?: number }[];
    this.maxIfindex.set(name, Math.max(...after.map((d) => d.ifindex)));
    links.forEach((l) => {
      const peer = after.find((d) => d.ifname === l.b.ifname)?.link_index;
      if (peer !== undefined) this.switchPorts.set(`${l.a.host}/${l.a.ifname}`, peer);
    });
    // What the plan says of every switch port (`addrgenmode none`), on the host ends now, before
    // their IPv6 link-local addresses send more MLD reports and router solicitations into the
    // testbed; the switch's own step later finds nothing left to do. Local daemon only.
    const ports = await this.hostPorts([...this.switchPorts.values()]);
    const silence = links.flatMap((l) => {
      const dev = ports.get(this.switchPorts.get(`${l.a.host}/${l.a.ifname}`) ?? -1);
      return dev ? [ip.addrGenNone(dev), ['addr', 'flush', 'dev', dev]] : [];
    });
    if (silence.length > 0) {
      await this.runner.run(['ip', '-batch', '-'], { stdin: batchInput(silence), node: 'underlay', allowFailure: true });
      // Docker brought the port up with an address before we could say anything: IPv6 off on it
      // too, which also stops the retransmissions of the MLD report its address removal queued
      // (sent now, they die at the container's end, which is down until the plan brings it up).
      const devs = links.flatMap((l) => ports.get(this.switchPorts.get(`${l.a.host}/${l.a.ifname}`) ?? -1) ?? []);
      await this.runner.run(['sysctl', '-q', '-w', ...devs.map((d) => `net.ipv6.conf.${d}.disable_ipv6=1`)], { allowFailure: true });
    }
    // Docker's embedded DNS puts a nat table in every container on a user-defined network. A
    // testbed host resolves no names, and a nat hook would put all its traffic through conntrack,
    // which no host of the netns provider does: remove it.
    await this.transport.execContainer(name, ['nft', 'delete', 'table', 'ip', 'nat'], { node: host, allowFailure: true });
  }

  ip(host: string, lines: readonly IpLine[]): Promise<void> {
    return this.batch(host, ['ip', '-batch', '-'], lines);
  }

  bridge(host: string, lines: readonly IpLine[]): Promise<void> {
    return this.batch(host, ['bridge', '-batch', '-'], lines);
  }

  private async batch(host: string, argv: string[], lines: readonly IpLine[]): Promise<void> {
    if (lines.length === 0) return;
    if (this.hosts.isSwitch(host)) return this.switchBatch(host, argv, lines);
    await this.transport.execHost(host, argv, { stdin: batchInput(lines) });
  }

  /**
   * The switch's ip lines make the bridges and ports its Docker networks already are: not run.
   * Its static FDB entries (`bridge fdb ... dev swpN master static`) are run on the Docker
   * bridge, with each port translated to the host end of that container's veth, when the daemon
   * is local (the host's ifindex is known); otherwise the bridge learns them.
   */
  private async switchBatch(host: string, argv: readonly string[], lines: readonly IpLine[]): Promise<void> {
    if (argv[0] !== 'bridge' || this.switchPorts.size === 0) return;
    const byIndex = await this.hostPorts([...this.switchPorts.values()]);
    const translated = lines.flatMap((l): IpLine[] => {
      const at = l.indexOf('dev');
      const port = at >= 0 ? l[at + 1] : undefined;
      const index = port ? this.switchPorts.get(`${host}/${port}`) : undefined;
      const dev = index !== undefined ? byIndex.get(index) : undefined;
      return dev && l.includes('master') ? [[...l.slice(0, at + 1), dev, ...l.slice(at + 2)]] : [];
    });
    if (translated.length > 0) await this.runner.run(['bridge', '-batch', '-'], { stdin: batchInput(translated), node: host });
  }

  /** Names of this machine's interfaces with these ifindexes (the host ends of containers' veths). */
  private async hostPorts(indexes: readonly number[]): Promise<Map<number, string>> {
    if (indexes.length === 0) return new Map();
    const r = await this.runner.run(['ip', '-j', 'link', 'show'], { allowFailure: true });
    if (r.exitCode !== 0) return new Map();
    const wanted = new Set(indexes);
    return new Map((JSON.parse(r.stdout) as { ifindex: number; ifname: string }[]).filter((d) => wanted.has(d.ifindex)).map((d) => [d.ifindex, d.ifname]));
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

  render(action: StepAction): string[][] {
    const run = this.ctx.runId;
    const command = (host: string, argv: string[], stdin = false): string[] => {
      const place = this.hosts.place(host);
      // `:` (the shell's no-op) marks what the docker provider does not run: the switch's bridges and ports are its networks.
      if (!place) return [':', 'not', 'run,', `${host}`, 'is', 'Docker', 'networks:', ...argv];
      return ['docker', 'exec', ...(stdin ? ['-i'] : []), place.container, ...inHost(place, argv)];
    };
    switch (action.type) {
      case 'create-hosts':
        for (const h of action.hosts) for (const seg of h.segments ?? []) this.segments.set(seg.id, seg);
        return action.hosts.flatMap((h): string[][] => {
          if (h.kind === 'switch') return (h.segments ?? []).map((s) => [':', `${h.id}:`, 'segment', s.id, s.cidr, 'becomes', 'docker', 'network', networkName(run, s.id), 'when', 'wired']);
          const place = placeOf(run, h.id, h.parent);
          if (!place) return [];
          if (place.netns) return [['docker', 'exec', place.container, 'ip', 'netns', 'add', place.netns]];
          const image = IMAGE_OF[h.kind] ?? h.kind;
          return [['docker', 'run', '-d', '--name', place.container, '--network', 'none', ...CAPS.flatMap((c) => ['--cap-add', c]), '--security-opt', 'systempaths=unconfined', '--label', `overlab.run=${run}`, `overlab/${image}:HASH`]];
        });
      case 'wire':
        return action.links.flatMap((l): string[][] => {
          if (l.segment !== undefined && placeOf(run, l.a.host, undefined) === undefined) {
            const net = networkName(run, l.segment);
            const first = action.links.findIndex((x) => x.segment === l.segment) === action.links.indexOf(l);
            const create = first ? [['docker', 'network', 'create', '--internal', '--subnet', this.segments.get(l.segment)?.cidr ?? 'CIDR', '-o', 'com.docker.network.bridge.inhibit_ipv4=true', '--label', `overlab.run=${run}`, net]] : [];
            return [...create, ['docker', 'network', 'connect', ...(l.b.ip ? ['--ip', l.b.ip] : []), net, containerName(run, l.b.host)], command(l.b.host, ['ip', 'link', 'set', 'dev', 'ethN', 'name', l.b.ifname, 'address', l.b.mac, 'mtu', String(l.b.mtu)])];
          }
          const a = placeOf(run, l.a.host, this.hosts.parentOf(l.a.host));
          const b = placeOf(run, l.b.host, this.hosts.parentOf(l.b.host));
          return [['docker', 'exec', a?.container ?? '?', 'ip', ...ip.addVethPair({ name: l.a.ifname, mac: l.a.mac, mtu: l.a.mtu, netns: a?.netns }, { name: l.b.ifname, mac: l.b.mac, mtu: l.b.mtu, netns: b?.netns })]];
        });
      case 'ip':
        return action.lines.map((l) => command(action.host, ['ip', ...l]));
      case 'bridge':
        return action.lines.map((l) => command(action.host, ['bridge', ...l]));
      case 'sysctl':
        return [command(action.host, ['sysctl', '-q', '-w', ...Object.entries(action.settings).map(([k, v]) => `${k}=${v}`)])];
      case 'nft':
        return [command(action.host, ['nft', '-f', '/dev/stdin'], true), ...action.ruleset.trimEnd().split('\n').map((l) => ['    ' + l])];
      case 'spawn':
        return [command(action.host, action.argv)];
      case 'wait-ping':
        return [command(action.from, ['ping', '-c', '1', '-W', '1', action.to])];
    }
  }

  teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    return teardown(this.docker, this.ctx.runId, entries);
  }
}

/** The segment's gateway for Docker's IPAM (held by no interface): its highest free host address. */
export function gatewayFor(cidr: string, taken: ReadonlySet<string>): string {
  const p = ipv4.parsePrefix(cidr);
  const last = ipv4.size(p) - 2;
  for (let off = last; off >= 1; off--) {
    const candidate = ipv4.formatIp(ipv4.nth(p, off));
    if (!taken.has(candidate)) return candidate;
  }
  throw new HarnessError(`segment ${cidr} has no free address left for Docker's gateway`);
}
