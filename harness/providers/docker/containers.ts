// The docker provider's host factory: nodes, BIG-IP units and the client are containers made from
// the overlab images (capabilities, labels, binds; no network until `wire`); pods are network
// namespaces inside their node's container, and their links veth pairs made inside it.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import type { LedgerEntry } from '../../core/ledger.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import { ip, type IpLine } from '../../devices/linux/commands.js';
import type { HostDecl, HostKind, LinkDecl, LinkEnd } from '../../plan/types.js';
import type { ProviderContext } from '../types.js';
import type { EngineInfo } from './engine.js';
import type { Hosts } from './hosts.js';
import { ensureImages, type ImageName, type ImageTags } from './images.js';
import { containerName, LABEL_HOST, LABEL_SCENARIO, runLabels, scenarioOf, type HostPlace } from './names.js';
import { settleAll } from './settle.js';
import { batchInput, type Transport } from './transport.js';

/** Which image a host of each kind runs. Pods and the switch have none. */
/** `service` (flanneld's etcd member) runs the node image, which has etcd. */
export const IMAGE_OF: Partial<Record<HostKind, ImageName>> = { node: 'node', unit: 'bigip-sim', client: 'client', service: 'node' };

/**
 * Capabilities instead of --privileged: kernel devices, namespaces and nftables need NET_ADMIN,
 * NET_RAW and SYS_ADMIN (mount, setns for `ip netns`). --privileged also asks for every other
 * capability, and fails where the daemon's own bounding set lacks one (CAP_SYS_RESOURCE here).
 */
export const CAPS = ['NET_ADMIN', 'NET_RAW', 'SYS_ADMIN'];

export class Containers {
  private tags?: ImageTags;

  constructor(
    private readonly docker: Docker,
    private readonly ctx: ProviderContext,
    private readonly hosts: Hosts,
    private readonly transport: Transport,
  ) {}

  /** The images (built if not cached), then one container per node, unit and client, then the pods' namespaces. */
  async create(decls: readonly HostDecl[], engine: EngineInfo | undefined): Promise<void> {
    this.tags = (await ensureImages(this.docker, { ledger: this.ctx.ledger })).tags;
    const containers = decls.filter((h) => h.kind !== 'switch' && !h.parent && h.kind !== 'pod');
    for (const h of containers) if (!IMAGE_OF[h.kind]) throw new HarnessError(`the docker provider has no image for a host of kind ${h.kind} (${h.id})`);
    this.ctx.ledger.record(...containers.map((h): LedgerEntry => ({ kind: 'docker-container', name: containerName(this.ctx.runId, h.id), host: h.id })));
    const queue = new PQueue({ concurrency: 3 });
    await settleAll(containers.map((h) => queue.add(() => this.start(h, engine))));
    // Pods: network namespaces inside their node's container, one `ip -batch` per container.
    const pods = new Map<string, string[]>();
    for (const h of decls) {
      const p = h.kind === 'pod' || h.parent ? this.hosts.place(h.id) : undefined;
      if (p?.netns) pods.set(p.container, [...(pods.get(p.container) ?? []), p.netns]);
    }
    await settleAll([...pods].map(([container, names]) => this.transport.execContainer(container, ['ip', '-batch', '-'], { stdin: batchInput(names.map(ip.netnsAdd)), node: container })));
  }

  private async start(h: HostDecl, engine: EngineInfo | undefined): Promise<void> {
    const name = containerName(this.ctx.runId, h.id);
    // What the host runs from this machine (flanneld's binary), at the same path, read-only.
    const binds: string[] = (h.mounts ?? []).map((path) => `${path}:${path}:ro`);
    if (h.kind === 'client') {
      // The traffic probe is this harness's own vip-probe.js run by this node binary, at the same paths.
      const node = realpathSync(process.execPath);
      binds.push(`${node}:${process.execPath}:ro`, `${join(PROJECT_ROOT, 'dist')}:${join(PROJECT_ROOT, 'dist')}:ro`, `${join(PROJECT_ROOT, 'package.json')}:${join(PROJECT_ROOT, 'package.json')}:ro`);
    }
    const container = await this.docker.createContainer({
      name,
      Image: this.tags![IMAGE_OF[h.kind]!],
      Hostname: h.id.slice(0, 63),
      Labels: runLabels(this.ctx.runId, { [LABEL_SCENARIO]: scenarioOf(this.ctx), [LABEL_HOST]: h.id }),
      HostConfig: {
        NetworkMode: 'none',
        CapAdd: CAPS,
        SecurityOpt: ['seccomp=unconfined', ...(engine?.apparmor ? ['apparmor=unconfined'] : [])],
        // --security-opt systempaths=unconfined: /proc/sys writable (sysctl in the plan), nothing masked.
        MaskedPaths: [],
        ReadonlyPaths: [],
        // A fresh network namespace has IPv6 on; the plan turns address generation off per link.
        Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0', 'net.ipv6.conf.default.disable_ipv6': '0' },
        Binds: binds,
        Init: false,
      },
    });
    await container.start();
    await this.transport.started(name, container);
  }

  /**
   * veth pairs between a container and its pods, created inside the container, one `ip -batch`
   * per container. `highestIfindex` is a container's highest ifindex once its segments are attached.
   */
  async wirePods(pairs: readonly LinkDecl[], highestIfindex: (container: string) => number | undefined): Promise<void> {
    // The container's end gets an explicit ifindex above every one in the container: left to
    // the kernel it would be 2 (Docker's eth0 came in with a large one), like its peer in the
    // fresh pod namespace, and a veth whose ifindex equals its peer's gets its carrier changes
    // batched by linkwatch at most once a second: cni0's port stays disabled and the pod is
    // unreachable for up to a second after boot (plan/plan.ts says the same of the netns switch ports).
    const byContainer = new Map<string, IpLine[]>();
    for (const l of pairs) {
      const a = this.hosts.place(l.a.host);
      const b = this.hosts.place(l.b.host);
      if (!a || !b || a.container !== b.container) {
        throw new HarnessError(`the docker provider wires veth pairs only inside one container (a node and its pods); ${l.a.host}/${l.a.ifname} - ${l.b.host}/${l.b.ifname} cross containers`);
      }
      const index = a.netns ? undefined : (highestIfindex(a.container) ?? 100) + 1 + (byContainer.get(a.container)?.length ?? 0);
      byContainer.set(a.container, [...(byContainer.get(a.container) ?? []), vethLine(l.a, a, l.b, b, index)]);
    }
    await settleAll([...byContainer].map(([container, lines]) => this.transport.execContainer(container, ['ip', '-batch', '-'], { stdin: batchInput(lines), node: container })));
  }
}

function vethLine(a: LinkEnd, pa: HostPlace, b: LinkEnd, pb: HostPlace, index?: number): IpLine {
  const line = ip.addVethPair({ name: a.ifname, mac: a.mac, mtu: a.mtu, netns: pa.netns }, { name: b.ifname, mac: b.mac, mtu: b.mtu, netns: pb.netns });
  if (index === undefined) return line;
  const at = line.indexOf('type');
  return [...line.slice(0, at), 'index', String(index), ...line.slice(at)];
}
