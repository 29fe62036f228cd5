// The ssh provider: the scenario's nodes, units, client (and etcd) are machines that already
// exist, named in an inventory and reached over SSH (ssh2). Pods are network namespaces made on
// their node; the overlay, the stand-in's configuration, traffic, captures (fetched over SFTP)
// and checks run there as on netns. Everything the run changes on a machine is recorded with
// its undo before it is sent (undo.ts); teardown and `overlab clean` undo exactly that.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CommandResult, RunOptions } from '../../core/command.js';
import { HarnessError, SpecError } from '../../core/errors.js';
import { entriesOf, type LedgerEntry } from '../../core/ledger.js';
import { ip, type IpLine } from '../../devices/linux/commands.js';
import type { HostAction, HostDecl, LinkDecl } from '../../plan/types.js';
import type { BulkAction, HostFiles, ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { SshPool } from '../../ssh/pool.js';
import { commandLine } from '../../ssh/quote.js';
import { fetchFile, putFile } from '../../ssh/files.js';
import type { SshTarget } from '../../ssh/target.js';
import { netnsName } from '../netns/names.js';
import { loadInventory, type Inventory } from './inventory.js';
import { classifyBridge, classifyIp, rulesetTables, absentOk } from './undo.js';
import { spawnRemote } from './remote-process.js';
import type { SshInventoryEntry, SshProcessEntry } from './ledger.js';
import { killIfSame } from '../../ssh/session.js';

/** Tools the harness runs on every machine. */
const REMOTE_TOOLS = ['ip', 'bridge', 'nsenter', 'ping', 'fping', 'sysctl', 'nft', 'conntrack', 'arping', 'socat', 'tcpdump', 'timeout'];

export interface SshProviderOptions {
  inventory?: string;
  acceptNew?: boolean;
}

const batch = (lines: readonly IpLine[]) => lines.map((l) => l.join(' ')).join('\n') + '\n';

export class SshProvider implements Provider {
  readonly kind = 'ssh';
  private readonly targets: Map<string, SshTarget>;
  private readonly inventory?: Inventory;
  readonly pool: SshPool;
  /** Host id → the machine it lives on and, for a pod, its namespace there. */
  private readonly places = new Map<string, { machine: string; ns?: string }>();
  private readonly switches = new Set<string>();
  /** Devices each machine had before the run, and those the run made. */
  private readonly existing = new Map<string, Set<string>>();
  private readonly ours = new Map<string, Set<string>>();
  /** `<dev> <address>` of each machine before the run. */
  private readonly addresses = new Map<string, Set<string>>();

  constructor(
    private readonly ctx: ProviderContext,
    options: SshProviderOptions = {},
  ) {
    if (options.inventory) {
      this.inventory = loadInventory(options.inventory, { acceptNew: options.acceptNew });
      this.targets = new Map(Object.values(this.inventory.hosts).map((h) => [h.target.name, h.target]));
    } else {
      // A run known only from its ledger (clean, down, exec): the inventory it recorded.
      const recorded = entriesOf<SshInventoryEntry>(ctx.ledger.entries(), 'ssh-inventory', 'file')[0];
      if (!recorded) throw new SpecError([{ file: '--inventory', field: 'inventory', message: '--provider ssh needs --inventory FILE: the machines that play the scenario\'s hosts (see README, "SSH")' }]);
      this.targets = new Map(recorded.targets.map((t) => [t.name, t]));
    }
    this.pool = new SshPool([...this.targets.values()]);
  }

  private machineOf(hostId: string): { machine: string; ns?: string } {
    const known = this.places.get(hostId);
    if (known) return known;
    if (this.targets.has(hostId)) return { machine: hostId };
    // A pod is `<node>.<pod>`: it lives in a namespace on its node's machine.
    const dot = hostId.indexOf('.');
    if (dot > 0 && this.targets.has(hostId.slice(0, dot))) return { machine: hostId.slice(0, dot), ns: netnsName(this.ctx.runId, hostId) };
    throw new HarnessError(`host ${hostId} is not in the inventory${this.inventory ? ` ${this.inventory.file}` : ''}; add hosts.${hostId} (address, underlay interface and address)`, { node: hostId });
  }

  locationOf(hostId: string): string {
    if (hostId === 'underlay' || this.switches.has(hostId)) return 'the machines\' own network';
    const { machine, ns } = this.machineOf(hostId);
    const t = this.targets.get(machine)!;
    return `${t.user}@${t.address}:${t.port}${ns ? ` netns ${ns}` : ''}`;
  }

  /** Each machine: reachable, its host key known, root (or sudo), the tools, kernel VXLAN. */
  async preflight(): Promise<Prerequisite[]> {
    const out: Prerequisite[] = [];
    await Promise.all(
      [...this.targets.values()].map(async (t) => {
        const check = ['sh', '-c', 'for t in "$@"; do command -v "$t" >/dev/null 2>&1 || echo "missing $t"; done; [ "$(id -u)" = 0 ] || echo "not root"; [ -e /sys/module/vxlan ] || modprobe -n vxlan 2>/dev/null || echo "no vxlan"', 'sh', ...REMOTE_TOOLS];
        let r: CommandResult;
        try {
          r = await this.pool.exec(t.name, check, { timeoutMs: 15_000 });
        } catch (e) {
          // Refused, unreachable, host key, auth: the typed error says which, and the fix.
          const message = (e as Error).message;
          // The whole message (the problem, then its fix) is the fix column: it is what a
          // failed preflight prints.
          const said = message.replace(/^ssh \S+ \([^)]*\): /, '');
          out.push({ what: `${t.name} (${t.user}@${t.address}:${t.port})`, ok: false, detail: said.split('; ')[0]!, fix: said });
          return;
        }
        const problems = r.stdout.split('\n').filter(Boolean);
        out.push({
          what: `${t.name} (${t.user}@${t.address})`,
          ok: problems.length === 0,
          detail: problems.length ? problems.join(', ') : `reachable, root, ${REMOTE_TOOLS.length} tools, kernel VXLAN`,
          fix: problems.length ? `on ${t.name}: apt-get install iproute2 util-linux iputils-ping fping nftables conntrack iputils-arping socat tcpdump coreutils; log in as root or set sudo: true` : '',
        });
      }),
    );
    // The run opens its own connections; these were only for the checks.
    await this.pool.close();
    return out.sort((a, b) => a.what.localeCompare(b.what));
  }

  async createHosts(hosts: readonly HostDecl[]): Promise<void> {
    if (this.inventory) this.ctx.ledger.record({ kind: 'ssh-inventory', file: this.inventory.file, targets: [...this.targets.values()] } satisfies SshInventoryEntry);
    const machines = hosts.filter((h) => h.kind !== 'switch' && h.kind !== 'pod');
    const mounts = new Map(machines.map((h) => [h.id, h.mounts ?? []]));
    for (const h of hosts) if (h.kind === 'switch') this.switches.add(h.id);
    const missing = machines.filter((h) => !this.targets.has(h.id)).map((h) => h.id);
    if (missing.length) throw new HarnessError(`the inventory has no machine for ${missing.join(', ')}; add hosts.${missing[0]} (address, underlay: {interface, address}) to it`);
    // The devices each machine already has: never reconfigured, never removed.
    await Promise.all(
      machines.map(async (h) => {
        const links = JSON.parse((await this.pool.exec(h.id, ['ip', '-j', 'addr', 'show'])).stdout) as { ifname: string; addr_info?: { local: string }[] }[];
        this.existing.set(h.id, new Set(links.map((l) => l.ifname)));
        this.addresses.set(h.id, new Set(links.flatMap((l) => (l.addr_info ?? []).map((a) => `${l.ifname} ${a.local}`))));
        this.ours.set(h.id, new Set());
        this.places.set(h.id, { machine: h.id });
        this.ctx.ledger.record({ kind: 'host-change', host: h.id, what: 'run directory', undo: ['rm', '-rf', this.remoteRunDir()] });
        await this.pool.exec(h.id, ['mkdir', '-p', join(this.remoteRunDir(), 'files')]);
        await this.sameRunDirectory(h.id);
        for (const file of mounts.get(h.id) ?? []) await this.putFile(h.id, file);
      }),
    );
    const pods = hosts.filter((h) => h.kind === 'pod');
    for (const p of pods) this.places.set(p.id, this.machineOf(p.id));
    await Promise.all(
      [...groupBy(pods, (p) => this.machineOf(p.id).machine)].map(([machine, list]) =>
        this.ipOnMachine(machine, list.map((p) => ip.netnsAdd(this.machineOf(p.id).ns!))),
      ),
    );
  }

  /**
   * Steps name files under the run directory (a daemon's subnet file): the machine gets the same
   * path, made for the run and removed at teardown, unless it is this machine's own directory
   * (a machine that shares this file system), which is left alone.
   */
  private async sameRunDirectory(machine: string): Promise<void> {
    const runDir = dirname(this.ctx.ledger.file);
    const said = (await this.pool.exec(machine, ['sh', '-c', '[ -d "$1" ] && echo exists || { mkdir -p "$1" && echo made; }', 'sh', runDir])).stdout.trim();
    if (said === 'made') this.ctx.ledger.record({ kind: 'host-change', host: machine, what: 'the run directory\'s path', undo: ['rm', '-rf', runDir] });
  }

  /**
   * A file a host runs (upstream flanneld's binary) at the same path on the machine: copied over
   * SFTP when it is not there, left alone when the same bytes already are, refused when other
   * bytes are (a file of someone else's).
   */
  private async putFile(machine: string, file: string): Promise<void> {
    const local = createHash('sha256').update(readFileSync(file)).digest('hex');
    const there = (await this.pool.exec(machine, ['sh', '-c', '[ -e "$1" ] && sha256sum "$1" | cut -d" " -f1 || echo absent', 'sh', file])).stdout.trim();
    if (there === local) return;
    if (there !== 'absent') throw new HarnessError(`${machine} already has a different ${file}; the run needs this machine's copy there (remove it, or install the same build)`);
    this.ctx.ledger.record({ kind: 'host-change', host: machine, what: `copy of ${file}`, undo: ['rm', '-f', file] });
    await this.pool.exec(machine, ['mkdir', '-p', dirname(file)]);
    await this.pool.sftp(machine, (s) => putFile(s, file, file, 0o755));
  }

  /** Where the run's files live on a machine (removed at teardown). */
  private remoteRunDir(): string {
    return `/run/overlab/ssh-${this.ctx.runId}`;
  }

  async wire(links: readonly LinkDecl[]): Promise<void> {
    const byMachine = new Map<string, IpLine[]>();
    for (const l of links) {
      if (this.switches.has(l.a.host)) {
        this.checkAttachment(l.b.host, l.b.ifname, l.b.ip);
        continue;
      }
      // A pod's veth: one end in the node's machine (a's host), the other in the pod's namespace.
      const a = this.machineOf(l.a.host);
      const b = this.machineOf(l.b.host);
      if (a.machine !== b.machine) throw new HarnessError(`link ${l.a.host}:${l.a.ifname} - ${l.b.host}:${l.b.ifname} would join two machines; the ssh provider only makes links inside one`);
      const line = ip.addVethPair({ name: l.a.ifname, mac: l.a.mac, mtu: l.a.mtu, netns: a.ns }, { name: l.b.ifname, mac: l.b.mac, mtu: l.b.mtu, netns: b.ns });
      byMachine.set(a.machine, [...(byMachine.get(a.machine) ?? []), line]);
    }
    await Promise.all([...byMachine].map(([machine, lines]) => this.ipOnMachine(machine, lines)));
  }

  /** The machine's interface on a segment must be the plan's, with the plan's address. */
  private checkAttachment(host: string, ifname: string, address: string | undefined): void {
    const inv = this.inventory?.hosts[host];
    if (!inv) return;
    const a = [inv.underlay, inv.external].find((x) => x?.interface === ifname);
    if (!a) throw new HarnessError(`the plan puts ${host}'s ${ifname} on a segment, but hosts.${host} in ${this.inventory!.file} names no interface ${ifname} (underlay/external); the ssh provider uses the scenario's interface names: ${ifname}`);
    if (address && a.address !== address) throw new HarnessError(`hosts.${host}: ${ifname} is ${a.address} in the inventory but ${address} in the scenario; make them the same`);
    if (!this.existing.get(host)?.has(ifname)) throw new HarnessError(`${host} has no interface ${ifname} (the inventory says it does); fix hosts.${host} in ${this.inventory!.file}`);
  }

  /** Lines for a machine's own namespace: each classified, its undo recorded, then sent in one batch. */
  private async ipOnMachine(machine: string, lines: readonly IpLine[]): Promise<void> {
    const existing = this.existing.get(machine) ?? new Set<string>();
    const ours = this.ours.get(machine) ?? new Set<string>();
    const send: IpLine[] = [];
    for (const line of lines) {
      const c = classifyIp(line, existing, ours, this.addresses.get(machine));
      if (c.creates) ours.add(c.creates);
      if (c.undo) this.ctx.ledger.record({ kind: 'host-change', host: machine, what: c.undo.what, undo: c.undo.argv });
      if (c.send) send.push(line);
    }
    if (send.length) await this.pool.exec(machine, ['ip', '-batch', '-'], { stdin: batch(send), node: machine });
  }

  async ip(host: string, lines: readonly IpLine[]): Promise<void> {
    if (this.switches.has(host) || lines.length === 0) return;
    const { machine, ns } = this.machineOf(host);
    // Inside a pod's namespace everything goes with the namespace.
    if (ns) await this.pool.exec(machine, ['ip', '-n', ns, '-batch', '-'], { stdin: batch(lines), node: host });
    else await this.ipOnMachine(machine, lines);
  }

  async bridge(host: string, lines: readonly IpLine[]): Promise<void> {
    if (this.switches.has(host) || lines.length === 0) return;
    const { machine, ns } = this.machineOf(host);
    if (!ns) {
      for (const line of lines) {
        const c = classifyBridge(line, this.existing.get(machine) ?? new Set());
        if (c.undo) this.ctx.ledger.record({ kind: 'host-change', host: machine, what: c.undo.what, undo: c.undo.argv });
      }
    }
    await this.pool.exec(machine, ['bridge', ...(ns ? ['-n', ns] : []), '-batch', '-'], { stdin: batch(lines), node: host });
  }

  async sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void> {
    if (this.switches.has(host)) return;
    const { machine, ns } = this.machineOf(host);
    const keys = Object.keys(settings);
    if (!ns) {
      // The machine's values before, so teardown puts them back.
      const before = (await this.pool.exec(machine, ['sysctl', '-n', ...keys])).stdout.trimEnd().split('\n');
      keys.forEach((k, i) => this.ctx.ledger.record({ kind: 'host-change', host: machine, what: `sysctl ${k}`, undo: ['sysctl', '-q', '-w', `${k}=${before[i] ?? ''}`] }));
    }
    await this.node(host).exec(['sysctl', '-q', '-w', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)]);
  }

  async nft(host: string, ruleset: string): Promise<void> {
    if (this.switches.has(host)) return;
    const { machine, ns } = this.machineOf(host);
    if (!ns) {
      for (const t of rulesetTables(ruleset)) this.ctx.ledger.record({ kind: 'host-change', host: machine, what: `nft table ${t.family} ${t.name}`, undo: absentOk(['nft', 'delete', 'table', t.family, t.name]) });
    }
    await this.node(host).exec(['nft', '-f', '/dev/stdin'], { stdin: ruleset });
  }

  /** One host's actions in order, every host at once. */
  async runMany(actions: readonly BulkAction[]): Promise<void> {
    await Promise.all(
      [...groupBy(actions, (a) => a.host)].map(async ([, list]) => {
        for (const a of list) {
          if (a.type === 'ip') await this.ip(a.host, a.lines);
          else if (a.type === 'bridge') await this.bridge(a.host, a.lines);
          else if (a.type === 'sysctl') await this.sysctl(a.host, a.settings);
          else await this.nft(a.host, a.ruleset);
        }
      }),
    );
  }

  node(hostId: string): NodeHandle {
    const { machine, ns } = this.machineOf(hostId);
    return {
      id: hostId,
      location: this.locationOf(hostId),
      exec: (argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> => this.execOn(machine, ns, argv, { node: hostId, ...options }),
    };
  }

  private async execOn(machine: string, ns: string | undefined, argv: readonly string[], options: RunOptions): Promise<CommandResult> {
    if (!ns) await this.recordAdHoc(machine, argv, options.stdin);
    const r = await this.pool.exec(machine, ns ? ['nsenter', `--net=/run/netns/${ns}`, '--', ...argv] : argv, options);
    return { ...r, argv };
  }

  /**
   * Commands that steps send straight to a host (the stand-in's failover moves addresses with
   * `ip -batch -`): their additions on the machine are recorded for undo like the plan's.
   */
  private async recordAdHoc(machine: string, argv: readonly string[], stdin: string | undefined): Promise<void> {
    const isBatch = argv[0] === 'ip' && argv.includes('-batch') && argv[argv.length - 1] === '-';
    if (!isBatch || !stdin) return;
    const existing = this.existing.get(machine) ?? new Set<string>();
    const ours = this.ours.get(machine) ?? new Set<string>();
    for (const raw of stdin.split('\n')) {
      const line = raw.trim().split(/\s+/).filter(Boolean);
      if (line.length === 0) continue;
      const c = classifyIp(line, existing, ours, this.addresses.get(machine));
      if (c.undo) this.ctx.ledger.record({ kind: 'host-change', host: machine, what: c.undo.what, undo: c.undo.argv });
    }
  }

  spawn(hostId: string, argv: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    const { machine, ns } = this.machineOf(hostId);
    for (const dir of options.scratch ?? []) {
      if (!isOursToRemove(dir)) throw new HarnessError(`not writing ${dir} on ${machine}: a scratch directory of the run is under /run/overlab/`);
      this.ctx.ledger.record({ kind: 'host-change', host: machine, what: `scratch directory ${dir}`, undo: ['rm', '-rf', dir] });
    }
    return spawnRemote(this.pool, machine, hostId, ns ? ['nsenter', `--net=/run/netns/${ns}`, '--', ...argv] : argv, this.ctx.ledger, options);
  }

  /** `overlab exec`: OpenSSH's client with the same key, known_hosts and proxy as the harness. */
  execArgv(location: string, argv: readonly string[]): string[] {
    const m = /^(\S+)@(\S+):(\d+)(?: netns (\S+))?$/.exec(location);
    if (!m) throw new HarnessError(`cannot reach ${location} over SSH`);
    const t = [...this.targets.values()].find((x) => x.address === m[2] && String(x.port) === m[3] && x.user === m[1])!;
    const inner = m[4] ? ['nsenter', `--net=/run/netns/${m[4]}`, '--', ...(argv.length ? argv : ['bash'])] : argv;
    return [
      'ssh',
      ...(inner.length ? ['-t'] : []),
      '-p', m[3]!,
      ...(t?.privateKey ? ['-i', t.privateKey] : []),
      '-o', `UserKnownHostsFile=${t?.knownHosts ?? '~/.ssh/known_hosts'}`,
      '-o', 'StrictHostKeyChecking=yes',
      ...(t?.proxyCommand ? ['-o', `ProxyCommand=${commandLine(t.proxyCommand)}`] : []),
      `${m[1]}@${m[2]}`,
      ...(inner.length ? ['--', commandLine(inner)] : []),
    ];
  }

  readonly files: HostFiles = {
    pathIn: (_host: string, localPath: string) => join(this.remoteRunDir(), 'files', basename(localPath)),
    fetch: (host: string, pathIn: string, localPath: string) => this.pool.sftp(this.machineOf(host).machine, (s) => fetchFile(s, pathIn, localPath)),
  };

  render(action: HostAction): string[][] {
    const on = (host: string, argv: string[]) => [`[${host}]`, ...argv];
    switch (action.type) {
      case 'create-hosts':
        return action.hosts.filter((h) => h.kind === 'pod').map((h) => on(h.id.split('.')[0]!, ['ip', 'netns', 'add', netnsName('RUN', h.id)]));
      case 'wire':
        return action.links.filter((l) => l.a.host !== 'underlay').map((l) => on(l.a.host, ['ip', 'link', 'add', l.a.ifname, 'type', 'veth', 'peer', l.b.ifname]));
      case 'ip':
      case 'bridge':
        return action.lines.map((l) => on(action.host, [action.type, ...l]));
      case 'sysctl':
        return [on(action.host, ['sysctl', '-w', ...Object.entries(action.settings).map(([k, v]) => `${k}=${v}`)])];
      case 'nft':
        return [on(action.host, ['nft', '-f', '/dev/stdin'])];
      case 'spawn':
      case 'wait-command':
        return [on(action.host, action.argv)];
      case 'exec':
        return action.commands.map((c) => on(action.host, c));
      case 'wait-ping':
        return [on(action.from, ['ping', '-c', '1', '-W', '1', action.to])];
    }
  }

  /**
   * The provider's own entries: its remote processes (by pid and start time, so a reused pid is
   * left alone). Host changes were undone by the core before this; then the connections close.
   */
  async teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    const failures = await this.stopProcesses(entries);
    await this.pool.close();
    return failures;
  }

  /** The run's remote processes, ended by pid and start time (a reused pid is left alone). */
  async stopProcesses(entries: readonly LedgerEntry[]): Promise<Error[]> {
    const failures: Error[] = [];
    const procs = entriesOf<SshProcessEntry>(entries, 'ssh-process', 'machine', 'startTicks');
    await Promise.all(
      procs.reverse().map((p) =>
        this.pool.exec(p.machine, killIfSame(p.pid, p.startTicks, 'KILL'), { timeoutMs: 10_000 }).catch((e: Error) => failures.push(new Error(`ending ${p.argv.join(' ')} (pid ${p.pid}) on ${p.machine}: ${e.message}`))),
      ),
    );
    return failures;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return m;
}

/** The only scratch directories the ssh provider removes on a machine: the run's, under /run/overlab/. */
const isOursToRemove = (dir: string): boolean => dir.startsWith('/run/overlab/') && !dir.includes('/../');
