// The vagrant provider: the scenario's nodes, units, client (and etcd) are Vagrant machines made
// from a Vagrantfile generated into the run directory (vagrantfile.ts), brought up with Vagrant's
// docker provider; then they are machines that exist, and everything else is the ssh provider's
// (composed, not copied): pods as namespaces, the overlay, traffic, captures over SFTP, checks.
//
// The machines are the run's own, destroyed at teardown with everything on them, so the ssh
// provider's host-change undo entries are not kept (MachineLedger): `vagrant destroy -f` is the
// undo. The plan's addresses are known at `wire` (the switch's links), so that is where the
// machines are made; `create-hosts` only learns the hosts.
import { realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import { ResourceLedger, type LedgerEntry } from '../../core/ledger.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import type { IpLine } from '../../devices/linux/commands.js';
import type { HostAction, HostDecl, LinkDecl } from '../../plan/types.js';
import { checkTools } from '../preflight.js';
import type { BulkAction, HostFiles, ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { SshProvider } from '../ssh/provider.js';
import { dockerClient, engineInfo } from '../docker/engine.js';
import { LABEL_SCENARIO, runLabels, scenarioOf } from '../docker/names.js';
import { ensureSshImages } from './images.js';
import { ensureBox } from './box.js';
import { libvirtDriver, libvirtNetworkName, libvirtPrefix, libvirtPrerequisites, managementCidr, managementNetwork } from './libvirt.js';
import { dirFiles, makeKey, upAndDescribe, writeVagrantfile, type VagrantDirFiles } from './machines.js';
import { createNetworks } from './networks.js';
import { destroyRun } from './teardown.js';
import { segmentsOf, vagrantfileInput } from './input.js';
import type { VagrantDirEntry, VagrantLibvirtNetworkEntry, VagrantNetworkEntry } from './ledger.js';

export type VagrantBackend = 'docker' | 'libvirt';
export const VAGRANT_BACKENDS: readonly VagrantBackend[] = ['docker', 'libvirt'];

export interface VagrantProviderOptions {
  /** Vagrant's provider the machines are made with (default docker). */
  backend?: VagrantBackend;
  /** The libvirt and VirtualBox machines' box (the docker provider's machines use images; libvirt's default is the box built here). */
  box?: string;
  docker?: Docker;
  progress?: (line: string) => void;
}

const DEFAULT_BOX = 'overlab/debian-bookworm';

/** The ssh provider's ledger, without host-change entries: the machines go whole at teardown. */
class MachineLedger extends ResourceLedger {
  override record(...entries: LedgerEntry[]): void {
    super.record(...entries.filter((e) => e.kind !== 'host-change'));
  }
}

export class VagrantProvider implements Provider {
  readonly kind = 'vagrant';
  private inner?: SshProvider;
  private hosts: HostDecl[] = [];
  /**
   * Settled when the machines are up (at wire). Host configuration that needs no link (sysctls)
   * may be handed over before: it waits for this, then goes to the ssh provider.
   */
  private up$?: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };
  private readonly dir: VagrantDirFiles;
  private readonly docker: Docker;
  private readonly times: Record<string, number | boolean | Record<string, number>> = {};
  private readonly backend: VagrantBackend;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly options: VagrantProviderOptions = {},
  ) {
    this.docker = options.docker ?? dockerClient();
    this.backend = options.backend ?? 'docker';
    this.dir = dirFiles(join(dirname(ctx.ledger.file), 'vagrant'));
    // A run known only from its ledger (down, exec): its machines as the ssh provider recorded them.
    if (ctx.ledger.entries().some((e) => e.kind === 'ssh-inventory')) this.inner = new SshProvider(this.sshCtx());
  }

  private sshCtx(): ProviderContext {
    return { ...this.ctx, ledger: new MachineLedger(dirname(this.ctx.ledger.file)) };
  }

  private ssh(): SshProvider {
    if (!this.inner) throw new HarnessError('the vagrant machines are not up yet (they are made at the wire step)');
    return this.inner;
  }

  private progress(line: string): void {
    (this.options.progress ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  async preflight(): Promise<Prerequisite[]> {
    const out = checkTools(['vagrant', 'docker', 'ssh-keygen']).map((p) => (p.ok || p.what !== 'vagrant' ? p : { ...p, fix: 'apt-get install -y --no-install-recommends vagrant (or: bash scripts/setup.sh --docker)' }));
    try {
      const e = await engineInfo(this.docker);
      out.push({ what: 'docker engine', ok: true, detail: `Docker ${e.version}: Vagrant's docker provider runs the machines`, fix: '' });
    } catch (e) {
      out.push({ what: 'docker engine', ok: false, detail: `cannot reach the Docker daemon: ${(e as Error).message}`, fix: 'apt-get install -y docker.io, then start dockerd (bash scripts/setup.sh --docker)' });
    }
    // libvirt: the box is built with docker (the node image), the machines run under libvirtd.
    if (this.backend === 'libvirt') out.push(...(await libvirtPrerequisites()));
    return out;
  }

  locationOf(hostId: string): string {
    return this.inner ? this.inner.locationOf(hostId) : `vagrant machine ${hostId.split('.')[0]} (${this.dir.dir})`;
  }

  async createHosts(hosts: readonly HostDecl[]): Promise<void> {
    if (this.backend === 'libvirt') refuseOnLibvirt(hosts);
    this.hosts = [...hosts];
    let resolve!: () => void, reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined); // the wire step reports the failure
    this.up$ = { promise, resolve, reject };
  }

  /** The ssh provider once the machines are up. */
  private async machines(): Promise<SshProvider> {
    if (!this.inner) await this.up$?.promise;
    return this.ssh();
  }

  /** The machines, now that the switch's links say where each is: up, then the ssh provider's create-hosts and wire. */
  async wire(links: readonly LinkDecl[]): Promise<void> {
    try {
      if (!this.inner) await this.up(links);
      await this.ssh().createHosts(this.hosts);
      this.up$?.resolve();
    } catch (e) {
      this.up$?.reject(e);
      throw e;
    }
    await this.ssh().wire(links);
  }

  private async up(links: readonly LinkDecl[]): Promise<void> {
    if (this.backend === 'libvirt') return this.upLibvirt(links);
    const t0 = performance.now();
    const { tags } = await ensureSshImages(this.docker, (l) => this.progress(`images: ${l}`));
    this.times.imagesMs = performance.now() - t0;
    const runId = this.ctx.runId;
    const labels = runLabels(runId, { [LABEL_SCENARIO]: scenarioOf(this.ctx) });
    const input = vagrantfileInput(this.hosts, links, { runId, scenario: scenarioOf(this.ctx), images: tags, privateKey: this.dir.privateKey, authorizedKeys: this.dir.authorizedKeys, labels, box: this.options.box ?? DEFAULT_BOX, binds: bindsOf });
    const { machines, networks, sshNetwork } = input;
    const segments = segmentsOf(this.hosts);
    const addressesOn = (segment: string) => machines.flatMap((m) => m.attachments.filter((a) => a.segment === segment).map((a) => a.ip));
    // Recorded before anything is made: clean destroys from the directory, then the networks.
    this.ctx.ledger.record({ kind: 'vagrant-dir', dir: this.dir.dir, provider: 'docker' } satisfies VagrantDirEntry);
    const names = [sshNetwork, ...Object.values(networks)];
    this.ctx.ledger.record(...names.map((name): LedgerEntry => ({ kind: 'vagrant-network', name }) satisfies VagrantNetworkEntry));
    await makeKey(this.dir, runId);
    writeVagrantfile(this.dir, input);
    const t1 = performance.now();
    await createNetworks(
      this.docker,
      [{ name: sshNetwork, taken: [] }, ...[...segments.values()].map((s) => ({ name: networks[s.id]!, segment: s, taken: addressesOn(s.id) }))],
      labels,
    );
    this.times.networksMs = performance.now() - t1;
    const up = await upAndDescribe(this.dir, input, (l) => this.progress(l), this.ctx.signal);
    this.times.vagrantUpMs = up.totalMs;
    this.times.readyMs = up.ready;
    this.times.sshConfigMs = up.sshConfigMs;
    this.progress(`vagrant: ${machines.length} machines up in ${(up.totalMs / 1000).toFixed(1)} s`);
    this.writeTimes();
    this.inner = new SshProvider(this.sshCtx(), { inventory: this.dir.inventory });
  }

  /**
   * The machines as libvirt VMs from the box built here (box.ts): vagrant-libvirt makes the run's
   * networks (each segment's, isolated, and a management network of the run's own for DHCP and
   * SSH) and its domains, all named by the run id; the machines' host keys come from their
   * serial consoles' logs.
   */
  private async upLibvirt(links: readonly LinkDecl[]): Promise<void> {
    const t0 = performance.now();
    const box = await ensureBox(this.docker, (l) => this.progress(`box: ${l}`));
    this.times.boxMs = performance.now() - t0;
    this.times.boxBuilt = box.built;
    const runId = this.ctx.runId;
    const scenario = scenarioOf(this.ctx);
    const libvirt = { prefix: libvirtPrefix(runId), managementNetwork: managementNetwork(runId), managementCidr: await managementCidr(runId), kernel: box.kernel, initrd: box.initrd, cmdLine: box.cmdLine, consoleDir: this.dir.dir, driver: libvirtDriver() };
    const input = {
      ...vagrantfileInput(this.hosts, links, { runId, scenario, images: { node: '', 'bigip-sim': '', client: '' }, privateKey: this.dir.privateKey, authorizedKeys: this.dir.authorizedKeys, labels: runLabels(runId, { [LABEL_SCENARIO]: scenario }), box: this.options.box ?? box.name, binds: () => [] }),
      libvirt,
    };
    // Recorded before anything is made: clean destroys from the directory, then by the names.
    this.ctx.ledger.record({ kind: 'vagrant-dir', dir: this.dir.dir, provider: 'libvirt' } satisfies VagrantDirEntry);
    const names = [libvirt.managementNetwork, ...Object.values(input.networks).map(libvirtNetworkName)];
    this.ctx.ledger.record(...names.map((name): LedgerEntry => ({ kind: 'vagrant-libvirt-network', name }) satisfies VagrantLibvirtNetworkEntry));
    await makeKey(this.dir, runId);
    writeVagrantfile(this.dir, input);
    const up = await upAndDescribe(this.dir, input, (l) => this.progress(l), this.ctx.signal);
    this.times.vagrantUpMs = up.totalMs;
    this.times.readyMs = up.ready;
    this.times.sshConfigMs = up.sshConfigMs;
    this.progress(`vagrant: ${input.machines.length} libvirt machines up in ${(up.totalMs / 1000).toFixed(1)} s`);
    this.writeTimes();
    this.inner = new SshProvider(this.sshCtx(), { inventory: this.dir.inventory });
  }

  private writeTimes(): void {
    writeFileSync(join(dirname(this.ctx.ledger.file), 'vagrant-times.json'), JSON.stringify(this.times, null, 1) + '\n');
  }

  async ip(host: string, lines: readonly IpLine[]): Promise<void> {
    return (await this.machines()).ip(host, lines);
  }

  async bridge(host: string, lines: readonly IpLine[]): Promise<void> {
    return (await this.machines()).bridge(host, lines);
  }

  async sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void> {
    return (await this.machines()).sysctl(host, settings);
  }

  async nft(host: string, ruleset: string): Promise<void> {
    return (await this.machines()).nft(host, ruleset);
  }

  async runMany(actions: readonly BulkAction[]): Promise<void> {
    return (await this.machines()).runMany(actions);
  }

  node(hostId: string): NodeHandle {
    if (this.inner) return this.inner.node(hostId);
    return { id: hostId, location: this.locationOf(hostId), exec: async (argv, options) => (await this.machines()).node(hostId).exec(argv, options) };
  }

  spawn(hostId: string, argv: readonly string[], options?: SpawnOptions): ManagedProcess {
    return this.ssh().spawn(hostId, argv, options);
  }

  execArgv(location: string, argv: readonly string[]): string[] {
    return this.ssh().execArgv(location, argv);
  }

  readonly files: HostFiles = {
    pathIn: (host, localPath) => this.ssh().files.pathIn(host, localPath),
    fetch: (host, pathIn, localPath) => this.ssh().files.fetch(host, pathIn, localPath),
  };

  render(action: HostAction): string[][] {
    // The machines are made at wire, where the plan's addresses are known (see the class).
    if (action.type === 'wire') return [['vagrant', 'up', '--provider', this.backend, '--parallel'], ['vagrant', 'ssh-config'], ...SshProvider.prototype.render.call(undefined, action)];
    // Past create-hosts the commands are the ssh provider's; its render reads no state of an
    // instance (and one cannot be made before the machines exist: it needs their inventory).
    return SshProvider.prototype.render.call(undefined, action);
  }

  /** The ssh provider's processes and connections, then the machines and the run's networks. */
  async teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    const failures = this.inner ? await this.inner.teardown(entries) : [];
    const t0 = performance.now();
    failures.push(...(await destroyRun(this.ctx.runId, dirname(this.ctx.ledger.file), entries, this.docker)).map((m) => new Error(m)));
    this.times.destroyMs = performance.now() - t0;
    if (this.times.vagrantUpMs !== undefined) this.writeTimes();
    return failures;
  }
}

/**
 * The box is a flannel node's root (the node image): it has no stand-in BIG-IP and cannot run
 * this machine's node for the client; flanneld would be copied in as the box's user, who cannot
 * write its path. Refused before anything is made.
 */
function refuseOnLibvirt(hosts: readonly HostDecl[]): void {
  const bad = hosts.filter((h) => h.kind !== 'node' && h.kind !== 'pod' && h.kind !== 'switch');
  if (bad.length > 0) {
    throw new HarnessError(`the vagrant provider's libvirt machines play nodes only (the box is the node image); this scenario has ${bad.map((h) => `${h.id} (${h.kind})`).join(', ')}: use a scenario without BIG-IP units, client or flanneld's etcd (baseline), or OVERLAB_VAGRANT_PROVIDER=docker`);
  }
}

/** What the client and flanneld's hosts run from this machine, at the same paths, read-only. */
function bindsOf(h: HostDecl): string[] {
  const binds = (h.mounts ?? []).map((p) => `${p}:${p}`);
  if (h.kind === 'client') {
    binds.push(`${realpathSync(process.execPath)}:${process.execPath}`, `${join(PROJECT_ROOT, 'dist')}:${join(PROJECT_ROOT, 'dist')}`, `${join(PROJECT_ROOT, 'package.json')}:${join(PROJECT_ROOT, 'package.json')}`);
  }
  return binds;
}
