// "Existing machines" for the ssh provider's tests (not a test file): one network namespace per
// host of a scenario (nodes, units, client), wired like real machines already are — an underlay
// and an external segment through a switch namespace, each machine's interface with its
// address and a MAC of the kernel's choosing — plus a management network on which each machine
// runs a real sshd. The harness reaches them only over SSH, through a proxy command into the
// management namespace. `state()` reads a machine's kernel state with ip/bridge/nft, for
// before/after comparisons; stop() removes everything.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../harness/plan/types.js';
import { deleteNamespace, keyPair, startSshd, type Sshd } from './_sshd.js';

const run = (argv: string[], input?: string) => execFileSync(argv[0]!, argv.slice(1), { input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 15_000 }).toString();

export interface Machines {
  dir: string;
  inventory: string;
  knownHosts: string;
  clientKey: string;
  /** Scenario host → its namespace. */
  namespaces: Record<string, string>;
  sshd: Record<string, Sshd>;
  state(host: string): string;
  stop(): Promise<void>;
}

export async function makeMachines(plan: Plan, tag: string): Promise<Machines> {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-machines-'));
  const clientKey = keyPair(dir, 'id_ed25519');
  const sw = `oltest-${tag}-sw`;
  const mgmt = `oltest-${tag}-mgmt`;
  const wire = plan.steps.find((s) => s.action.type === 'wire')!.action as Extract<Plan['steps'][number]['action'], { type: 'wire' }>;
  const attachments = wire.links.filter((l) => l.a.host === 'underlay').map((l) => ({ host: l.b.host, ifname: l.b.ifname, ip: l.b.ip!, segment: l.segment! }));
  const hosts = [...new Set(attachments.map((a) => a.host))];
  const namespaces = Object.fromEntries(hosts.map((h) => [h, `oltest-${tag}-${h}`]));
  const all = [sw, mgmt, ...Object.values(namespaces)];
  const sshd: Record<string, Sshd> = {};
  const created: string[] = [];
  const stop = async () => {
    await Promise.all(Object.values(sshd).map((s) => s.stop()));
    for (const ns of created) deleteNamespace(ns);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const t = plan.topology;
    const prefix = { underlay: t.underlay.prefixLength, external: t.bigip?.external.prefixLength ?? 24 } as Record<string, number>;
    const lines: string[] = [...all.map((ns) => `netns add ${ns}`)];
    for (const ns of all) lines.push(`-n ${ns} link set lo up`);
    lines.push(`-n ${sw} link add br-underlay type bridge`, `-n ${sw} link add br-external type bridge`, `-n ${sw} link set br-underlay up`, `-n ${sw} link set br-external up`);
    lines.push(`-n ${mgmt} link add br-mgmt type bridge`, `-n ${mgmt} addr add 10.3.72.1/24 dev br-mgmt`, `-n ${mgmt} link set br-mgmt up`);
    attachments.forEach((a, i) => {
      const ns = namespaces[a.host]!;
      lines.push(`link add p${i} netns ${sw} type veth peer name ${a.ifname} netns ${ns}`);
      lines.push(`-n ${sw} link set p${i} master br-${a.segment}`, `-n ${sw} link set p${i} up`);
      lines.push(`-n ${ns} addr add ${a.ip}/${prefix[a.segment]} dev ${a.ifname}`, `-n ${ns} link set ${a.ifname} up`);
    });
    hosts.forEach((h, i) => {
      const ns = namespaces[h]!;
      lines.push(`link add m${i} netns ${mgmt} type veth peer name mgmt0 netns ${ns}`);
      lines.push(`-n ${mgmt} link set m${i} master br-mgmt`, `-n ${mgmt} link set m${i} up`);
      lines.push(`-n ${ns} addr add 10.3.72.${10 + i}/24 dev mgmt0`, `-n ${ns} link set mgmt0 up`);
    });
    // `ip -batch` takes `-n NS` only as a global option: run each line on its own.
    for (const l of lines) {
      run(['ip', ...l.split(' ')]);
      if (l.startsWith('netns add ')) created.push(l.slice('netns add '.length));
    }
    await settled(Object.values(namespaces));
    const knownHosts = join(dir, 'known_hosts');
    await Promise.all(hosts.map(async (h, i) => (sshd[h] = await startSshd({ ns: namespaces[h]!, address: `10.3.72.${10 + i}`, clientKey }))));
    writeFileSync(knownHosts, hosts.map((h, i) => sshd[h]!.hostKeyLine(`10.3.72.${10 + i}`)).join('\n') + '\n');
    const inventory = join(dir, 'inventory.yaml');
    const yaml = [
      `knownHosts: ${knownHosts}`,
      `defaults: { user: root, key: ${clientKey}, connectTimeoutMs: 5000 }`,
      'hosts:',
      ...hosts.flatMap((h, i) => {
        const mine = attachments.filter((a) => a.host === h);
        return [
          `  ${h}:`,
          `    address: 10.3.72.${10 + i}`,
          `    proxyCommand: [nsenter, --net=/run/netns/${mgmt}, --, socat, STDIO, "TCP:%h:%p,nodelay"]`,
          ...mine.map((a) => `    ${a.segment}: { interface: ${a.ifname}, address: ${a.ip} }`),
        ];
      }),
    ];
    writeFileSync(inventory, yaml.join('\n') + '\n');
    return {
      dir,
      inventory,
      knownHosts,
      clientKey,
      namespaces,
      sshd,
      state: (host) => machineState(namespaces[host]!),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A machine's kernel state that a run may change, without counters and learned entries. */
export function machineState(ns: string): string {
  const j = (argv: string[]) => JSON.parse(run(['ip', 'netns', 'exec', ns, ...argv]) || '[]') as Record<string, unknown>[];
  const links = j(['ip', '-j', 'link', 'show']).map((l) => ({ name: l.ifname, mtu: l.mtu, flags: l.flags, master: l.master, address: l.address }));
  const addrs = j(['ip', '-j', 'addr', 'show']).map((l) => ({ name: l.ifname, addrs: ((l.addr_info as { local: string; prefixlen: number }[]) ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort() }));
  const routes = j(['ip', '-j', 'route', 'show', 'table', 'all']);
  const neigh = j(['ip', '-j', 'neigh', 'show', 'nud', 'permanent']);
  const fdb = j(['bridge', '-j', 'fdb', 'show']).map((f) => ({ mac: f.mac, dev: f.ifname, dst: f.dst, state: f.state, flags: f.flags })).filter((f) => f.state === 'permanent' || f.state === 'static')
    // The kernel's own multicast memberships (IPv4 01:00:5e:..., IPv6 33:33:...) come and go with address configuration.
    .filter((f) => !/^(01:00:5e|33:33):/.test(String(f.mac)));
  const nft = run(['ip', 'netns', 'exec', ns, 'nft', 'list', 'tables']);
  const sysctl = run(['ip', 'netns', 'exec', ns, 'sysctl', '-n', 'net.ipv4.ip_forward', 'net.ipv6.conf.default.addr_gen_mode']);
  return JSON.stringify({ links, addrs, routes, neigh, fdb, nft, sysctl }, null, 1);
}

/** Machines as they stay: every link with carrier, IPv6 duplicate address detection done. */
async function settled(namespaces: readonly string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const busy = namespaces.filter((ns) => {
      const links = JSON.parse(run(['ip', '-n', ns, '-j', 'addr', 'show'])) as { flags: string[]; addr_info?: { family: string; tentative?: boolean }[] }[];
      return links.some((l) => l.flags.includes('NO-CARRIER') || !(l.addr_info ?? []).some((a) => a.family === 'inet6') && l.flags.includes('UP') && !l.flags.includes('LOOPBACK') || (l.addr_info ?? []).some((a) => a.tentative));
    });
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`test machines did not settle: ${busy.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
