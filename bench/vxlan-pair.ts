// A throwaway testbed for captures: two namespaces `pcapt-<random>-a` / `-b` joined by a veth
// (`ul0`, 198.18.0.1/24 and .2, RFC 2544 benchmarking space), each with a VXLAN device `vx0`
// (id 0, dstport 8472, learning, remote = the other end, 198.19.0.1/24 and .2). IPv6 is off in
// both, so the only traffic is what we send plus ARP. Nothing leaves the two namespaces, and
// every tool runs with -n (no name lookups). The bench and test/integration/pcap-tshark use it.
import { randomBytes } from 'node:crypto';
import { LocalRunner, type CommandRunner } from '../harness/core/command.js';
import { CommandError } from '../harness/core/errors.js';

export interface VxlanPair {
  nsA: string;
  nsB: string;
  /** The veth end in each namespace. */
  underlayDev: string;
  underlayA: string;
  underlayB: string;
  vxlanDev: string;
  overlayA: string;
  overlayB: string;
  vni: number;
  port: number;
  /** argv that runs `argv` inside namespace `ns`. */
  inNs(ns: string, argv: readonly string[]): string[];
  /** Kills whatever still runs inside the two namespaces (by pid, from `ip netns pids`), then deletes them. */
  destroy(): Promise<void>;
}

export interface VxlanPairOptions {
  /** Namespace name prefix (default `pcapt-<6 hex>`); the namespaces are `<prefix>-a` and `-b`. */
  prefix?: string;
  vni?: number;
  port?: number;
  runner?: CommandRunner;
}

export async function createVxlanPair(options: VxlanPairOptions = {}): Promise<VxlanPair> {
  const runner = options.runner ?? new LocalRunner();
  const prefix = options.prefix ?? `pcapt-${randomBytes(3).toString('hex')}`;
  const vni = options.vni ?? 0;
  const port = options.port ?? 8472;
  const pair: VxlanPair = {
    nsA: `${prefix}-a`,
    nsB: `${prefix}-b`,
    underlayDev: 'ul0',
    underlayA: '198.18.0.1',
    underlayB: '198.18.0.2',
    vxlanDev: 'vx0',
    overlayA: '198.19.0.1',
    overlayB: '198.19.0.2',
    vni,
    port,
    inNs: (ns, argv) => ['ip', 'netns', 'exec', ns, ...argv],
    destroy: async () => {
      const errors: string[] = [];
      for (const ns of created) {
        // Anything still running inside (a capture or sender left by an error) goes first.
        const pids = await runner.run(['ip', 'netns', 'pids', ns], { allowFailure: true });
        for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        const r = await runner.run(['ip', 'netns', 'del', ns], { allowFailure: true });
        if (r.exitCode !== 0 && !/No such file/.test(r.stderr)) errors.push(`ip netns del ${ns}: ${r.stderr.trim()}`);
      }
      created.length = 0;
      if (errors.length) throw new CommandError(errors.join('; '), { argv: ['ip', 'netns', 'del'] });
    },
  };
  const created: string[] = [];
  try {
    for (const ns of [pair.nsA, pair.nsB]) {
      // Recorded once it exists: a name that was taken (add fails) is never ours to delete.
      await runner.run(['ip', 'netns', 'add', ns]);
      created.push(ns);
      // No IPv6: no link-local, MLD or ND traffic in the capture.
      for (const key of ['all', 'default']) await runner.run(pair.inNs(ns, ['sysctl', '-q', '-w', `net.ipv6.conf.${key}.disable_ipv6=1`]));
    }
    await runner.run(['ip', '-n', pair.nsA, 'link', 'add', 'ul0', 'type', 'veth', 'peer', 'name', 'ul0', 'netns', pair.nsB]);
    for (const [ns, local, remote, overlay] of [
      [pair.nsA, pair.underlayA, pair.underlayB, pair.overlayA],
      [pair.nsB, pair.underlayB, pair.underlayA, pair.overlayB],
    ] as const) {
      const batch = [
        `link set lo up`,
        `addr add ${local}/24 dev ul0`,
        `link set ul0 up`,
        `link add vx0 type vxlan id ${vni} dstport ${port} local ${local} remote ${remote} dev ul0 learning`,
        `addr add ${overlay}/24 dev vx0`,
        `link set vx0 up`,
      ].join('\n');
      await runner.run(['ip', '-n', ns, '-batch', '-'], { stdin: batch + '\n' });
    }
    return pair;
  } catch (e) {
    await pair.destroy().catch(() => undefined);
    throw e;
  }
}
