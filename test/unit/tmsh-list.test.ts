// tmsh's `list` output: `list net self`, `list net vlan` and `list net tunnels tunnel <t>` as a VE
// prints them (one property a line, `/Common/` names, `%0` addresses, defaults left out) and as one
// line each (the stand-in's face may print them so), read into the unit types; text that is not
// this syntax fails with the command and the line.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListNetSelf, parseListNetTunnel, parseListNetVlan, parseListObjects } from '../../harness/devices/bigip/tmsh-shape/list.js';
import { parseUnitTmsh, TmshParseError } from '../../harness/devices/bigip/tmsh-shape/parse.js';

const fixture = (name: string): string => readFileSync(join(process.cwd(), 'test/fixtures/tmsh', name), 'utf8');

test('list net self (VE): /Common/ stripped from VLANs and traffic groups, %0 taken out of the address, floating from the unit', (t) => {
  t.deepEqual(parseListNetSelf(fixture('run-list-net-self.txt')), [
    { address: '10.3.72.38/16', vlan: 'ha', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.1.10.38/24', vlan: 'ol_ab12cd_external', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.33.38/16', vlan: 'ol_ab12cd_flannel_vxlan', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.169.72.38/16', vlan: 'ol_ab12cd_underlay', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.31.1/16', vlan: 'ol_ab12cd_flannel_vxlan', trafficGroup: 'traffic-group-1', floating: true },
  ]);
});

test('list net self on one line each (the face): floating is traffic-group-1 when the unit does not say', (t) => {
  const text = 'net self ol_x_self_tunnel { address 10.217.31.36/16 traffic-group traffic-group-local-only vlan ol_x_flannel_vxlan }\nnet self ol_x_float_tunnel { address 10.217.31.1/16 traffic-group traffic-group-1 vlan ol_x_flannel_vxlan }\n';
  t.deepEqual(parseListNetSelf(text), [
    { address: '10.217.31.36/16', vlan: 'ol_x_flannel_vxlan', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.31.1/16', vlan: 'ol_x_flannel_vxlan', trafficGroup: 'traffic-group-1', floating: true },
  ]);
});

test('list net vlan: names without /Common/, MTU as printed or BIG-IP\'s default 1500', (t) => {
  t.deepEqual(parseListNetVlan(fixture('run-list-net-vlan.txt')), [
    { name: 'ha', mtu: 9000 },
    { name: 'ol_ab12cd_external', mtu: 1500 },
    { name: 'ol_ab12cd_underlay', mtu: 1500 },
  ]);
  t.deepEqual(parseListNetVlan('net vlan ol_x_underlay { interfaces { 1.1 { } } mtu 1500 }'), [{ name: 'ol_x_underlay', mtu: 1500 }]);
});

test('list net tunnels tunnel: key 0 when left out, local-address without %0, MTU', (t) => {
  t.deepEqual(parseListNetTunnel(fixture('run-list-net-tunnel.txt')), [{ name: 'ol_ab12cd_flannel_vxlan', key: 0, localAddress: '10.169.72.38', mtu: 1450 }]);
  t.deepEqual(parseListNetTunnel('net tunnels tunnel t { key 7 local-address any mtu 0 profile p }'), [{ name: 't', key: 7 }]);
});

test('nothing configured prints nothing: no objects', (t) => {
  t.deepEqual(parseListNetSelf(''), []);
  t.deepEqual(parseListNetVlan('root@(bigip1)(cfg-sync Standalone)(Active)(/Common)(tmos)# list net vlan\n'), []);
});

test('the object structure: kind, name, nested blocks and quoted values kept', (t) => {
  const [o] = parseListObjects('net vlan /Common/v {\n    description "two words"\n    interfaces {\n        1.1 { tagged }\n    }\n}\n', 'list net vlan');
  t.is(o?.kind, 'net vlan');
  t.is(o?.name, '/Common/v');
  t.is(o?.props.get('description'), 'two words');
  t.deepEqual(o?.props.get('interfaces'), { items: ['1.1', { items: ['tagged'], line: 4 }], line: 3 });
});

test('not list output: the command, the line and what was expected', (t) => {
  t.is(t.throws(() => parseListNetVlan('net vlan v {\n  mtu 1500\n'), { instanceOf: TmshParseError })?.message, 'list net vlan: line 1: the "{" there is never closed');
  t.is(t.throws(() => parseListNetSelf(fixture('run-list-net-vlan.txt')), { instanceOf: TmshParseError })?.message, 'list net self: line 2: expected "net self <name> { ... }", found "net vlan /Common/ha"');
  t.regex(t.throws(() => parseListNetVlan('net vlan v { mtu }'))!.message, /^list net vlan: line 1: expected "<property> <value>" pairs in net vlan v, found "mtu" without a value$/);
  t.regex(t.throws(() => parseListNetVlan('net vlan v { mtu big }'))!.message, /expected mtu of net vlan v to be a number, found "big"/);
  t.regex(t.throws(() => parseListNetSelf('net self s { address 10.1.1.1 vlan v }'))!.message, /^list net self: line 1 \(net self s\): expected an address with its prefix length .*found "10.1.1.1"$/);
  t.regex(t.throws(() => parseListNetSelf('net self s { vlan v }'))!.message, /expected an address and a vlan/);
  t.regex(t.throws(() => parseListNetTunnel('net tunnels tunnel t { local-address nowhere }'))!.message, /expected local-address to be an address or any, found "nowhere"/);
  t.regex(t.throws(() => parseListNetVlan('Syntax Error: "vlan" unknown property'))!.message, /^list net vlan: line 1: expected "<kind> <name> \{ \.\.\. \}", found "Syntax Error: .*"$/);
  t.regex(t.throws(() => parseListNetVlan('net vlan v { description "open }'))!.message, /unterminated quoted string/);
});

test('parseUnitTmsh reads list sections too; a tunnel gets its list properties next to its MAC', (t) => {
  const text = [
    '# show cm failover-status', fixture('failover-status-active.txt'),
    '# list net tunnels tunnel ol_ab12cd_flannel_vxlan', fixture('run-list-net-tunnel.txt'),
    '# show net tunnels tunnel ol_ab12cd_flannel_vxlan all-properties', fixture('run-tunnel-all-properties.txt'),
    '# list net vlan', fixture('run-list-net-vlan.txt'),
    '# list net self', 'net self s { address 10.1.1.1/24 vlan v }',
  ].join('\n');
  const read = parseUnitTmsh(text);
  t.deepEqual(read.tunnels, [{ name: 'ol_ab12cd_flannel_vxlan', mac: '00:50:56:86:78:2d', key: 0, localAddress: '10.169.72.38', mtu: 1450 }]);
  t.is(read.vlans.length, 3);
  t.deepEqual(read.selfIps, [{ address: '10.1.1.1/24', vlan: 'v', trafficGroup: 'traffic-group-local-only', floating: false }]);
  t.regex(t.throws(() => parseUnitTmsh('# list ltm pool\n'))!.message, /no parser for "# list ltm pool"/);
});
