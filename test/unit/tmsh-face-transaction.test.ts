// The face's transactions, checked before anything is applied: the contract's configure
// transaction resolves to objects that say where each lives in the unit's kernel; references are
// checked in order; one refused command refuses the whole transaction and says every problem;
// the teardown leaves nothing; traffic-group-1 and the rulesets are what sim programs for the same
// objects. Pure: no root needed.
import test from 'ava';
import { parseCommands } from '../../harness/devices/bigip/tmsh-face/parse.js';
import type { ChangeCommand } from '../../harness/devices/bigip/tmsh-face/commands.js';
import { TmshFaceError } from '../../harness/devices/bigip/tmsh-face/errors.js';
import { emptyConfig, findObject, type FaceConfig } from '../../harness/devices/bigip/tmsh-face/objects.js';
import { checkTransaction } from '../../harness/devices/bigip/tmsh-face/transaction.js';
import { baseRulesetOf, namingOf, trafficGroupOf } from '../../harness/devices/bigip/tmsh-face/traffic-group.js';
import { tunnelDevice } from '../../harness/devices/bigip/tmsh-face/kernel-names.js';
import { parseUnitConfig } from '../../harness/devices/bigip/tmsh-face/unit.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { resolveTopology } from '../../harness/spec/topology.js';
import { trafficGroupRuleset, unitBaseRuleset } from '../../harness/devices/bigip/sim/config.js';
import { BIGIP1, configureCommands, PREFIX, teardownCommands, unitJson } from '../helpers/tmsh-contract.js';

const unit = unitJson('bigip1', 'ACTIVE');

function changes(commands: readonly string[]): { text: string; command: ChangeCommand }[] {
  return parseCommands(commands.join('; ')).map((c) => {
    if (c.kind !== 'change') throw new Error(`not a change: ${c.text}`);
    return { text: c.text, command: c.command };
  });
}

const check = (config: FaceConfig, commands: readonly string[]) => checkTransaction(config, changes(commands), unit);
const configured = () => check(emptyConfig(), configureCommands(BIGIP1)).config;

test('configure: each object resolved to where it lives in the kernel', (t) => {
  const { config, steps } = check(emptyConfig(), configureCommands(BIGIP1));
  t.is(steps.length, 13);
  t.like(findObject(config, 'vlan', `${PREFIX}underlay`), { interface: '1.1', dev: 'eth0', mtu: 1500 });
  t.like(findObject(config, 'vlan', `${PREFIX}external`), { dev: 'ext0' });
  t.like(findObject(config, 'self', `${PREFIX}self_tunnel`), { dev: 'flannel_vxlan', address: '10.217.31.36/16' });
  t.deepEqual(findObject(config, 'tunnel', `${PREFIX}flannel_vxlan`), {
    type: 'tunnel',
    name: `${PREFIX}flannel_vxlan`,
    key: 0,
    profile: `${PREFIX}fl-vxlan`,
    localAddress: '10.169.72.36',
    trafficGroup: 'traffic-group-local-only',
    mtu: 1450,
    dev: 'flannel_vxlan',
    underlayDev: 'eth0',
    mac: '02:0f:0a:a9:48:24',
    port: 8472,
    flood: true,
    records: [
      { mac: '0a:58:0a:d9:00:01', endpoint: '10.169.72.127' },
      { mac: '0a:58:0a:d9:01:01', endpoint: '10.169.72.128' },
    ],
  });
  t.like(findObject(config, 'arp', `${PREFIX}arp_10.217.0.22`), { dev: 'flannel_vxlan' });
  t.like(findObject(config, 'virtual', `${PREFIX}vs-nginx_tcp`), { dev: 'ext0' });
  // Each step knows the object before and after, and the configuration around it.
  t.like(steps[8], { before: { type: 'tunnel', records: [] } });
  t.is((steps[8]!.after as { records: unknown[] }).records.length, 2);
  t.is(steps[0]!.stateBefore.objects.length, 0);
  t.is(steps[12]!.stateAfter.objects.length, 13 - 1, 'the FDB change modified the tunnel, it created nothing');
});

test('teardown leaves nothing, and each step deletes exactly its object', (t) => {
  const { config, steps } = check(configured(), teardownCommands());
  t.deepEqual(config.objects, []);
  t.deepEqual(steps.map((s) => `${s.before?.name ?? '-'} -> ${s.after ? 'kept' : 'gone'}`).slice(3, 6), [`${PREFIX}arp_10.217.0.22 -> gone`, `${PREFIX}flannel_vxlan -> kept`, `${PREFIX}float_tunnel -> gone`]);
});

test('references are checked in order: profile, vlan, pool, local-address, and what still uses an object', (t) => {
  const refuse = (config: FaceConfig, commands: string[], ...parts: string[]) => {
    const e = t.throws(() => check(config, commands), { instanceOf: TmshFaceError });
    for (const p of parts) t.true(e!.message.includes(p), `${e!.message}\n  should say ${p}`);
    t.true(e!.message.includes('(nothing was applied)'));
  };
  refuse(emptyConfig(), ['create net self s address 10.0.0.1/24 vlan nope'], 'vlan nope was not found');
  refuse(emptyConfig(), ['create net vlan v interfaces add { 1.3 }'], 'interface 1.3 does not exist on this unit (it has 1.1, 1.2)');
  refuse(emptyConfig(), ['create net vlan v interfaces add { 1.1 }', 'create net vlan w interfaces add { 1.1 }'], 'interface 1.1 is already in net vlan v');
  refuse(emptyConfig(), ['create net tunnels tunnel t key 0 profile p local-address 10.169.72.36 traffic-group traffic-group-local-only'], 'profile p was not found');
  refuse(emptyConfig(), ['create net tunnels vxlan p', 'create net tunnels tunnel t key 0 profile p local-address 10.169.72.36 traffic-group traffic-group-local-only'], 'local-address 10.169.72.36 is not a self IP of this unit');
  refuse(emptyConfig(), ['create ltm virtual vs destination 10.1.10.100:80 ip-protocol tcp pool p'], 'pool p was not found');
  refuse(configured(), ['create net tunnels vxlan x', `create net vlan ${PREFIX}flannel_vxlan interfaces add { 1.1 }`], `net tunnels tunnel ${PREFIX}flannel_vxlan already exists`);
  refuse(configured(), [`delete net vlan ${PREFIX}underlay`], `net vlan ${PREFIX}underlay is in use by net self ${PREFIX}self_underlay`);
  refuse(configured(), [`delete net tunnels vxlan ${PREFIX}fl-vxlan`], `in use by net tunnels tunnel ${PREFIX}flannel_vxlan`);
  refuse(configured(), [`delete net self ${PREFIX}self_underlay`], `in use by net tunnels tunnel ${PREFIX}flannel_vxlan (its local-address)`);
  refuse(configured(), [`delete ltm pool ${PREFIX}pool_vs-nginx`], `in use by ltm virtual ${PREFIX}vs-nginx_tcp, ltm virtual ${PREFIX}vs-nginx_udp`);
  refuse(configured(), ['delete net arp nope'], 'net arp nope was not found');
  refuse(configured(), [`modify net fdb tunnel ${PREFIX}flannel_vxlan records add { 0a:58:0a:d9:00:01 { endpoint 10.169.72.127 } }`], 'already has a record for 0a:58:0a:d9:00:01');
  refuse(configured(), ['create net arp a ip-address 192.168.1.1 mac-address 02:00:00:00:00:01'], '192.168.1.1 is on no VLAN or tunnel with a self IP');
  refuse(configured(), [`create ltm virtual vs2 destination 10.1.10.100:80 ip-protocol tcp pool ${PREFIX}pool_vs-nginx`], `10.1.10.100:80 tcp is already ltm virtual ${PREFIX}vs-nginx_tcp`);
  refuse(configured(), [`create ltm virtual vs2 destination 192.168.9.9:80 ip-protocol tcp pool ${PREFIX}pool_vs-nginx`], 'destination 192.168.9.9 is on no VLAN with a self IP');
});

test('one refused command refuses the transaction, and every problem is said', (t) => {
  const e = t.throws(() => check(emptyConfig(), ['create net tunnels vxlan p', 'create net self s address 10.0.0.1/24 vlan nope', 'delete net arp gone']), { instanceOf: TmshFaceError });
  const lines = e!.message.split('\n');
  t.is(lines.length, 2);
  t.regex(lines[0]!, /^tmsh: "create net self s address 10.0.0.1\/24 vlan nope": vlan nope was not found \(a self IP's vlan is a net vlan or a net tunnels tunnel\) \(nothing was applied\)$/);
  t.regex(lines[1]!, /^tmsh: also "delete net arp gone": net arp gone was not found$/);
});

test('automap needs a self IP toward every pool member; the whole transaction is refused otherwise', (t) => {
  const e = t.throws(() =>
    check(configured(), ['create ltm pool far members add { 192.168.50.5:any }', 'create ltm virtual vs-far destination 10.1.10.101:80 ip-protocol tcp pool far source-address-translation { type automap } traffic-group traffic-group-1']),
  );
  t.regex(e!.message, /ltm virtual vs-far: source-address-translation automap: pool member 192.168.50.5 is on no VLAN or tunnel with a self IP/);
  t.notThrows(() => check(configured(), ['create ltm pool far members add { 192.168.50.5:any }', 'create ltm virtual vs-far destination 10.1.10.101:80 ip-protocol tcp pool far traffic-group traffic-group-1']), 'without SNAT no self IP is needed');
});

test('no-ops: deleting no records, setting the key a tunnel has', (t) => {
  const config = check(configured(), [`modify net fdb tunnel ${PREFIX}flannel_vxlan records delete { all }`]).config;
  t.is(check(config, [`modify net fdb tunnel ${PREFIX}flannel_vxlan records delete { all }`]).steps.length, 0);
  t.is(check(config, [`modify net tunnels tunnel ${PREFIX}flannel_vxlan key 0`]).steps.length, 0);
  t.like(check(config, [`modify net tunnels tunnel ${PREFIX}flannel_vxlan key 1`]).steps[0], { before: { key: 0 }, after: { key: 1 } });
});

test("traffic-group-1 and the tables are sim's for the same objects (floating tunnel self IP as SNAT automap's source)", (t) => {
  const config = configured();
  const tg = trafficGroupOf(config);
  t.deepEqual(tg.addresses, [
    { cidr: '10.1.10.100/32', dev: 'ext0', ip: '10.1.10.100', virtual: true },
    { cidr: '10.217.31.1/16', dev: 'flannel_vxlan', ip: '10.217.31.1', virtual: false },
  ]);
  t.deepEqual(tg.tunnels, []);
  t.deepEqual(tg.virtualAddresses, ['10.1.10.100']);
  // sim's ruleset for the failover scenario with the same floating tunnel self IP: the same DNAT lines.
  const spec = structuredClone(loadScenario('failover'));
  spec.bigip!.floatingSelfIps = [{ address: '10.217.31.1/16', vlan: 'tunnel' }];
  const b = resolveTopology(spec).bigip!;
  const dnat = (ruleset: string) => ruleset.split('\n').filter((l) => l.includes('dnat to'));
  t.deepEqual(dnat(tg.ruleset), dnat(trafficGroupRuleset(b, b.units[0]!)));
  t.deepEqual(
    tg.ruleset.split('\n').filter((l) => l.includes('snat to')),
    [
      '    oifname "flannel_vxlan" ct status dnat ct original ip daddr 10.1.10.100 meta l4proto tcp ct original proto-dst 80 snat to 10.217.31.1',
      '    oifname "flannel_vxlan" ct status dnat ct original ip daddr 10.1.10.100 meta l4proto udp ct original proto-dst 7 snat to 10.217.31.1',
    ],
  );
  t.is(baseRulesetOf(config), unitBaseRuleset({ ...b, virtualServers: [b.virtualServers[0]!] }));
  t.is(baseRulesetOf(emptyConfig()), undefined, 'no virtual servers, no base table (an empty address set is not a ruleset)');
  t.deepEqual([...namingOf(config).vlans], [['eth0', `${PREFIX}underlay`], ['ext0', `${PREFIX}external`]]);
  t.deepEqual([...namingOf(config).tunnels], [['flannel_vxlan', `${PREFIX}flannel_vxlan`]]);
});

test('SNAT automap without a floating self IP takes the unit’s own tunnel self IP; a traffic-group-1 tunnel follows the group', (t) => {
  const commands = configureCommands(BIGIP1)
    .filter((c) => !c.includes('float_tunnel'))
    .map((c) => c.replace(/(tunnels tunnel \S+ .*)traffic-group traffic-group-local-only/, '$1traffic-group traffic-group-1'));
  const tg = trafficGroupOf(check(emptyConfig(), commands).config);
  t.true(tg.ruleset.includes('snat to 10.217.31.36'));
  t.deepEqual(tg.tunnels, ['flannel_vxlan']);
});

test("kernel names: the run's prefix dropped when the rest fits, else a hash", (t) => {
  t.is(tunnelDevice('ol_ab12_flannel_vxlan', new Set(['eth0'])), 'flannel_vxlan');
  t.is(tunnelDevice('flannel_vxlan', new Set()), 'flannel_vxlan');
  t.regex(tunnelDevice('ol_ab12_a_very_long_tunnel_name', new Set()), /^olt[0-9a-f]{12}$/);
  t.regex(tunnelDevice('ol_ab12_eth0', new Set(['eth0'])), /^olt[0-9a-f]{12}$/);
  t.not(tunnelDevice('ol_ab12_x_long_tunnel_name_1', new Set()), tunnelDevice('ol_ab12_x_long_tunnel_name_2', new Set()));
});

test('unit.json: every field checked, the file and field named', (t) => {
  const good = JSON.stringify(unit);
  t.deepEqual(parseUnitConfig(good, 'u.json'), unit);
  const bad = (patch: object, message: RegExp) => t.throws(() => parseUnitConfig(JSON.stringify({ ...unit, ...patch }), 'u.json'), { message });
  bad({ haAddress: 'x' }, /^u.json: haAddress: expected an IPv4 address$/);
  bad({ peer: { unit: 'b' } }, /^u.json: peer.haAddress: expected an IPv4 address$/);
  bad({ initialStatus: 'active' }, /^u.json: initialStatus: expected "ACTIVE" or "STANDBY"$/);
  bad({ interfaces: { eth0: 'eth0' } }, /interfaces.eth0: expected BIG-IP interface names/);
  bad({ tunnelMac: '02:0F:00:00:00:01' }, /tunnelMac: expected a string matching/);
  t.throws(() => parseUnitConfig('{', 'u.json'), { message: /^u.json: not JSON/ });
});

test("a floating local-address (sim's floating-local): the tunnel sends from traffic-group-1's underlay self IP and follows the group", (t) => {
  const commands = configureCommands(BIGIP1).flatMap((c) => {
    if (c.includes('self_external')) return [c, `create net self ${PREFIX}float_underlay address 10.169.72.40/16 vlan ${PREFIX}underlay traffic-group traffic-group-1 allow-service default`];
    if (c.includes('create net tunnels tunnel')) return [c.replace('local-address 10.169.72.36 traffic-group traffic-group-local-only', 'local-address 10.169.72.40 traffic-group traffic-group-1')];
    return [c];
  });
  const { config } = check(emptyConfig(), commands);
  t.like(findObject(config, 'tunnel', `${PREFIX}flannel_vxlan`), { localAddress: '10.169.72.40', underlayDev: 'eth0', trafficGroup: 'traffic-group-1' });
  const tg = trafficGroupOf(config);
  t.deepEqual(tg.tunnels, ['flannel_vxlan']);
  t.true(tg.addresses.some((a) => a.cidr === '10.169.72.40/16' && a.dev === 'eth0'));
  t.throws(() => check(config, [`delete net self ${PREFIX}float_underlay`]), { message: /in use by net tunnels tunnel ol_ab12_flannel_vxlan \(its local-address\)/ });
});
