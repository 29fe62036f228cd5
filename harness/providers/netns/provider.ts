// The netns provider: every host is a Linux network namespace with real kernel devices.
// Namespaces and veth pairs are made in one `ip -batch` from the host namespace. Everything
// inside a namespace goes over an rtnetlink socket opened in it (netlink-config.ts, no process
// at all), or, without the native addon, one `ip -n NS -batch FILE` per namespace.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalRunner, type CommandRunner, type RunOptions } from '../../core/command.js';
import { CommandError, tail } from '../../core/errors.js';
import { entriesOf, type LedgerEntry } from '../../core/ledger.js';
import { ip, type IpLine } from '../../devices/linux/commands.js';
import type { HostAction, HostDecl, LinkEnd, StepAction } from '../../plan/types.js';
import type { BulkAction, ManagedProcess, NodeHandle, Prerequisite, Provider, ProviderContext, SpawnOptions } from '../types.js';
import { spawnManaged } from './spawn.js';
import { netnsName, type NetnsEntry } from './names.js';
import { UNDERLAY_HOST } from '../../plan/plan.js';
import { endProcesses, netnsInode, pidsByNetns } from './processes.js';
import { checkTools } from '../preflight.js';
import { reapOrphans } from '../../core/reaper.js';
import { netnsAddon } from '../../netlink/addon.js';
import { NetlinkConfigurator } from './netlink-config.js';

const SWITCH_PORT_INDEX = 1000;

const batchInput = (lines: readonly IpLine[]): string => lines.map((l) => l.join(' ')).join('\n') + '\n';

export class NetnsProvider implements Provider {
  readonly kind = 'netns';
  readonly localKernel = true;
  constructor(
    private readonly ctx: ProviderContext,
    private readonly runner: CommandRunner = new LocalRunner(),
  ) {}

  async preflight(): Promise<Prerequisite[]> {
    return checkTools(['ip', 'bridge', 'nsenter', 'ping', 'fping', 'sysctl', 'nft', 'conntrack', 'arping', 'socat']);
  }

  locationOf(hostId: string): string {
    return netnsName(this.ctx.runId, hostId);
  }

  async createHosts(hosts: readonly HostDecl[]): Promise<void> {
    const names = hosts.map((h) => this.locationOf(h.id));
    this.ctx.ledger.record(...names.map((name): LedgerEntry => ({ kind: 'netns', name })));
    await this.batch(['ip', '-batch', '-'], names.map(ip.netnsAdd), 'host');
  }

  async wire(links: readonly { a: LinkEnd; b: LinkEnd }[]): Promise<void> {
    // Both ends are created inside namespaces the ledger already lists: deleting those removes them.
    await this.batch(['ip', '-batch', '-'], links.map((l, i) => this.vethLine(l.a, l.b, i)), 'host');
  }

  ip(host: string, lines: readonly IpLine[]): Promise<void> {
    return this.batch(['ip', '-n', this.locationOf(host), '-batch', '-'], lines, host);
  }

  bridge(host: string, lines: readonly IpLine[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return this.batch(['bridge', '-n', this.locationOf(host), '-batch', '-'], lines, host);
  }

  async sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void> {
    const pairs = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
    await this.node(host).exec(['sysctl', '-q', '-w', ...pairs]);
  }

  node(hostId: string): NodeHandle {
    const location = this.locationOf(hostId);
    const runner = this.runner;
    return {
      id: hostId,
      location,
      exec: (argv: readonly string[], options: RunOptions = {}) => runner.run(this.execArgv(location, argv), { node: hostId, ...options }),
    };
  }

  /**
   * Netlink first: every action it can carry out in-process (netlink-config.ts). The rest, a
   * few spawns for all of them: every action becomes a group of words for xargs, which runs
   * `ip -n NS -batch FILE` (and `bridge ...`, `nsenter --net=NS sysctl|nft ...`) four at a time,
   * each kind through its own xargs, all at once. Starting a process costs ~3 ms on these
   * machines, so the words go straight to ip/bridge with no trampoline. The batch files stay in
   * the run directory (batches/), so a failure names the file and line.
   */
  async runMany(all: readonly BulkAction[]): Promise<void> {
    const actions = this.netlink ? await this.netlink.apply(all) : all;
    if (actions.length === 0) return;
    const dir = join(dirname(this.ctx.ledger.file), 'batches');
    mkdirSync(dir, { recursive: true });
    const groups: Record<'ip' | 'bridge' | 'nsenter', string[]> = { ip: [], bridge: [], nsenter: [] };
    for (const a of actions) {
      const ns = this.locationOf(a.host);
      const file = join(dir, `${++this.batchCount}-${a.host}.${a.type}`);
      if (a.type === 'ip' || a.type === 'bridge') {
        if (a.lines.length === 0) continue;
        writeFileSync(file, batchInput(a.lines));
        groups[a.type].push('-n', ns, '-batch', file);
      } else if (a.type === 'nft') {
        writeFileSync(file, a.ruleset);
        groups.nsenter.push(`--net=/run/netns/${ns}`, 'nft', '-f', file);
      } else {
        for (const [k, v] of Object.entries(a.settings)) groups.nsenter.push(`--net=/run/netns/${ns}`, 'sysctl', '-qw', `${k}=${v}`);
      }
    }
    const runs = (Object.entries(groups) as [keyof typeof groups, string[]][])
      .filter(([, words]) => words.length > 0)
      .map(async ([command, words]) => {
        const argv = ['xargs', '-0', '-n', '4', '-P', '4', command];
        const r = await this.runner.run(argv, { stdin: words.join('\0') + '\0', allowFailure: true });
        if (r.exitCode !== 0) {
          throw new CommandError(`configuring hosts failed (batch files in ${dir}): ${tail(r.stderr, 12) || `xargs exited ${r.exitCode}`}`, {
            argv,
            exitCode: r.exitCode,
            stderrTail: tail(r.stderr),
          });
        }
      });
    const results = await Promise.allSettled(runs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private batchCount = 0;

  /** The in-process path (see netlink-config.ts); undefined when the addon is not built. */
  private readonly netlink = (() => {
    const { addon } = netnsAddon();
    return addon && new NetlinkConfigurator(addon, (host) => `/run/netns/${this.locationOf(host)}`, (host) => this.locationOf(host));
  })();

  prepare(actions: Iterable<BulkAction>): Promise<void> {
    return this.netlink ? this.netlink.prepare(actions) : Promise.resolve();
  }

  /**
   * `nft -f -` is not reliable here: run from some parents (ava's workers) nft 1.0.6 looks for a
   * file named "-" and still exits 0. The ruleset goes to a file in the run directory instead,
   * which also keeps what was applied as evidence.
   */
  async nft(hostId: string, ruleset: string): Promise<void> {
    const dir = join(dirname(this.ctx.ledger.file), 'nft');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${hostId}-${++this.nftCount}.nft`);
    writeFileSync(file, ruleset);
    await this.node(hostId).exec(['nft', '-f', file]);
  }

  private nftCount = 0;

  spawn(hostId: string, argv: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    return spawnManaged(hostId, this.execArgv(this.locationOf(hostId), argv), this.ctx.ledger, options);
  }

  /** `nsenter --net` only switches the network namespace: cheaper than `ip netns exec`. */
  execArgv(location: string, argv: readonly string[]): string[] {
    return ['nsenter', `--net=/run/netns/${location}`, '--', ...argv];
  }

  localArgv(hostId: string, argv: readonly string[]): string[] {
    return this.execArgv(this.locationOf(hostId), argv);
  }

  render(action: HostAction): string[][] {
    switch (action.type) {
      case 'create-hosts':
        return action.hosts.map((h) => ['ip', ...ip.netnsAdd(this.locationOf(h.id))]);
      case 'wire':
        return action.links.map((l, i) => ['ip', ...this.vethLine(l.a, l.b, i)]);
      case 'ip':
        return action.lines.map((l) => ['ip', '-n', this.locationOf(action.host), ...l]);
      case 'bridge':
        return action.lines.map((l) => ['bridge', '-n', this.locationOf(action.host), ...l]);
      case 'sysctl':
        return [this.execArgv(this.locationOf(action.host), ['sysctl', '-q', '-w', ...Object.entries(action.settings).map(([k, v]) => `${k}=${v}`)])];
      case 'nft':
        return [this.execArgv(this.locationOf(action.host), ['nft', '-f', `RUNDIR/nft/${action.host}-N.nft`]), ...action.ruleset.trimEnd().split('\n').map((l) => ['    ' + l])];
      case 'spawn':
        return [this.execArgv(this.locationOf(action.host), action.argv)];
      case 'exec':
        return action.commands.map((c) => this.execArgv(this.locationOf(action.host), c));
      case 'wait-command':
        return [this.execArgv(this.locationOf(action.host), action.argv)];
      case 'wait-ping':
        return [this.execArgv(this.locationOf(action.from), ['ping', '-c', '1', '-W', '1', action.to])];
    }
  }

  async teardown(entries: readonly LedgerEntry[]): Promise<Error[]> {
    const failures: Error[] = [];
    const namespaces = [...new Set(entriesOf<NetnsEntry>(entries, 'netns', 'name').map((e) => e.name))].reverse();
    const present = namespaces.filter((n) => existsSync(`/run/netns/${n}`));
    // Processes first: a namespace with a process in it outlives `ip netns del`. Every process
    // we start lives in one of our namespaces, so this also covers the ledger's process entries.
    const inodes = new Set(present.map(netnsInode).filter((i): i is number => i !== undefined));
    const inside = () => [...pidsByNetns()].filter(([inode]) => inodes.has(inode)).flatMap(([, pids]) => pids);
    // Leaves first and each one reaped (see endProcesses): no defunct socat or tcpdump left.
    const stuck = inodes.size > 0 ? await endProcesses(inside) : [];
    if (stuck.length > 0) failures.push(new CommandError(`processes ${stuck.join(', ')} of the run did not end within 3 s of SIGKILL`, { argv: ['kill', '-KILL', ...stuck.map(String)] }));
    if (present.length > 0) {
      const result = await this.runner.run(['ip', '-force', '-batch', '-'], { stdin: batchInput(present.map(ip.netnsDel)), allowFailure: true });
      for (const name of present) {
        if (existsSync(`/run/netns/${name}`)) {
          failures.push(new CommandError(`namespace ${name} is still there after ip netns del: ${result.stderr.trim() || 'no error printed'}`, { argv: ['ip', 'netns', 'del', name] }));
        }
      }
      // A process being started as the run was killed (nsenter has the namespace open, not yet
      // entered) joins it after the scan above and would live on in it, unnamed. The inodes stay
      // valid while anything holds them: look again, briefly, and end whatever arrived.
      for (let pass = 0; pass < 3 && inodes.size > 0; pass++) {
        const late = [...pidsByNetns()].filter(([inode]) => inodes.has(inode)).flatMap(([, pids]) => pids).filter((pid) => pid !== process.pid);
        if (late.length === 0 && pass > 0) break;
        await endProcesses(() => late, 1000);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    reapOrphans();
    return failures;
  }

  /**
   * Switch ports get ifindex 1000+: left to the kernel, port N of a fresh switch namespace would
   * get the same ifindex as its peer (eth0 is 2 in every host), and the kernel treats a carrier
   * change on a veth whose ifindex equals its peer's (iflink) as not urgent: linkwatch batches it
   * up to a second, the bridge port stays disabled, and the first cross-node ping is lost.
   */
  private vethLine(a: LinkEnd, b: LinkEnd, position: number): IpLine {
    const index = a.host === UNDERLAY_HOST ? SWITCH_PORT_INDEX + position : undefined;
    return ip.addVethPair(
      { name: a.ifname, mac: a.mac, mtu: a.mtu, netns: this.locationOf(a.host), index },
      { name: b.ifname, mac: b.mac, mtu: b.mtu, netns: this.locationOf(b.host) },
    );
  }

  private async batch(argv: string[], lines: readonly IpLine[], node: string): Promise<void> {
    if (lines.length === 0) return;
    await this.runner.run(argv, { stdin: batchInput(lines), node });
  }
}
