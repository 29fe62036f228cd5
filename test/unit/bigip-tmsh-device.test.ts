// The tmsh device's runtime side against fake units: a NodeHandle that answers each tmsh command
// with the text a VE prints (test/fixtures/tmsh/run-*.txt, run id ab12cd) and records what it
// was sent. observe() parses that text into the unit state the checks use (the run's objects
// only, under the scenario's names); failover() is refused unless `from` is ACTIVE and its peer
// STANDBY, goes to `from` only, and waits for both to swap; teardown() sends only the run's names;
// and the device is what `bigip.device: tmsh` selects, with its plan steps and refusals.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult, RunOptions } from '../../harness/core/command.js';
import { CommandError } from '../../harness/core/errors.js';
import type { NodeHandle } from '../../harness/providers/types.js';
import type { BigipTransport, FailoverStatus, UnitState } from '../../harness/devices/bigip/types.js';
import { bigipDevice, bigipDeviceKinds } from '../../harness/devices/bigip/registry.js';
import { tmshDevice } from '../../harness/devices/bigip/tmsh/index.js';
import { tmshFailover } from '../../harness/devices/bigip/tmsh/failover.js';
import { renderConfig } from '../../harness/devices/bigip/tmsh/render-config.js';
import { runPrefix } from '../../harness/devices/bigip/tmsh/names.js';
import { parseUnitTmsh } from '../../harness/devices/bigip/tmsh-shape/parse.js';
import { showFailoverStatus } from '../../harness/devices/bigip/tmsh-shape/render.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { parseScenario } from '../../harness/spec/load.js';
import { resolveTopology, type Topology } from '../../harness/spec/topology.js';
import { SpecError } from '../../harness/core/errors.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { planScenario } from '../../harness/plan/plan.js';
import { formatPlan } from '../../harness/cli/print-plan.js';
import { NetnsProvider } from '../../harness/providers/netns/provider.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import type { SshTarget } from '../../harness/ssh/target.js';

/** A real VE's place in a BIG-IP inventory. */
const veTarget = (name: string, address: string): SshTarget => ({ name, address, port: 22, user: 'root', knownHosts: '/k', acceptNew: false, connectTimeoutMs: 1000, sudo: false, privateKey: '/id' });

const fixture = (name: string): string => readFileSync(join(process.cwd(), 'test/fixtures/tmsh', name), 'utf8');
const RUN = 'ab12cd';
const TUNNEL = 'ol_ab12cd_flannel_vxlan';
const FAILOVER_YAML = readFileSync(join(SCENARIOS_DIR, 'failover.yaml'), 'utf8');
const TMSH_YAML = FAILOVER_YAML.replace('bigip:\n', 'bigip:\n  device: tmsh\n');
const topology = (): Topology => resolveTopology(parseScenario(TMSH_YAML, 'failover-tmsh.yaml'));

/** What a VE prints for each read, as bigip2 of the failover scenario after failover. */
const VE_READS: Record<string, string> = {
  [`show net tunnels tunnel ${TUNNEL} all-properties`]: fixture('run-tunnel-all-properties.txt'),
  [`list net tunnels tunnel ${TUNNEL}`]: fixture('run-list-net-tunnel.txt'),
  [`show net fdb tunnel ${TUNNEL}`]: fixture('run-show-net-fdb.txt'),
  'show net arp': fixture('run-show-net-arp.txt'),
  'list net self': fixture('run-list-net-self.txt'),
  'list net vlan': fixture('run-list-net-vlan.txt'),
};

interface Sent {
  unit: string;
  argv: readonly string[];
}

/** Units that answer tmsh as a VE would; statuses change only when the test (or `run sys failover standby`) says. */
class FakeUnits {
  readonly sent: Sent[] = [];
  readonly status: Record<string, FailoverStatus> = { bigip1: 'ACTIVE', bigip2: 'STANDBY' };
  reads: Record<string, string> = VE_READS;
  /** What `run sys failover standby` does to the statuses (default: the peer takes over after two reads). */
  onFailover: (from: string) => void = (from) => {
    const to = from === 'bigip1' ? 'bigip2' : 'bigip1';
    this.status[from] = 'STANDBY';
    let reads = 0;
    this.onStatusRead = (unit) => {
      if (unit === to && ++reads >= 2) this.status[to] = 'ACTIVE';
    };
  };
  onStatusRead: (unit: string) => void = () => undefined;
  /** Units whose every command fails (an unreachable unit, a refused transaction). */
  failing = new Set<string>();

  node(unit: string): NodeHandle {
    return { id: unit, location: unit, exec: (argv, options) => this.exec(unit, argv, options) };
  }

  transport(): BigipTransport {
    return { runId: RUN, node: (u) => this.node(u), nft: async () => undefined, spawnDetached: () => undefined };
  }

  sentTo(unit: string): string[] {
    return this.sent.filter((s) => s.unit === unit).map((s) => s.argv.join(' '));
  }

  private async exec(unit: string, argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    this.sent.push({ unit, argv });
    const done = (stdout: string, exitCode = 0, stderr = ''): CommandResult => {
      if (exitCode !== 0 && !options.allowFailure) throw new CommandError(`${argv.join(' ')} exited ${exitCode} on ${unit}: ${stderr}`, { node: unit, argv, exitCode, stderrTail: stderr });
      return { argv, exitCode, stdout, stderr, durationMs: 1 };
    };
    if (this.failing.has(unit)) return done('', 1, `ssh: connect to host ${unit}: Connection refused`);
    if (argv[0] === 'ping') return done(`64 bytes from ${argv[argv.length - 1]}: icmp_seq=1 ttl=64 time=0.41 ms\n`);
    if (argv.length !== 4 || argv[0] !== 'tmsh' || argv[1] !== '-q' || argv[2] !== '-c') return done('', 127, `${argv[0]}: command not found`);
    const command = argv[3]!;
    if (command === 'show cm failover-status') {
      this.onStatusRead(unit);
      const status = this.status[unit]!;
      return done(status === 'ACTIVE' ? fixture('failover-status-active.txt') : status === 'STANDBY' ? fixture('failover-status-standby.txt') : showFailoverStatus(status));
    }
    if (command === 'run sys failover standby') {
      this.onFailover(unit);
      return done('');
    }
    if (command.startsWith('create cli transaction; ')) return done('');
    const out = this.reads[command];
    return out === undefined ? done('', 1, `Syntax Error: "${command}" unknown`) : done(out);
  }
}

// ---------------------------------------------------------------------------------------------
// observe

const BIGIP2_AFTER: UnitState = {
  unit: 'bigip2',
  failoverStatus: 'ACTIVE',
  tunnels: [{ name: 'flannel_vxlan', mac: '00:50:56:86:78:2d', key: 0, localAddress: '10.169.72.38', mtu: 1450 }],
  vlans: [
    { name: 'external', mtu: 1500 },
    { name: 'underlay', mtu: 1500 },
  ],
  fdb: [
    { tunnel: 'flannel_vxlan', mac: '02:0f:0a:a9:48:7f', endpoint: '10.169.72.127', dynamic: false },
    { tunnel: 'flannel_vxlan', mac: '02:0f:0a:a9:48:80', endpoint: '10.169.72.128', dynamic: false },
    { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:00:16', endpoint: '10.169.72.127', dynamic: true },
    { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true },
  ],
  arp: [
    { address: '10.169.72.127', mac: '02:01:0a:a9:48:7f', vlan: 'underlay', status: 'resolved' },
    { address: '10.169.72.128', mac: '02:01:0a:a9:48:80', vlan: 'underlay', status: 'resolved' },
    { address: '10.217.0.22', mac: '0a:58:0a:d9:00:16', vlan: 'flannel_vxlan', status: 'resolved' },
    { address: '10.217.1.30', mac: '0a:58:0a:d9:01:1e', vlan: 'flannel_vxlan', status: 'resolved' },
    { address: '10.217.1.99', vlan: 'flannel_vxlan', status: 'incomplete' },
  ],
  selfIps: [
    { address: '10.1.10.38/24', vlan: 'external', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.33.38/16', vlan: 'flannel_vxlan', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.169.72.38/16', vlan: 'underlay', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.31.1/16', vlan: 'flannel_vxlan', trafficGroup: 'traffic-group-1', floating: true },
  ],
};

test('observe: the VE\'s outputs parsed into the unit state: the run\'s objects only, scenario names, MACs padded, %0 gone', async (t) => {
  const units = new FakeUnits();
  units.status.bigip2 = 'ACTIVE';
  const obs = await tmshDevice.open(topology(), units.transport()).observe('bigip2');
  t.deepEqual(obs.state, BIGIP2_AFTER);
  // Each read is one tmsh on the unit, with the run's names.
  t.deepEqual(units.sentTo('bigip2').sort(), [
    'tmsh -q -c list net self',
    `tmsh -q -c list net tunnels tunnel ${TUNNEL}`,
    'tmsh -q -c list net vlan',
    'tmsh -q -c show cm failover-status',
    'tmsh -q -c show net arp',
    `tmsh -q -c show net fdb tunnel ${TUNNEL}`,
    `tmsh -q -c show net tunnels tunnel ${TUNNEL} all-properties`,
  ]);
  t.deepEqual(units.sentTo('bigip1'), [], 'observing one unit asks nothing of the other');
});

test('observe: the evidence is the unit\'s own text, one section a command, and reads back to what the state was made from', async (t) => {
  const obs = await tmshDevice.open(topology(), new FakeUnits().transport()).observe('bigip2');
  t.deepEqual(obs.tmsh.split('\n').filter((l) => l.startsWith('# ')), [
    '# show cm failover-status',
    `# show net tunnels tunnel ${TUNNEL} all-properties`,
    `# list net tunnels tunnel ${TUNNEL}`,
    `# show net fdb tunnel ${TUNNEL}`,
    '# show net arp',
    '# list net self',
    '# list net vlan',
  ]);
  t.true(obs.tmsh.includes('/Common/ha '), 'the unit\'s own objects stay in the evidence');
  t.true(obs.tmsh.includes('A:58:A:D9:0:16'), 'as the unit printed it');
  const read = parseUnitTmsh(obs.tmsh);
  t.is(read.arp.length, 6);
  t.is(read.failoverStatus, 'STANDBY');
});

test('observe on the standby: the floating self IP it does not hold is not in its state', async (t) => {
  const obs = await tmshDevice.open(topology(), new FakeUnits().transport()).observe('bigip2');
  t.is(obs.state.failoverStatus, 'STANDBY');
  t.deepEqual(obs.state.selfIps, BIGIP2_AFTER.selfIps.filter((s) => !s.floating));
});

test('observe: output that is not what the command prints fails with the command named', async (t) => {
  const units = new FakeUnits();
  units.reads = { ...VE_READS, 'list net vlan': fixture('run-show-net-arp.txt') };
  await t.throwsAsync(tmshDevice.open(topology(), units.transport()).observe('bigip2'), { message: /^list net vlan: line 2: expected "<kind> <name> \{ \.\.\. \}", found "-{100}"$/ });
});

test('failoverStatus: show cm failover-status only', async (t) => {
  const units = new FakeUnits();
  const pair = tmshDevice.open(topology(), units.transport());
  t.is(await pair.failoverStatus('bigip1'), 'ACTIVE');
  t.is(await pair.failoverStatus('bigip2'), 'STANDBY');
  t.deepEqual(units.sent.map((s) => s.argv.join(' ')), ['tmsh -q -c show cm failover-status', 'tmsh -q -c show cm failover-status']);
});

// ---------------------------------------------------------------------------------------------
// failover

test('failover: run sys failover standby on the active unit only, both units read before and after', async (t) => {
  const units = new FakeUnits();
  const timing = await tmshDevice.open(topology(), units.transport()).failover('bigip1');
  t.is(timing.from, 'bigip1');
  t.is(timing.to, 'bigip2');
  t.true(timing.durationMs >= 0 && timing.startedAt > 0);
  const commands = units.sent.map((s) => `${s.unit}: ${s.argv[3]}`);
  t.deepEqual(commands.filter((c) => c.endsWith('run sys failover standby')), ['bigip1: run sys failover standby']);
  const at = commands.indexOf('bigip1: run sys failover standby');
  t.deepEqual(commands.slice(0, at).sort(), ['bigip1: show cm failover-status', 'bigip2: show cm failover-status'], 'both confirmed before');
  const after = commands.slice(at + 1);
  t.true(after.includes('bigip1: show cm failover-status') && after.includes('bigip2: show cm failover-status'), 'both confirmed after');
  t.deepEqual(units.status, { bigip1: 'STANDBY', bigip2: 'ACTIVE' });
});

test('failover: refused when `from` is not ACTIVE, and nothing is sent', async (t) => {
  const units = new FakeUnits();
  const e = await t.throwsAsync(tmshDevice.open(topology(), units.transport()).failover('bigip2'));
  t.is(e?.message, 'failover from bigip2 refused before anything was sent: bigip2 says STANDBY, bigip1 says ACTIVE (run sys failover standby goes to the ACTIVE unit, with its peer STANDBY)');
  t.false(units.sent.some((s) => s.argv[3] === 'run sys failover standby'));
});

test('failover: refused when the peer is not STANDBY (both ACTIVE, or the peer offline)', async (t) => {
  for (const peer of ['ACTIVE', 'OFFLINE'] as const) {
    const units = new FakeUnits();
    units.status.bigip2 = peer;
    const e = await t.throwsAsync(tmshDevice.open(topology(), units.transport()).failover('bigip1'));
    t.regex(e!.message, new RegExp(`^failover from bigip1 refused before anything was sent: bigip1 says ACTIVE, bigip2 says ${peer} `));
    t.false(units.sent.some((s) => s.argv[3] === 'run sys failover standby'));
  }
});

test('failover: a peer that never takes over fails within the bound, naming it', async (t) => {
  const units = new FakeUnits();
  units.onFailover = (from) => void (units.status[from] = 'STANDBY');
  const t0 = performance.now();
  const e = await t.throwsAsync(tmshFailover(['bigip1', 'bigip2'], (u) => units.node(u), 'bigip1', { timeoutMs: 100, intervalMs: 10 }));
  t.true(performance.now() - t0 < 2000);
  t.is(e?.message, 'failover from bigip1: run sys failover standby on bigip1 returned, but after 100 ms bigip2 says STANDBY (want ACTIVE); check the pair\'s network failover (show cm failover-status on both units)');
  t.is((e as CommandError).context.node, 'bigip2');
});

test('failover: an active unit that stays ACTIVE is the one named', async (t) => {
  const units = new FakeUnits();
  units.onFailover = () => undefined;
  const e = await t.throwsAsync(tmshFailover(['bigip1', 'bigip2'], (u) => units.node(u), 'bigip1', { timeoutMs: 50, intervalMs: 10 }));
  t.regex(e!.message, /after 50 ms bigip2 says STANDBY \(want ACTIVE\) and bigip1 says ACTIVE \(want STANDBY\)/);
});

test('failover: the command failing on the unit is the transport\'s error', async (t) => {
  const units = new FakeUnits();
  units.onFailover = () => {
    units.failing.add('bigip1');
  };
  await t.throwsAsync(tmshDevice.open(topology(), units.transport()).failover('bigip1'), { instanceOf: CommandError });
});

// ---------------------------------------------------------------------------------------------
// teardown and reach

test('teardown: the teardown transaction on each configured unit, deleting only names with the run\'s prefix', async (t) => {
  const units = new FakeUnits();
  t.deepEqual(await tmshDevice.open(topology(), units.transport()).teardown(), []);
  const expected = renderConfig(topology(), runPrefix(RUN));
  for (const u of ['bigip1', 'bigip2']) {
    const sent = units.sent.filter((s) => s.unit === u);
    t.deepEqual(sent.map((s) => s.argv), [['tmsh', '-q', '-c', 'list net vlan'], expected.find((c) => c.unit === u)!.teardown.argv]);
    const commands = sent[1]!.argv[3]!.split('; ');
    t.is(commands[0], 'create cli transaction');
    t.is(commands[commands.length - 1], 'submit cli transaction');
    for (const c of commands.slice(1, -1)) t.regex(c, /^(delete (ltm|net) [a-z ]+ ol_ab12cd_[A-Za-z0-9_.-]+|modify net fdb tunnel ol_ab12cd_flannel_vxlan records delete \{ all \})$/, c);
  }
});

test('teardown: a unit the run never configured (no ol_<run>_underlay VLAN) is left alone', async (t) => {
  const units = new FakeUnits();
  units.reads = { ...VE_READS, 'list net vlan': 'net vlan /Common/ha {\n    interfaces {\n        1.3 { }\n    }\n}\nnet vlan /Common/ol_ff00ff_underlay { }\n' };
  t.deepEqual(await tmshDevice.open(topology(), units.transport()).teardown(), []);
  t.deepEqual(units.sent.map((s) => s.argv[3]), ['list net vlan', 'list net vlan']);
});

test('teardown: a unit that fails is reported by name, and the other is still torn down', async (t) => {
  const units = new FakeUnits();
  units.failing.add('bigip1');
  const errors = await tmshDevice.open(topology(), units.transport()).teardown();
  t.is(errors.length, 1);
  t.regex(errors[0]!.message, /^bigip1: the tmsh teardown of the run's objects \(ol_ab12cd_\*\) failed: .*Connection refused/);
  t.is(units.sentTo('bigip2').filter((c) => c.includes('delete')).length, 1);
});

test('reach: the unit\'s own ping, one a target, through the same exec', async (t) => {
  const units = new FakeUnits();
  const results = await tmshDevice.open(topology(), units.transport()).reach('bigip1', ['10.217.0.22', '10.217.1.30']);
  t.deepEqual(results.map((r) => [r.from, r.to, r.ok, r.rttMs]), [['bigip1', '10.217.0.22', true, 0.41], ['bigip1', '10.217.1.30', true, 0.41]]);
  t.true(units.sent.every((s) => s.argv[0] === 'ping' && s.unit === 'bigip1'));
});

test('open: the run id must be [a-z0-9]+: it names every object', (t) => {
  t.throws(() => tmshDevice.open(topology(), { ...new FakeUnits().transport(), runId: 'a;b' }), { message: /run id "a;b" is not \[a-z0-9\]\+/ });
});

// ---------------------------------------------------------------------------------------------
// the device: selected by the scenario, its refusals, its plan steps, its hosts

test('bigip.device: tmsh selects the tmsh device; the failover scenario loads with it', (t) => {
  t.true(bigipDeviceKinds().includes('tmsh'));
  t.is(bigipDevice('tmsh'), tmshDevice);
  t.is(parseScenario(TMSH_YAML, 'x.yaml').bigip?.device, 'tmsh');
  t.deepEqual(tmshDevice.unsupported(topology().bigip!), []);
});

test('refused by the tmsh device, naming the field and the device: configsync: true and trafficGroup: none', (t) => {
  const e = t.throws(() => parseScenario(TMSH_YAML.replace('configsync: false', 'configsync: true').replace('trafficGroup: traffic-group-local-only', 'trafficGroup: none'), 'x.yaml'), { instanceOf: SpecError });
  t.deepEqual(e!.problems.map((p) => p.field).sort(), ['bigip.configsync', 'bigip.tunnel.trafficGroup']);
  for (const p of e!.problems) t.regex(p.message, /BIG-IP device tmsh\b/);
  t.regex(e!.problems.find((p) => p.field === 'bigip.configsync')!.message, /modify sys db iptunnel.configsync value disable/);
});

test('attachments: stand-in units get the hosts bigip-sim\'s get; a unit reached over SSH gets none', (t) => {
  const topo = topology();
  t.deepEqual(tmshDevice.attachments(topo), bigipDevice('sim').attachments(topo));
  const withVe: Topology = { ...topo, bigip: { ...topo.bigip!, units: topo.bigip!.units.map((u) => (u.name === 'bigip2' ? { ...u, ssh: veTarget(u.name, '10.3.72.38') } : u)) } };
  t.deepEqual([...new Set(tmshDevice.attachments(withVe).map((a) => a.unit))], ['bigip1']);
  t.is(tmshDevice.captureInterface('bigip1'), bigipDevice('sim').captureInterface('bigip1'));
});

test('plan steps: each unit\'s configure transaction as one command on the unit, then its failover status as ha.active says', (t) => {
  const all = tmshDevice.planSteps(topology());
  // The stand-in's own boot (HA link, keys, sshd, the face's HA daemon) comes first; a unit is
  // configured once it answers over SSH.
  t.true(all.slice(0, -4).every((s) => s.phase === 'boot' && s.id.startsWith('unit-')));
  t.true(all.some((s) => s.id === 'unit-sshd:bigip1' && s.action.type === 'spawn' && s.action.argv[0] === '/usr/sbin/sshd'));
  const steps = all.slice(-4);
  t.deepEqual(steps.map((s) => [s.id, s.phase, s.dependsOn]), [
    ['unit-tmsh:bigip1', 'configure', ['unit-ssh-ready:bigip1']],
    ['unit-tmsh:bigip2', 'configure', ['unit-ssh-ready:bigip2']],
    ['unit-ha:bigip1', 'configure', ['unit-tmsh:bigip1']],
    ['unit-ha:bigip2', 'configure', ['unit-tmsh:bigip2']],
  ]);
  const configure = renderConfig(topology(), 'ol_{run}_').find((c) => c.unit === 'bigip1')!.configure.argv;
  t.deepEqual(steps[0]!.action, { type: 'exec', host: 'bigip1', commands: [configure] });
  const ha = steps[3]!.action;
  if (ha.type !== 'wait-command') throw new Error(ha.type);
  t.deepEqual(ha.argv, ['tmsh', '-q', '-c', 'show cm failover-status']);
  t.true(new RegExp(ha.expect!, 'm').test(fixture('failover-status-standby.txt')));
  t.false(new RegExp(ha.expect!, 'm').test(fixture('failover-status-active.txt')));
  const withVe: Topology = { ...topology(), bigip: { ...topology().bigip!, units: topology().bigip!.units.map((u) => ({ ...u, ssh: veTarget(u.name, u.underlayIp) })) } };
  const veSteps = tmshDevice.planSteps(withVe);
  t.deepEqual(veSteps[0]!.dependsOn, [], 'a VE needs no wiring first');
  t.false(veSteps.some((s) => s.id.startsWith('unit-sshd:')), 'and no sshd of ours');
});

test('overlab plan prints the tmsh it will send, with the run as RUN; the stand-in steps are not there', (t) => {
  const plan = planScenario(parseScenario(TMSH_YAML, 'failover-tmsh.yaml'));
  const text = formatPlan(plan, new NetnsProvider({ runId: 'RUN', ledger: new ResourceLedger('/nonexistent') }));
  t.true(text.includes(`nsenter --net=/run/netns/ol-RUN.bigip1 -- tmsh -q -c "create cli transaction; create net vlan ol_RUN_underlay interfaces add { 1.1 } mtu 1500; `), text);
  t.true(text.includes('ol_RUN_vs-nginx_udp destination 10.1.10.100:7 ip-protocol udp pool ol_RUN_pool_vs-nginx source-address-translation { type automap }; submit cli transaction"'));
  t.false(/\[\w+\] (unit|unit-fdb|unit-nft|ha-active|ha-addrs):/m.test(text), 'bigip-sim\'s kernel steps belong to sim');
  t.true(plan.hosts.some((h) => h.id === 'bigip1' && h.kind === 'unit'), 'stand-in units are hosts of the testbed');
  t.is(loadScenario('failover').bigip?.device ?? 'sim', 'sim');
});
