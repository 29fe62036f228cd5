// The tmsh device's configuration: the failover scenario's BIG-IP spec as each unit's configure and
// teardown transactions (golden, word for word), the variants' differences (a floating
// local-address, floating self IPs, CIS static ARP, no static FDB records, flooding none), names
// that carry the run's prefix and nothing else, and values that cannot be more than one word.
import test from 'ava';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { validateSpec } from '../../harness/spec/load.js';
import type { ScenarioSpec } from '../../harness/spec/schema.js';
import { resolveTopology, type Topology } from '../../harness/spec/topology.js';
import { renderConfig, tmshArgv, type UnitTmshConfig } from '../../harness/devices/bigip/tmsh/render-config.js';
import { objectName, PLAN_PREFIX, runObject, runPrefix, word } from '../../harness/devices/bigip/tmsh/names.js';

const P = runPrefix('ab12cd');

function topologyOf(bigip: Partial<NonNullable<ScenarioSpec['bigip']>> = {}, tunnel: Partial<NonNullable<ScenarioSpec['bigip']>['tunnel']> = {}, scenario = 'failover'): Topology {
  const spec = structuredClone(loadScenario(scenario));
  const b = spec.bigip!;
  return resolveTopology(validateSpec({ ...spec, bigip: { ...b, ...bigip, tunnel: { ...b.tunnel, ...tunnel } } }, '(variant)'));
}

function unit(configs: UnitTmshConfig[], name: string): UnitTmshConfig {
  const c = configs.find((x) => x.unit === name);
  if (!c) throw new Error(`no unit ${name}`);
  return c;
}

const BIGIP1_CONFIGURE = [
  'create cli transaction',
  'create net vlan ol_ab12cd_underlay interfaces add { 1.1 } mtu 1500',
  'create net vlan ol_ab12cd_external interfaces add { 1.2 } mtu 1500',
  'create net self ol_ab12cd_self_underlay address 10.169.72.36/16 vlan ol_ab12cd_underlay traffic-group traffic-group-local-only allow-service default',
  'create net self ol_ab12cd_self_external address 10.1.10.36/24 vlan ol_ab12cd_external traffic-group traffic-group-local-only allow-service default',
  'create net tunnels vxlan ol_ab12cd_fl-vxlan port 8472 flooding-type multipoint',
  'create net tunnels tunnel ol_ab12cd_flannel_vxlan key 0 profile ol_ab12cd_fl-vxlan local-address 10.169.72.36 traffic-group traffic-group-local-only mtu 1450',
  'create net self ol_ab12cd_self_tunnel address 10.217.31.36/16 vlan ol_ab12cd_flannel_vxlan traffic-group traffic-group-local-only allow-service none',
  'modify net fdb tunnel ol_ab12cd_flannel_vxlan records add { 0e:0f:0a:a9:48:7f { endpoint 10.169.72.127 } 0e:0f:0a:a9:48:80 { endpoint 10.169.72.128 } }',
  'create ltm pool ol_ab12cd_pool_vs-nginx members add { 10.217.0.22:any 10.217.1.30:any }',
  'create ltm virtual ol_ab12cd_vs-nginx_tcp destination 10.1.10.100:80 ip-protocol tcp pool ol_ab12cd_pool_vs-nginx source-address-translation { type automap }',
  'create ltm virtual ol_ab12cd_vs-nginx_udp destination 10.1.10.100:7 ip-protocol udp pool ol_ab12cd_pool_vs-nginx source-address-translation { type automap }',
  'submit cli transaction',
];

const BIGIP1_TEARDOWN = [
  'create cli transaction',
  'delete ltm virtual ol_ab12cd_vs-nginx_udp',
  'delete ltm virtual ol_ab12cd_vs-nginx_tcp',
  'delete ltm pool ol_ab12cd_pool_vs-nginx',
  'modify net fdb tunnel ol_ab12cd_flannel_vxlan records delete { all }',
  'delete net self ol_ab12cd_self_tunnel',
  'delete net tunnels tunnel ol_ab12cd_flannel_vxlan',
  'delete net tunnels vxlan ol_ab12cd_fl-vxlan',
  'delete net self ol_ab12cd_self_external',
  'delete net self ol_ab12cd_self_underlay',
  'delete net vlan ol_ab12cd_external',
  'delete net vlan ol_ab12cd_underlay',
  'submit cli transaction',
];

test('golden: the failover scenario\'s bigip1, configure and teardown, as commands and as the one argv', (t) => {
  const c = unit(renderConfig(topologyOf(), P), 'bigip1');
  t.deepEqual(c.configure.commands, BIGIP1_CONFIGURE);
  t.deepEqual(c.teardown.commands, BIGIP1_TEARDOWN);
  t.deepEqual(c.configure.argv, ['tmsh', '-q', '-c', BIGIP1_CONFIGURE.join('; ')]);
  t.deepEqual(c.teardown.argv, ['tmsh', '-q', '-c', BIGIP1_TEARDOWN.join('; ')]);
});

test('golden: bigip2 differs from bigip1 in its own addresses only', (t) => {
  const c = unit(renderConfig(topologyOf(), P), 'bigip2');
  const mine = (l: string) => l.replace('10.169.72.36/16', '10.169.72.38/16').replace('10.1.10.36/24', '10.1.10.38/24').replace('local-address 10.169.72.36', 'local-address 10.169.72.38').replace('10.217.31.36/16', '10.217.33.38/16');
  t.deepEqual(c.configure.commands, BIGIP1_CONFIGURE.map(mine));
  t.deepEqual(c.teardown.commands, BIGIP1_TEARDOWN);
});

test('the plan\'s prefix is ol_{run}_, filled in when the step runs', (t) => {
  const c = unit(renderConfig(topologyOf(), PLAN_PREFIX), 'bigip1');
  t.is(c.configure.commands[1], 'create net vlan ol_{run}_underlay interfaces add { 1.1 } mtu 1500');
  t.deepEqual(c.configure.argv[3], BIGIP1_CONFIGURE.join('; ').replaceAll('ol_ab12cd_', 'ol_{run}_'));
});

test('teardown deletes exactly what configure created, by the run\'s names, in reverse order', (t) => {
  for (const topo of [topologyOf(), topologyOf({ cisStaticArp: true, floatingSelfIps: [{ address: '10.169.72.40/16', vlan: 'underlay' }, { address: '10.217.31.1/16', vlan: 'tunnel' }] }, { localAddress: 'floating', trafficGroup: 'traffic-group-1' })]) {
    for (const c of renderConfig(topo, P)) {
      const target = /^(?:create|modify|delete) (?:ltm \S+|net (?:tunnels \S+|fdb tunnel|\S+)) (\S+)/;
      const created = c.configure.commands.flatMap((l) => target.exec(l)?.[1] ?? []);
      const deleted = c.teardown.commands.flatMap((l) => target.exec(l)?.[1] ?? []);
      t.deepEqual(deleted, [...created].reverse(), c.unit);
      for (const name of deleted) t.true(name.startsWith(P) && runObject(P, name) !== undefined, name);
      for (const l of c.teardown.commands.slice(1, -1)) t.regex(l, /^(delete (ltm|net) .* ol_ab12cd_\S+|modify net fdb tunnel ol_ab12cd_\S+ records delete \{ all \})$/);
    }
  }
});

test('a floating local-address: traffic-group-1\'s underlay self IP is created before the tunnel that sends from it', (t) => {
  const c = unit(renderConfig(topologyOf({ floatingSelfIps: [{ address: '10.169.72.40/16', vlan: 'underlay' }] }, { localAddress: 'floating', trafficGroup: 'traffic-group-1' }), P), 'bigip2');
  const float = c.configure.commands.indexOf('create net self ol_ab12cd_float_underlay address 10.169.72.40/16 vlan ol_ab12cd_underlay traffic-group traffic-group-1 allow-service default');
  const tunnel = c.configure.commands.indexOf('create net tunnels tunnel ol_ab12cd_flannel_vxlan key 0 profile ol_ab12cd_fl-vxlan local-address 10.169.72.40 traffic-group traffic-group-1 mtu 1450');
  t.true(float > 0 && tunnel > float, c.configure.commands.join('\n'));
});

test('floating self IPs: named per VLAN (a second on one VLAN numbered), in traffic-group-1, on both units', (t) => {
  const configs = renderConfig(topologyOf({ floatingSelfIps: [{ address: '10.217.31.1/16', vlan: 'tunnel' }, { address: '10.217.31.2/16', vlan: 'tunnel' }, { address: '10.1.10.200/24', vlan: 'external' }] }), P);
  for (const c of configs) {
    const floats = c.configure.commands.filter((l) => l.includes('_float_'));
    t.deepEqual(floats, [
      'create net self ol_ab12cd_float_external address 10.1.10.200/24 vlan ol_ab12cd_external traffic-group traffic-group-1 allow-service default',
      'create net self ol_ab12cd_float_tunnel address 10.217.31.1/16 vlan ol_ab12cd_flannel_vxlan traffic-group traffic-group-1 allow-service none',
      'create net self ol_ab12cd_float_tunnel_2 address 10.217.31.2/16 vlan ol_ab12cd_flannel_vxlan traffic-group traffic-group-1 allow-service none',
    ]);
  }
});

test('CIS static ARP (cisStaticArp): pod IP -> its node\'s VTEP MAC, once a pod, only when asked', (t) => {
  const arp = (topo: Topology) => unit(renderConfig(topo, P), 'bigip1').configure.commands.filter((l) => l.startsWith('create net arp'));
  t.deepEqual(arp(topologyOf({ cisStaticArp: true })), [
    'create net arp ol_ab12cd_arp_10.217.0.22 ip-address 10.217.0.22 mac-address 0e:0f:0a:a9:48:7f',
    'create net arp ol_ab12cd_arp_10.217.1.30 ip-address 10.217.1.30 mac-address 0e:0f:0a:a9:48:80',
  ]);
  t.deepEqual(arp(topologyOf()), []);
  t.true(unit(renderConfig(topologyOf({ cisStaticArp: true }), P), 'bigip1').teardown.commands.includes('delete net arp ol_ab12cd_arp_10.217.1.30'));
});

test('no static FDB records: no records add, and none deleted; flooding none and another port are the profile\'s', (t) => {
  const c = unit(renderConfig(topologyOf({ staticFdb: false, profile: { name: 'fl-vxlan', floodingType: 'none', port: 4789 } }), P), 'bigip1');
  t.false(c.configure.commands.some((l) => l.includes('records')));
  t.false(c.teardown.commands.some((l) => l.includes('records')));
  t.true(c.configure.commands.includes('create net tunnels vxlan ol_ab12cd_fl-vxlan port 4789 flooding-type none'));
});

test('no BIG-IP section: nothing to render', (t) => {
  t.deepEqual(renderConfig(resolveTopology(loadScenario('baseline')), P), []);
});

test('names: the run id is [a-z0-9]+, the prefix ol_<run>_, and no part can be more than one word', (t) => {
  t.is(runPrefix('ab12cd'), 'ol_ab12cd_');
  for (const bad of ['', 'AB', 'a_b', 'a;b', 'a b', '{run}']) t.throws(() => runPrefix(bad), { message: /run id .* is not \[a-z0-9\]\+/ }, bad);
  t.is(objectName(PLAN_PREFIX, 'flannel_vxlan'), 'ol_{run}_flannel_vxlan');
  t.throws(() => objectName('ol_x;y_', 'a'), { message: /prefix "ol_x;y_" is not ol_<run>_/ });
  for (const bad of ['', 'a b', 'a;b', 'a}', '{a', '"a"', '_a']) t.throws(() => objectName(P, bad), { message: /may hold only letters/ }, bad);
  for (const bad of ['1 2', 'a;', '}', '']) t.throws(() => word(bad), { message: /cannot go into a tmsh command/ }, bad);
  t.is(word('10.217.31.36/16'), '10.217.31.36/16');
  t.is(runObject(P, '/Common/ol_ab12cd_flannel_vxlan'), 'flannel_vxlan');
  t.is(runObject(P, 'ol_ab12cd_underlay'), 'underlay');
  t.is(runObject(P, '/Common/ol_ff00ff_underlay'), undefined, 'another run\'s object is not ours');
  t.is(runObject(P, '/Common/ha'), undefined);
  t.is(runObject(P, 'ol_ab12cd_'), undefined);
});

test('tmshArgv: one argv element after -c, the commands joined by "; "', (t) => {
  t.deepEqual(tmshArgv(['show net arp']), ['tmsh', '-q', '-c', 'show net arp']);
  t.deepEqual(tmshArgv(['a', 'b']), ['tmsh', '-q', '-c', 'a; b']);
});
