// The BIG-IP stand-in's configuration as `overlab plan failover` shows it: the commands the unit
// steps run (unit:, unit-fdb:, ha-active:, ha-addrs:), rendered by the netns provider. Tested on
// those words, not on the stand-in's internals, so the tests stay true when the internals move:
// the tunnel as a VXLAN device, multipoint flooding to exactly the VTEPs the unit has a static
// FDB record for (none without records, none with flooding-type none), a floating local-address
// that only the active unit holds and brings up, and CIS's static pod ARP.
import test from 'ava';
import { hostActions } from '../../harness/plan/host-actions.js';
import { planScenario } from '../../harness/plan/plan.js';
import type { Plan, PlanStep } from '../../harness/plan/types.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { validateSpec } from '../../harness/spec/load.js';
import type { ScenarioSpec } from '../../harness/spec/schema.js';
import { NetnsProvider } from '../../harness/providers/netns/provider.js';
import { ResourceLedger } from '../../harness/core/ledger.js';

const provider = new NetnsProvider({ runId: 'RUN', ledger: new ResourceLedger('/nonexistent') });

// The failover scenario's addresses (scenarios/failover.yaml) and the MACs the harness derives
// from them (0e:0f:<underlay ip> for VTEPs and tunnels).
const MASTER = { ip: '10.169.72.127', vtepMac: '0e:0f:0a:a9:48:7f', pod: { ip: '10.217.0.22', mac: '0a:58:0a:d9:00:16' } };
const WORKER = { ip: '10.169.72.128', vtepMac: '0e:0f:0a:a9:48:80', pod: { ip: '10.217.1.30', mac: '0a:58:0a:d9:01:1e' } };
const BIGIP1 = { ip: '10.169.72.36', tunnelMac: '0e:0f:0a:a9:48:24' };
const BIGIP2 = { ip: '10.169.72.38', tunnelMac: '0e:0f:0a:a9:48:26' };
const FLOATING = '10.169.72.40';
const ZERO = '00:00:00:00:00:00';

const failover = (): ScenarioSpec => loadScenario('failover');

/** The failover spec with BIG-IP fields replaced, validated as a scenario file would be. */
function variant(bigip: Partial<NonNullable<ScenarioSpec['bigip']>>, tunnel: Partial<NonNullable<ScenarioSpec['bigip']>['tunnel']> = {}): ScenarioSpec {
  const spec = structuredClone(failover());
  const b = spec.bigip!;
  return validateSpec({ ...spec, bigip: { ...b, ...bigip, tunnel: { ...b.tunnel, ...tunnel } } }, '(variant)');
}

const floatingSpec = (): ScenarioSpec =>
  variant({ floatingSelfIps: [{ address: `${FLOATING}/16`, vlan: 'underlay' }] }, { localAddress: 'floating', trafficGroup: 'traffic-group-1' });

function step(plan: Plan, id: string): PlanStep {
  const s = plan.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}; steps: ${plan.steps.map((x) => x.id).join(', ')}`);
  return s;
}

/**
 * The commands of a unit step as `overlab plan` prints them, each as `<tool> <words>` with the
 * namespace option taken out (after checking it is the unit's own namespace).
 */
function commands(plan: Plan, id: string): string[] {
  const s = step(plan, id);
  if (s.action.type === 'write-files') throw new Error(`${id} writes files, it runs no command`);
  const host = 'host' in s.action ? s.action.host : '';
  return hostActions(s.action).flatMap((a) => provider.render(a)).map((argv) => {
    const line = argv.join(' ');
    const m = /^(ip|bridge) -n (\S+) (.*)$/.exec(line);
    if (!m) return line;
    if (m[2] !== provider.locationOf(host)) throw new Error(`${id}: ${line} does not run in ${host}'s namespace ${provider.locationOf(host)}`);
    return `${m[1]} ${m[3]}`;
  });
}

const vxlanLines = (lines: string[]): string[] => lines.filter((l) => / type vxlan /.test(l));
const floodLines = (lines: string[]): string[] => lines.filter((l) => l.startsWith(`bridge fdb append ${ZERO} `) || l.startsWith(`bridge fdb replace ${ZERO} `) || l.startsWith(`bridge fdb add ${ZERO} `));
/** `fdb ... <mac> dev flannel_vxlan dst <ip>` for a non-zero MAC: the unit's FDB records. */
const recordLines = (lines: string[]): string[] => lines.filter((l) => /^bridge fdb (replace|add|append) /.test(l) && !l.includes(` ${ZERO} `));
const dstOf = (line: string): string => /\bdst (\S+)/.exec(line)?.[1] ?? '(no dst)';
const unitLines = (plan: Plan, unit: string): string[] => plan.steps.filter((s) => s.action.type !== 'write-files' && 'host' in s.action && s.action.host === unit).flatMap((s) => commands(plan, s.id));

// ---------------------------------------------------------------------------------------------
// The reference (seed 000): self local-address, multipoint, static FDB records, no CIS ARP

test('each unit\'s tunnel is one VXLAN device: key 0, port 8472, local its own underlay self IP, learning, its tunnel MAC', (t) => {
  const plan = planScenario(failover());
  for (const u of [{ name: 'bigip1', ...BIGIP1 }, { name: 'bigip2', ...BIGIP2 }]) {
    const vx = vxlanLines(commands(plan, `unit:${u.name}`));
    t.is(vx.length, 1, `${u.name}: ${vx.join(' | ')}`);
    const line = vx[0] ?? '';
    t.true(line.startsWith(`ip link add name flannel_vxlan address ${u.tunnelMac} mtu 1450 type vxlan `), line);
    t.regex(line, new RegExp(` id 0 dstport 8472 local ${u.ip.replace(/\./g, '\\.')} (dev eth0 )?learning$`), `${u.name}: ${line}`);
    t.false(/\bnolearning\b/.test(line), line);
  }
});

test('the tunnel self IP goes on the tunnel, and a traffic-group-local-only tunnel comes up in unit: on both units', (t) => {
  const plan = planScenario(failover());
  for (const [unit, self] of [['bigip1', '10.217.31.36/16'], ['bigip2', '10.217.33.38/16']] as const) {
    const lines = commands(plan, `unit:${unit}`);
    t.true(lines.includes(`ip addr add ${self} dev flannel_vxlan`), `${unit}: ${lines.join('\n')}`);
    t.true(lines.includes('ip link set dev flannel_vxlan up'), unit);
    // The tunnel comes up after it was created.
    t.true(lines.indexOf('ip link set dev flannel_vxlan up') > lines.findIndex((l) => l.includes('type vxlan')), unit);
  }
  // traffic-group-1 on the active unit carries the virtual address only, not the tunnel.
  const addrs = commands(plan, 'ha-addrs:bigip1');
  t.deepEqual(addrs, ['ip addr add 10.1.10.100/32 dev ext0']);
  t.false(plan.steps.some((s) => s.id === 'ha-addrs:bigip2'), 'the standby holds no traffic-group-1 address at boot');
});

test('multipoint: one flood entry per node VTEP the unit has a static FDB record for, and none toward the units', (t) => {
  const plan = planScenario(failover());
  for (const unit of ['bigip1', 'bigip2']) {
    const lines = commands(plan, `unit-fdb:${unit}`);
    t.deepEqual(recordLines(lines).sort(), [
      `bridge fdb replace ${MASTER.vtepMac} dev flannel_vxlan dst ${MASTER.ip} self permanent`,
      `bridge fdb replace ${WORKER.vtepMac} dev flannel_vxlan dst ${WORKER.ip} self permanent`,
    ]);
    const floods = floodLines(lines);
    t.deepEqual(floods.sort(), [
      `bridge fdb append ${ZERO} dev flannel_vxlan dst ${MASTER.ip} self permanent`,
      `bridge fdb append ${ZERO} dev flannel_vxlan dst ${WORKER.ip} self permanent`,
    ]);
    // Exactly the endpoints of its records, each once.
    t.deepEqual(floods.map(dstOf).sort(), [...new Set(recordLines(lines).map(dstOf))].sort());
    // Nothing else in the unit's steps floods anywhere (not toward the peer unit either).
    t.is(floodLines(unitLines(plan, unit)).length, 2, unit);
    t.false(unitLines(plan, unit).some((l) => l.includes(`dst ${BIGIP1.ip}`) || l.includes(`dst ${BIGIP2.ip}`)), unit);
  }
});

test('a third node: a static record and a flood entry for its VTEP too, one each', (t) => {
  const spec = structuredClone(failover());
  spec.nodes.push({ name: 'worker2', underlayIp: '10.169.72.129', podCidr: '10.217.2.0/24' });
  const plan = planScenario(validateSpec(spec, '(variant)'));
  const lines = commands(plan, 'unit-fdb:bigip2');
  t.true(recordLines(lines).includes('bridge fdb replace 0e:0f:0a:a9:48:81 dev flannel_vxlan dst 10.169.72.129 self permanent'), lines.join('\n'));
  t.deepEqual(floodLines(lines).map(dstOf).sort(), [MASTER.ip, WORKER.ip, '10.169.72.129']);
});

test('staticFdb false: no FDB record and no flood entry at all (a unit that knows no VTEP floods nowhere)', (t) => {
  const plan = planScenario(variant({ staticFdb: false }));
  for (const unit of ['bigip1', 'bigip2']) {
    t.deepEqual(commands(plan, `unit-fdb:${unit}`), [], unit);
    const all = unitLines(plan, unit);
    t.deepEqual(floodLines(all), [], `${unit} floods: ${floodLines(all).join(' | ')}`);
    t.deepEqual(recordLines(all), [], unit);
    t.true(all.some((l) => l.includes('type vxlan')), `${unit} still has its tunnel`);
  }
});

test('floodingType none: the static records stay, no flood entry', (t) => {
  const plan = planScenario(variant({ profile: { name: 'fl-vxlan', floodingType: 'none', port: 8472 } }));
  for (const unit of ['bigip1', 'bigip2']) {
    const lines = commands(plan, `unit-fdb:${unit}`);
    t.is(recordLines(lines).length, 2, lines.join('\n'));
    t.deepEqual(floodLines(unitLines(plan, unit)), [], unit);
  }
});

test('the profile\'s port is the tunnel\'s dstport', (t) => {
  const plan = planScenario(variant({ profile: { name: 'fl-vxlan', floodingType: 'multipoint', port: 4789 } }));
  const line = vxlanLines(commands(plan, 'unit:bigip1'))[0] ?? '';
  t.regex(line, / id 0 dstport 4789 local 10\.169\.72\.36 /);
});

// ---------------------------------------------------------------------------------------------
// localAddress floating, traffic-group-1

test('floating local-address: both units\' VXLAN local is traffic-group-1\'s floating underlay self IP', (t) => {
  const plan = planScenario(floatingSpec());
  for (const unit of ['bigip1', 'bigip2']) {
    const vx = vxlanLines(commands(plan, `unit:${unit}`));
    t.is(vx.length, 1);
    t.regex(vx[0] ?? '', new RegExp(` id 0 dstport 8472 local ${FLOATING.replace(/\./g, '\\.')} (dev eth0 )?learning$`), vx[0]);
  }
});

test('floating local-address: unit: leaves the tunnel down, ha-addrs on the active unit adds the floating address and brings the tunnel up', (t) => {
  const plan = planScenario(floatingSpec());
  for (const unit of ['bigip1', 'bigip2']) {
    const lines = commands(plan, `unit:${unit}`);
    t.false(lines.includes('ip link set dev flannel_vxlan up'), `${unit}: unit: must not bring a traffic-group-1 tunnel up`);
  }
  t.false(unitLines(plan, 'bigip2').includes('ip link set dev flannel_vxlan up'), 'the standby never brings the tunnel up at boot');
  t.false(unitLines(plan, 'bigip2').some((l) => l.includes(FLOATING) && l.startsWith('ip addr')), 'the standby does not hold the floating address');
  const ha = commands(plan, 'ha-addrs:bigip1');
  t.true(ha.includes(`ip addr add ${FLOATING}/16 dev eth0`), ha.join('\n'));
  t.true(ha.includes('ip addr add 10.1.10.100/32 dev ext0'), ha.join('\n'));
  t.true(ha.includes('ip link set dev flannel_vxlan up'), ha.join('\n'));
  t.false(plan.steps.some((s) => s.id === 'ha-addrs:bigip2'));
});

test('self local-address (the reference): ha-addrs neither adds an underlay address nor touches the tunnel', (t) => {
  const ha = commands(planScenario(failover()), 'ha-addrs:bigip1');
  t.false(ha.some((l) => l.includes('dev eth0')), ha.join('\n'));
  t.false(ha.some((l) => l.includes('flannel_vxlan')), ha.join('\n'));
});

// ---------------------------------------------------------------------------------------------
// CIS static ARP

test('cisStaticArp: a permanent pod ARP entry toward the pod\'s node VTEP MAC (not the pod\'s own MAC) on the tunnel', (t) => {
  const plan = planScenario(variant({ cisStaticArp: true }));
  for (const unit of ['bigip1', 'bigip2']) {
    const neigh = unitLines(plan, unit).filter((l) => l.startsWith('ip neigh') && l.includes('dev flannel_vxlan'));
    t.deepEqual(neigh.sort(), [
      `ip neigh replace ${MASTER.pod.ip} lladdr ${MASTER.vtepMac} dev flannel_vxlan nud permanent`,
      `ip neigh replace ${WORKER.pod.ip} lladdr ${WORKER.vtepMac} dev flannel_vxlan nud permanent`,
    ]);
    t.false(neigh.some((l) => l.includes(MASTER.pod.mac) || l.includes(WORKER.pod.mac)), unit);
  }
});

test('without cisStaticArp (the field fix): no ARP entry on the tunnel at all', (t) => {
  const plan = planScenario(failover());
  for (const unit of ['bigip1', 'bigip2']) {
    t.deepEqual(unitLines(plan, unit).filter((l) => l.startsWith('ip neigh') && l.includes('dev flannel_vxlan')), [], unit);
  }
});

// ---------------------------------------------------------------------------------------------
// traffic-group-1 on the active unit

test('ha-active: traffic-group-1\'s virtual server and SNAT automap to the unit\'s own tunnel self IP, on the active unit only', (t) => {
  const plan = planScenario(failover());
  const rules = commands(plan, 'ha-active:bigip1').join('\n');
  t.regex(rules, /nft -f /);
  t.regex(rules, /ip daddr 10\.1\.10\.100 tcp dport 80 dnat to .*10\.217\.0\.22.*10\.217\.1\.30/);
  t.regex(rules, /ip daddr 10\.1\.10\.100 udp dport 7 dnat to /);
  t.regex(rules, /oifname "flannel_vxlan" .*snat to 10\.217\.31\.36\b/);
  t.false(plan.steps.some((s) => s.id === 'ha-active:bigip2'));
});
