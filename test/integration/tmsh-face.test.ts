// The stand-in's tmsh face on two namespaces wired like the failover scenario's units (underlay,
// external VLAN, an HA link on 10.3.72.x), driven as the driver drives a unit: through the
// launcher, `ip netns exec <unit> tmsh -q -c '<the contract's transaction>'`. Checked against
// what the kernel holds (ip -j, bridge -j, nft -j, never the face's own files), then through the
// show/list output read with tmsh-shape's parsers; `run sys failover standby` moves
// traffic-group-1 (both units read back, and the old active hears the new one's gratuitous ARP);
// the teardown transaction leaves each namespace as it found it. Everything is removed at the end,
// even on failure.
import test from 'ava';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { collect, missingPrerequisites, poll, prereqTest, removeRunNamespaces, runNamespaces, toolsMissing, type CliResult } from './_env.js';
import { json, normalise } from './_kernel-state.js';
import { toolEnv } from '../../harness/core/process.js';
import { writeLauncher } from '../../harness/devices/bigip/tmsh-face/launcher.js';
import { parseFailoverStatus, parseShowNetArp, parseShowNetFdb, parseTunnelProperties } from '../../harness/devices/bigip/tmsh-shape/parse.js';
import { parseListNetSelf, parseListNetTunnel, parseListNetVlan } from '../../harness/devices/bigip/tmsh-shape/list.js';
import { BIGIP1, BIGIP2, PREFIX, configureCommands, teardownCommands, transaction, unitJson, type ContractUnit } from '../helpers/tmsh-contract.js';

const RUN = `tf${process.pid}`;
const RUN_SOLO = `tf${process.pid}s`;
const missing = [missingPrerequisites()?.replace(/^needs /, ''), ...toolsMissing(['nft', 'conntrack', 'arping'])].filter((m): m is string => Boolean(m));

test.after.always(() => {
  const left = [...removeRunNamespaces(RUN), ...removeRunNamespaces(RUN_SOLO)];
  if (left.length) console.warn(`tmsh-face: removed ${left.length} namespace(s) a failed test left`);
});

interface Unit {
  name: 'bigip1' | 'bigip2';
  ns: string;
  addresses: ContractUnit;
  tunnelMac: string;
  launcher: string;
}

const TUNNEL = `${PREFIX}flannel_vxlan`;
const VIP = '10.1.10.100';
const FLOATING = '10.217.31.1';

/**
 * What a namespace holds, as iproute2 prints it, for before/after, without what the kernel changes
 * for good once a link was up (qdisc noop becomes noqueue; multicast memberships).
 */
function netState(ns: string): Record<string, unknown> {
  const noQdisc = (argv: string[]) => (json(argv) as Record<string, unknown>[]).map(({ qdisc: _q, ...l }) => l);
  return {
    links: normalise(noQdisc(['ip', '-n', ns, '-d', '-j', 'link', 'show'])),
    addresses: normalise(noQdisc(['ip', '-n', ns, '-j', 'addr', 'show'])),
    routes: normalise(json(['ip', '-n', ns, '-j', 'route', 'show', 'table', 'all'])),
    // The HA link is the harness's, and the daemons' datagrams resolve each other's address on it.
    neighbours: normalise((json(['ip', '-n', ns, '-j', 'neigh', 'show']) as { dev: string }[]).filter((n) => n.dev !== 'ha0')),
    // A device's multicast memberships show as `self permanent` entries; a link that was up once
    // (with carrier) and is down again has left IPv6's all-nodes group: the kernel's, like qdisc.
    fdb: normalise((json(['bridge', '-n', ns, '-j', 'fdb', 'show']) as { mac: string }[]).filter((f) => !/^(33:33|01:00:5e):/.test(f.mac))),
  };
}

const face = (u: Unit, args: readonly string[]): Promise<CliResult> => collect(spawn('ip', ['netns', 'exec', u.ns, u.launcher, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }), 30_000, ['tmsh', ...args]);

async function tmsh(t: import('ava').ExecutionContext, u: Unit, commands: string): Promise<string> {
  const r = await face(u, ['-q', '-c', commands]);
  t.is(r.code, 0, `${u.name}: tmsh -q -c '${commands.slice(0, 80)}...' exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Starts `tmsh hbd` in the unit and waits for "listening". */
async function startHbd(u: Unit, daemons: ChildProcess[]): Promise<void> {
  const child = spawn('ip', ['netns', 'exec', u.ns, u.launcher, 'hbd'], { stdio: ['ignore', 'pipe', 'pipe'] });
  daemons.push(child);
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${u.name}: tmsh hbd did not say it listens within 5 s: ${err}`)), 5000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (/listening on 10\.3\.72\.\d+:1026/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${u.name}: tmsh hbd exited ${code}: ${err}`)));
  });
}

const addrsOf = (ns: string, dev: string): string[] =>
  (json(['ip', '-n', ns, '-j', '-4', 'addr', 'show', 'dev', dev]) as { addr_info: { local: string; prefixlen: number }[] }[]).flatMap((l) => l.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).sort();
/** nft as the system's (npx puts @vercel/nft's `nft` first on PATH). */
const inUnit = (ns: string, argv: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', env: toolEnv() });
const nftTables = (ns: string): string[] =>
  ((JSON.parse(inUnit(ns, ['nft', '-j', 'list', 'tables'])) as { nftables: { table?: { name: string } }[] }).nftables.flatMap((e) => (e.table ? [e.table.name] : []))).sort();
const nftRules = (ns: string, table: string): { chain: string }[] =>
  (JSON.parse(inUnit(ns, ['nft', '-j', 'list', 'table', 'ip', table])) as { nftables: { rule?: { chain: string } }[] }).nftables.flatMap((e) => (e.rule ? [e.rule] : []));

function wire(units: readonly Unit[]): void {
  const [a, b] = units as [Unit, Unit];
  for (const u of units) execFileSync('ip', ['netns', 'add', u.ns]);
  const pair = (name: string) => execFileSync('ip', ['link', 'add', 'name', name, 'netns', a.ns, 'type', 'veth', 'peer', 'name', name, 'netns', b.ns]);
  // The underlay and the external VLAN, each a veth pair between the units; the HA link, configured as the harness would.
  pair('eth0');
  pair('ext0');
  pair('ha0');
  for (const [u, ha] of [[a, '10.3.72.36/24'], [b, '10.3.72.38/24']] as const) {
    execFileSync('ip', ['-n', u.ns, 'addr', 'add', ha, 'dev', 'ha0']);
    execFileSync('ip', ['-n', u.ns, 'link', 'set', 'dev', 'ha0', 'addrgenmode', 'none', 'up']);
    execFileSync('ip', ['-n', u.ns, 'link', 'set', 'dev', 'lo', 'up']);
  }
}

prereqTest('the tmsh face configures two stand-in units, shows their kernel state, fails over and tears down without a trace', missing, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-tmsh-face-'));
  const daemons: ChildProcess[] = [];
  const units: Unit[] = (['bigip1', 'bigip2'] as const).map((name) => {
    const config = unitJson(name, name === 'bigip1' ? 'ACTIVE' : 'STANDBY');
    const stateDir = join(dir, name);
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'unit.json'), JSON.stringify(config, null, 2));
    return { name, ns: `ol-${RUN}.${name}`, addresses: name === 'bigip1' ? BIGIP1 : BIGIP2, tunnelMac: config.tunnelMac, launcher: writeLauncher(join(dir, 'bin', name, 'tmsh'), { stateDir }) };
  });
  const [bigip1, bigip2] = units as [Unit, Unit];
  try {
    wire(units);
    // Carrier follows the peer through the kernel's linkwatch: read "before" once the HA link is up on both.
    await poll('the HA link up on both units', () => (units.every((u) => (json(['ip', '-n', u.ns, '-j', 'link', 'show', 'dev', 'ha0']) as { operstate: string }[])[0]?.operstate === 'UP') ? true : undefined), 3000, 20);
    const before = Object.fromEntries(units.map((u) => [u.name, netState(u.ns)]));
    for (const u of units) await startHbd(u, daemons);

    // --- configure: one transaction per unit, as the driver sends it
    for (const u of units) await tmsh(t, u, transaction(configureCommands(u.addresses)));

    // --- what the kernel holds
    for (const u of units) {
      const active = u === bigip1;
      const [vx] = json(['ip', '-n', u.ns, '-d', '-j', 'link', 'show', 'dev', 'flannel_vxlan']) as { address: string; mtu: number; flags: string[]; linkinfo: { info_kind: string; info_data: { id: number; port: number; local: string; learning: boolean; link: string } } }[];
      t.like(vx, { address: u.tunnelMac, mtu: 1450, linkinfo: { info_kind: 'vxlan', info_data: { id: 0, port: 8472, local: u.addresses.underlayIp, learning: true, link: 'eth0' } } }, `${u.name}: the tunnel`);
      t.true(vx!.flags.includes('UP'), `${u.name}: a traffic-group-local-only tunnel is up on both units`);
      for (const dev of ['eth0', 'ext0']) t.like((json(['ip', '-n', u.ns, '-j', 'link', 'show', 'dev', dev]) as object[])[0], { mtu: 1500, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] }, `${u.name}: ${dev}`);
      t.deepEqual(addrsOf(u.ns, 'eth0'), [`${u.addresses.underlayIp}/16`]);
      t.deepEqual(addrsOf(u.ns, 'ext0'), [`${u.addresses.externalIp}/24`, ...(active ? [`${VIP}/32`] : [])].sort(), `${u.name}: the virtual address on the active unit only`);
      t.deepEqual(addrsOf(u.ns, 'flannel_vxlan'), [`${u.addresses.tunnelSelfIp}/16`, ...(active ? [`${FLOATING}/16`] : [])].sort(), `${u.name}: the floating self IP on the active unit only`);
      const fdb = (json(['bridge', '-n', u.ns, '-j', 'fdb', 'show', 'dev', 'flannel_vxlan']) as { mac: string; dst?: string; state?: string }[]).filter((f) => f.dst).map((f) => `${f.mac} ${f.dst} ${f.state}`).sort();
      t.deepEqual(fdb, ['00:00:00:00:00:00 10.169.72.127 permanent', '00:00:00:00:00:00 10.169.72.128 permanent', '0a:58:0a:d9:00:01 10.169.72.127 permanent', '0a:58:0a:d9:01:01 10.169.72.128 permanent'], `${u.name}: records and multipoint flooding`);
      t.like((json(['ip', '-n', u.ns, '-j', 'neigh', 'show', 'dev', 'flannel_vxlan']) as object[])[0], { dst: '10.217.0.22', lladdr: '0a:58:0a:d9:00:01', state: ['PERMANENT'] });
      t.deepEqual(nftTables(u.ns), active ? ['overlab_tg1', 'overlab_unit'] : ['overlab_unit'], `${u.name}: traffic-group-1's table on the active unit only`);
      if (active) t.deepEqual(nftRules(u.ns, 'overlab_tg1').map((r) => r.chain), ['prerouting', 'prerouting', 'postrouting', 'postrouting'], 'DNAT and SNAT automap for both virtual servers');
      t.is(inUnit(u.ns, ['sysctl', '-n', 'net.ipv4.ip_forward']).trim(), '1', `${u.name} forwards`);
    }

    // --- the show and list output, read with tmsh-shape's parsers
    const shows = ['show cm failover-status', `show net fdb tunnel ${TUNNEL}`, 'show net arp', `show net tunnels tunnel /Common/${TUNNEL} all-properties`, 'list net self', 'list net vlan', `list net tunnels tunnel ${TUNNEL}`];
    for (const u of units) {
      const [status, fdb, arp, tunnel, selfs, vlans, listed] = await Promise.all(shows.map((s) => tmsh(t, u, s)));
      t.is(parseFailoverStatus(status!), u === bigip1 ? 'ACTIVE' : 'STANDBY');
      t.deepEqual(parseShowNetFdb(fdb!).sort((x, y) => x.mac.localeCompare(y.mac)), [
        { tunnel: TUNNEL, mac: '0a:58:0a:d9:00:01', endpoint: '10.169.72.127', dynamic: false },
        { tunnel: TUNNEL, mac: '0a:58:0a:d9:01:01', endpoint: '10.169.72.128', dynamic: false },
      ]);
      t.deepEqual(parseShowNetArp(arp!), [{ address: '10.217.0.22', mac: '0a:58:0a:d9:00:01', vlan: TUNNEL, status: 'static' }]);
      t.deepEqual(parseTunnelProperties(tunnel!), { name: TUNNEL, mac: u.tunnelMac });
      t.deepEqual(
        parseListNetSelf(selfs!).map((s) => `${s.address} ${s.vlan} ${s.trafficGroup} ${s.floating}`).sort(),
        [
          `${FLOATING}/16 ${TUNNEL} traffic-group-1 true`,
          `${u.addresses.externalIp}/24 ${PREFIX}external traffic-group-local-only false`,
          `${u.addresses.tunnelSelfIp}/16 ${TUNNEL} traffic-group-local-only false`,
          `${u.addresses.underlayIp}/16 ${PREFIX}underlay traffic-group-local-only false`,
        ].sort(),
        `${u.name}: the floating self IP is listed on both units`,
      );
      t.deepEqual(parseListNetVlan(vlans!), [{ name: `${PREFIX}underlay`, mtu: 1500 }, { name: `${PREFIX}external`, mtu: 1500 }]);
      t.deepEqual(parseListNetTunnel(listed!), [{ name: TUNNEL, key: 0, localAddress: u.addresses.underlayIp, mtu: 1450 }]);
    }

    // --- failover: bigip1 releases traffic-group-1, bigip2 takes it and announces it
    inUnit(bigip1.ns, ['sysctl', '-qw', 'net.ipv4.conf.ext0.arp_accept=1']);
    const bigip2Ext0 = (json(['ip', '-n', bigip2.ns, '-j', 'link', 'show', 'dev', 'ext0']) as { address: string }[])[0]!.address;
    await tmsh(t, bigip1, 'run sys failover standby');
    t.is(parseFailoverStatus(await tmsh(t, bigip1, 'show cm failover-status')), 'STANDBY');
    t.is(parseFailoverStatus(await tmsh(t, bigip2, 'show cm failover-status')), 'ACTIVE');
    t.deepEqual(nftTables(bigip1.ns), ['overlab_unit']);
    t.deepEqual(nftTables(bigip2.ns), ['overlab_tg1', 'overlab_unit']);
    t.deepEqual(addrsOf(bigip1.ns, 'ext0'), [`${bigip1.addresses.externalIp}/24`]);
    t.deepEqual(addrsOf(bigip2.ns, 'ext0'), [`${bigip2.addresses.externalIp}/24`, `${VIP}/32`].sort());
    t.true(addrsOf(bigip2.ns, 'flannel_vxlan').includes(`${FLOATING}/16`));
    await poll('bigip1 to hear bigip2 announce the virtual address', () => {
      const n = (json(['ip', '-n', bigip1.ns, '-j', 'neigh', 'show', VIP, 'dev', 'ext0']) as { lladdr?: string }[])[0];
      return n?.lladdr === bigip2Ext0 ? true : undefined;
    }, 3000, 20);
    const again = await face(bigip1, ['-q', '-c', 'run sys failover standby']);
    t.is(again.code, 1);
    t.regex(again.stderr, /^tmsh: run sys failover standby: bigip1 is STANDBY: only the unit active for traffic-group-1 can release it \(run it on bigip2\)\n$/);

    // --- teardown: each namespace as it was (the arp_accept probe's neighbour aside)
    execFileSync('ip', ['-n', bigip1.ns, 'neigh', 'flush', 'dev', 'ext0']);
    for (const u of units) await tmsh(t, u, transaction(teardownCommands()));
    for (const u of units) {
      const after = netState(u.ns);
      for (const part of Object.keys(after)) t.deepEqual(after[part], before[u.name]![part], `${u.name}: ${part} as before the face`);
    }
    t.deepEqual(nftTables(bigip1.ns), [], 'the standby holds no table');
    t.deepEqual(nftTables(bigip2.ns), ['overlab_tg1'], 'the active unit stays active, with an empty traffic group');
    t.deepEqual(nftRules(bigip2.ns, 'overlab_tg1'), []);
  } finally {
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(daemons.map((d) => new Promise((r) => (d.exitCode !== null ? r(undefined) : d.once('exit', r)))));
    removeRunNamespaces(RUN);
    rmSync(dir, { recursive: true, force: true });
  }
  t.deepEqual(runNamespaces(RUN), [], 'no namespace is left');
});

prereqTest('a transaction the kernel refuses halfway is undone, and concurrent commands take turns', missing, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-tmsh-face-'));
  const stateDir = join(dir, 'bigip1');
  mkdirSync(stateDir);
  writeFileSync(join(stateDir, 'unit.json'), JSON.stringify(unitJson('bigip1', 'ACTIVE')));
  const u: Unit = { name: 'bigip1', ns: `ol-${RUN_SOLO}.bigip1`, addresses: BIGIP1, tunnelMac: '02:0f:0a:a9:48:24', launcher: writeLauncher(join(dir, 'bin', 'tmsh'), { stateDir }) };
  try {
    execFileSync('ip', ['netns', 'add', u.ns]);
    execFileSync('ip', ['-n', u.ns, 'link', 'add', 'name', 'eth0', 'type', 'veth', 'peer', 'name', 'ext0']);
    // Something else holds the external self IP already: the kernel refuses the sixth command.
    execFileSync('ip', ['-n', u.ns, 'addr', 'add', `${BIGIP1.externalIp}/24`, 'dev', 'ext0']);
    await tmsh(t, u, 'show cm failover-status'); // boots the unit (forwarding, traffic-group-1's table)
    const before = netState(u.ns);
    const r = await face(u, ['-q', '-c', transaction(configureCommands(BIGIP1))]);
    t.is(r.code, 1);
    t.is(
      r.stderr,
      `tmsh: the kernel refused the transaction: "create net self ${PREFIX}self_external address 10.1.10.36/24 vlan ${PREFIX}external traffic-group traffic-group-local-only allow-service default": ip addr add 10.1.10.36/24 dev ext0: Error: ipv4: Address already assigned.; what had been applied was undone\n`,
    );
    const after = netState(u.ns);
    for (const part of Object.keys(after)) t.deepEqual(after[part], before[part], `${part} as before the transaction`);
    t.deepEqual(parseListNetVlan(await tmsh(t, u, 'list net vlan')), [], 'and the configuration has none of it');

    // Ten invocations at once, each its own change: each waits for the lock, none is lost.
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => face(u, ['-q', '-c', `create net tunnels vxlan p${i} port ${8000 + i}`])));
    t.deepEqual(results.map((x) => x.code), Array(10).fill(0), results.map((x) => x.stderr).join(''));
    const config = JSON.parse(execFileSync('cat', [join(stateDir, 'config.json')], { encoding: 'utf8' })) as { objects: { name: string }[] };
    t.deepEqual(config.objects.map((o) => o.name).sort(), Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
  } finally {
    removeRunNamespaces(RUN_SOLO);
    rmSync(dir, { recursive: true, force: true });
  }
});
