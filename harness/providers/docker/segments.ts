// The switch host's segments (the underlay and the external VLAN) as internal Docker networks
// with the scenario's subnets. The plan's `wire` links of the switch become network attachments:
// each container's port on a segment gets its planned address from Docker's IPAM (`--ip`), and the
// attached interface is then brought to the state of a fresh veth end (plan's name, MAC and MTU,
// down, no address, no route). The switch's own ip/bridge lines (bridges and ports that the Docker
// network already is) are not run; its static FDB lines go to the Docker bridge, port by port.
// A segment can also be a network the run did not make (kind's, which its nodes are on): it is
// joined, never created, recorded or removed, and its bridge is left as its owner set it.
import PQueue from 'p-queue';
import type Docker from 'dockerode';
import type { LocalRunner } from '../../core/command.js';
import { HarnessError } from '../../core/errors.js';
import type { LedgerEntry } from '../../core/ledger.js';
import * as ipv4 from '../../core/ipv4.js';
import { ip, type IpLine } from '../../devices/linux/commands.js';
import type { HostDecl, LinkDecl, SegmentDecl } from '../../plan/types.js';
import type { ProviderContext } from '../types.js';
import { isNotFound } from './engine.js';
import { bridgeName, containerName, LABEL_SCENARIO, networkName, runLabels, scenarioOf } from './names.js';
import { settleAll } from './settle.js';
import { batchInput, type Transport } from './transport.js';

/** How long a run waits for another run's network on the same subnet to go. */
const NETWORK_WAIT_MS = 10 * 60_000;

export class Segments {
  private readonly segments = new Map<string, SegmentDecl>();
  /** `<switch host>/<port>` (the plan's swpN) → ifindex of the host end of the container's veth. */
  private readonly switchPorts = new Map<string, number>();
  /** The highest ifindex in each container once its segments are attached. */
  private readonly maxIfindex = new Map<string, number>();

  /**
   * `existing`: segment id → a Docker network that exists already and is not the run's (kind's).
   * Docker refuses `--ip` on a network whose IPv4 subnet it chose itself (kind makes its network
   * with an IPv6 subnet only), so a container joins such a network with Docker's choice of
   * address, which the attach flushes like any other; the plan's address comes with the host's
   * own ip lines, as on every segment.
   */
  constructor(
    private readonly docker: Docker,
    private readonly ctx: ProviderContext,
    private readonly runner: LocalRunner,
    private readonly transport: Transport,
    private readonly existing: Readonly<Record<string, string>> = {},
  ) {}

  /** The Docker network of a segment: the run's own, or the existing one it joins. */
  networkOf(segment: string): string {
    return this.existing[segment] ?? networkName(this.ctx.runId, segment);
  }

  /** The segments the switch host declares (create-hosts). */
  learn(hosts: readonly HostDecl[]): void {
    for (const h of hosts) for (const s of h.segments ?? []) this.segments.set(s.id, s);
  }

  cidrOf(segment: string): string | undefined {
    return this.segments.get(segment)?.cidr;
  }

  /** A container's highest ifindex once its segments are attached (undefined before, or with none). */
  highestIfindex(container: string): number | undefined {
    return this.maxIfindex.get(container);
  }

  /** The networks these links need, then each container attached to its segments. */
  async wire(attach: readonly LinkDecl[]): Promise<void> {
    await this.createNetworks(attach);
    const byHost = new Map<string, LinkDecl[]>();
    for (const l of attach) byHost.set(l.b.host, [...(byHost.get(l.b.host) ?? []), l]);
    const queue = new PQueue({ concurrency: 3 });
    await settleAll([...byHost].map(([host, ls]) => queue.add(() => this.attach(host, ls))));
  }

  /** One internal network per segment in use; recorded, then created; its host bridge made quiet. */
  private async createNetworks(attach: readonly LinkDecl[]): Promise<void> {
    const used = [...new Set(attach.map((l) => l.segment!))].filter((id) => this.existing[id] === undefined);
    if (used.length === 0) return;
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
    await settleAll(
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
      const joined = this.existing[l.segment!] !== undefined;
      await this.docker.getNetwork(this.networkOf(l.segment!)).connect({
        Container: name,
        EndpointConfig: { IPAMConfig: l.b.ip && !joined ? { IPv4Address: l.b.ip } : undefined, MacAddress: l.b.mac },
      });
    }
    const info = await this.docker.getContainer(name).inspect();
    const links0 = JSON.parse((await this.transport.execContainer(name, ['ip', '-j', 'link', 'show'], { node: host })).stdout) as { ifname: string; address?: string }[];
    const found = links.map((l, i) => {
      const mac = info.NetworkSettings.Networks[this.networkOf(l.segment!)]?.MacAddress?.toLowerCase();
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
    // The host end of each link (the run's own veth, on whichever bridge); only those on the
    // run's networks are its switch ports: a joined network's bridge is left as its owner set it.
    const peers = new Map(links.flatMap((l): [string, number][] => {
      const peer = after.find((d) => d.ifname === l.b.ifname)?.link_index;
      return peer === undefined ? [] : [[`${l.a.host}/${l.a.ifname}`, peer]];
    }));
    for (const l of links) if (this.existing[l.segment!] === undefined && peers.has(`${l.a.host}/${l.a.ifname}`)) this.switchPorts.set(`${l.a.host}/${l.a.ifname}`, peers.get(`${l.a.host}/${l.a.ifname}`)!);
    // What the plan says of every switch port (`addrgenmode none`), on the host ends now, before
    // their IPv6 link-local addresses send more MLD reports and router solicitations into the
    // testbed; the switch's own step later finds nothing left to do. Local daemon only.
    const ports = await this.hostPorts([...peers.values()]);
    const silence = links.flatMap((l) => {
      const dev = ports.get(peers.get(`${l.a.host}/${l.a.ifname}`) ?? -1);
      return dev ? [ip.addrGenNone(dev), ['addr', 'flush', 'dev', dev]] : [];
    });
    if (silence.length > 0) {
      await this.runner.run(['ip', '-batch', '-'], { stdin: batchInput(silence), node: 'underlay', allowFailure: true });
      // Docker brought the port up with an address before we could say anything: IPv6 off on it
      // too, which also stops the retransmissions of the MLD report its address removal queued
      // (sent now, they die at the container's end, which is down until the plan brings it up).
      const devs = links.flatMap((l) => ports.get(peers.get(`${l.a.host}/${l.a.ifname}`) ?? -1) ?? []);
      await this.runner.run(['sysctl', '-q', '-w', ...devs.map((d) => `net.ipv6.conf.${d}.disable_ipv6=1`)], { allowFailure: true });
    }
    // Docker's embedded DNS puts a nat table in every container on a user-defined network. A
    // testbed host resolves no names, and a nat hook would put all its traffic through conntrack,
    // which no host of the netns provider does: remove it.
    await this.transport.execContainer(name, ['nft', 'delete', 'table', 'ip', 'nat'], { node: host, allowFailure: true });
  }

  /**
   * The switch's ip lines make the bridges and ports its Docker networks already are: not run.
   * Its static FDB entries (`bridge fdb ... dev swpN master static`) are run on the Docker
   * bridge, with each port translated to the host end of that container's veth, when the daemon
   * is local (the host's ifindex is known); otherwise the bridge learns them.
   */
  async switchBatch(host: string, argv: readonly string[], lines: readonly IpLine[]): Promise<void> {
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
