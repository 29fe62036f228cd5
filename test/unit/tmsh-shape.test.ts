// tmsh's output shapes: the field report's tables (seed 000) and VE quirks parse to the unit
// types, what render.ts writes parses back to the state it came from, and text that is not the
// table asked for fails with the command, what was expected and the line.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFailoverStatus, parseShowNetArp, parseShowNetFdb, parseTunnelProperties, parseUnitTmsh, TmshParseError } from '../../harness/devices/bigip/tmsh-shape/parse.js';
import { renderUnitTmsh, showFailoverStatus, showNetArp, showNetFdb, showTunnelProperties } from '../../harness/devices/bigip/tmsh-shape/render.js';
import type { FailoverStatus, UnitState } from '../../harness/devices/bigip/types.js';

const fixture = (name: string): string => readFileSync(join(process.cwd(), 'test/fixtures/tmsh', name), 'utf8');

// ---------------------------------------------------------------------------------------------
// Seed 000, as the active unit printed it

test('seed 000 show net fdb: static node VTEP records and learned pod MACs', (t) => {
  t.deepEqual(parseShowNetFdb(fixture('seed000-show-net-fdb.txt')), [
    { tunnel: 'flannel_vxlan', mac: 'ae:de:d6:ee:15:ab', endpoint: '10.169.72.127', dynamic: false },
    { tunnel: 'flannel_vxlan', mac: 'fa:41:fe:3f:5c:4d', endpoint: '10.169.72.128', dynamic: false },
    { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:00:16', endpoint: '10.169.72.127', dynamic: true },
    { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true },
  ]);
});

test('seed 000 show net arp: underlay neighbours and pods, vlan without /Common/', (t) => {
  t.deepEqual(parseShowNetArp(fixture('seed000-show-net-arp.txt')), [
    { address: '10.169.72.36', mac: '00:50:56:86:30:74', vlan: 'vli-169', status: 'resolved' },
    { address: '10.169.72.127', mac: '00:50:56:86:0b:ae', vlan: 'vli-169', status: 'resolved' },
    { address: '10.169.72.128', mac: '00:50:56:86:48:98', vlan: 'vli-169', status: 'resolved' },
    { address: '10.217.0.22', mac: '0a:58:0a:d9:00:16', vlan: 'flannel_vxlan', status: 'resolved' },
    { address: '10.217.1.30', mac: '0a:58:0a:d9:01:1e', vlan: 'flannel_vxlan', status: 'resolved' },
  ]);
});

test('seed 000 tables render back byte for byte (apart from Expire-in-sec)', (t) => {
  const body = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('['));
  t.deepEqual(body(showNetFdb(parseShowNetFdb(fixture('seed000-show-net-fdb.txt')))), body(fixture('seed000-show-net-fdb.txt')));
  const seconds = new Map([['10.169.72.36', 110], ['10.169.72.127', 234], ['10.169.72.128', 234], ['10.217.0.22', 294], ['10.217.1.30', 234]]);
  const arp = showNetArp(parseShowNetArp(fixture('seed000-show-net-arp.txt')), { expireInSec: (e) => seconds.get(e.address) ?? -1 });
  t.deepEqual(body(arp), body(fixture('seed000-show-net-arp.txt')));
});

// ---------------------------------------------------------------------------------------------
// VE quirks

test('show net arp: unpadded and upper-case MACs, %route domain, incomplete and static entries', (t) => {
  t.deepEqual(parseShowNetArp(fixture('unpadded-show-net-arp.txt')), [
    { address: '10.169.72.127', mac: '00:50:56:86:0b:ae', vlan: 'vli-169', status: 'resolved' },
    { address: '10.217.0.22', mac: '0a:58:0a:d9:00:16', vlan: 'flannel_vxlan', status: 'resolved' },
    { address: '10.217.1.30', vlan: 'flannel_vxlan', status: 'incomplete' },
    { address: '10.217.1.31', mac: '0a:58:0a:d9:01:1f', vlan: 'flannel_vxlan', status: 'static' },
  ]);
});

test('show net fdb: the VLAN FDB table is skipped, /Common/ tunnels and unpadded MACs normalised', (t) => {
  t.deepEqual(parseShowNetFdb(fixture('show-net-fdb-vlan-and-tunnel.txt')), [
    { tunnel: 'flannel_vxlan', mac: '00:50:56:86:68:a3', endpoint: '10.169.72.36', dynamic: false },
    { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true },
  ]);
});

test('show net fdb: columns separated by single spaces, indented, with CRLF line ends', (t) => {
  const text = '  Net::FDB\r\n  Tunnel Mac Address Member Dynamic\r\n  flannel_vxlan 0:50:56:86:78:2d endpoint:10.169.72.38%2 no\r\n';
  t.deepEqual(parseShowNetFdb(text), [{ tunnel: 'flannel_vxlan', mac: '00:50:56:86:78:2d', endpoint: '10.169.72.38', dynamic: false }]);
});

test('an empty table: tmsh prints nothing, a prompt at most', (t) => {
  t.is(showNetFdb([]), '');
  t.deepEqual(parseShowNetFdb(''), []);
  t.deepEqual(parseShowNetArp('root@(bigip1)(cfg-sync Standalone)(Active)(/Common)(tmos)# show net arp\n\n'), []);
});

test('show cm failover-status: ACTIVE and STANDBY, the connections table after it ignored', (t) => {
  t.is(parseFailoverStatus(fixture('failover-status-active.txt')), 'ACTIVE');
  t.is(parseFailoverStatus(fixture('failover-status-standby.txt')), 'STANDBY');
  t.is(parseFailoverStatus('CM::Failover Status\nColor  red\nStatus  forced   offline\n'), 'FORCED OFFLINE');
});

test('show net tunnels tunnel all-properties: name without /Common/, MAC padded, counters ignored', (t) => {
  t.deepEqual(parseTunnelProperties(fixture('tunnel-all-properties.txt')), { name: 'flannel_vxlan', mac: '00:50:56:86:68:a3' });
});

test('showTunnelProperties lays the MAC out as the VE does and cuts long interface names', (t) => {
  const lines = showTunnelProperties({ name: 'vxlan-tunnel-dev', mac: '00:50:56:bb:32:66' }).split('\n');
  t.is(lines[1], '-'.repeat(49));
  t.is(lines[2], 'Net::Tunnel: vxlan-tunnel-dev');
  t.is(lines[4], 'MAC Address                     00:50:56:bb:32:66');
  t.is(lines[5], 'Interface Name                    vxlan-tunnel-~1');
});

// ---------------------------------------------------------------------------------------------
// Round trips

const STATE: UnitState = {
  unit: 'bigip2',
  failoverStatus: 'ACTIVE',
  tunnels: [{ name: 'flannel_vxlan', mac: '00:50:56:86:78:2d' }],
  vlans: [],
  fdb: [
    { tunnel: 'flannel_vxlan', mac: 'ae:de:d6:ee:15:ab', endpoint: '10.169.72.127', dynamic: false },
    { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true },
  ],
  arp: [
    { address: '10.169.72.127', mac: '00:50:56:86:0b:ae', vlan: 'vli-169', status: 'resolved' },
    { address: '10.217.0.22', mac: '0a:58:0a:d9:00:16', vlan: 'flannel_vxlan', status: 'resolved' },
    { address: '10.217.1.31', mac: '0a:58:0a:d9:01:1f', vlan: 'flannel_vxlan', status: 'static' },
    { address: '10.217.1.99', vlan: 'flannel_vxlan', status: 'incomplete' },
  ],
  selfIps: [],
};

test('renderUnitTmsh → parseUnitTmsh gives back the state (everything the four outputs carry)', (t) => {
  const text = renderUnitTmsh(STATE);
  t.deepEqual(text.split('\n').filter((l) => l.startsWith('# ')), [
    '# show cm failover-status',
    '# show net tunnels tunnel flannel_vxlan all-properties',
    '# show net fdb tunnel flannel_vxlan',
    '# show net arp',
  ]);
  t.deepEqual({ unit: STATE.unit, ...parseUnitTmsh(text) }, STATE);
});

test('each table round-trips on its own; every failover status round-trips', (t) => {
  t.deepEqual(parseShowNetFdb(showNetFdb(STATE.fdb)), STATE.fdb);
  t.deepEqual(parseShowNetArp(showNetArp(STATE.arp)), STATE.arp);
  t.deepEqual(parseTunnelProperties(showTunnelProperties(STATE.tunnels[0]!)), STATE.tunnels[0]);
  for (const s of ['ACTIVE', 'STANDBY', 'OFFLINE', 'FORCED OFFLINE', 'UNKNOWN'] as FailoverStatus[]) t.is(parseFailoverStatus(showFailoverStatus(s)), s);
});

test('a unit with records on two tunnels gets one show net fdb section per tunnel', (t) => {
  const two: UnitState = { ...STATE, tunnels: [...STATE.tunnels, { name: 'other_vxlan', mac: '00:50:56:86:00:01' }], fdb: [...STATE.fdb, { tunnel: 'other_vxlan', mac: '02:00:00:00:00:01', endpoint: '10.1.1.1', dynamic: true }] };
  const text = renderUnitTmsh(two);
  t.true(text.includes('# show net fdb tunnel other_vxlan\n'));
  t.deepEqual(parseUnitTmsh(text).fdb, two.fdb);
});

// ---------------------------------------------------------------------------------------------
// Input that is not the table asked for

test('the ARP table given to the FDB parser: names the table expected and what was found', (t) => {
  const e = t.throws(() => parseShowNetFdb(fixture('seed000-show-net-arp.txt')), { instanceOf: TmshParseError });
  t.is(e?.message, 'show net fdb: expected a "Net::FDB" table, found "-----------------------------------------------------------------------------------------------"');
});

test('a row cut short: names the line, the fields expected and how many were found', (t) => {
  const cut = fixture('seed000-show-net-fdb.txt').replace('endpoint:10.169.72.128    yes', '');
  const e = t.throws(() => parseShowNetFdb(cut), { instanceOf: TmshParseError });
  t.is(e?.message, 'show net fdb: line 10 ("flannel_vxlan  0a:58:0a:d9:01:1e"): expected 4 fields (Tunnel, Mac Address, Member, Dynamic), found 2 (row cut short?)');
});

test('only a VLAN FDB table: the heading found is named', (t) => {
  const vlanOnly = fixture('show-net-fdb-vlan-and-tunnel.txt').split('\n').slice(0, 8).join('\n');
  const e = t.throws(() => parseShowNetFdb(vlanOnly), { instanceOf: TmshParseError });
  t.is(e?.message, 'show net fdb: line 5: expected the columns "Tunnel Mac Address Member Dynamic" under "Net::FDB", found "VLAN     Mac Address        Member         Dynamic"');
});

test('bad values: a MAC, a member, a Dynamic flag, an address', (t) => {
  const row = (cells: string) => `Net::FDB\nTunnel  Mac Address  Member  Dynamic\n${cells}\n`;
  t.regex(t.throws(() => parseShowNetFdb(row('t  00:50:56:86:68  endpoint:10.0.0.1  no')))!.message, /line 3 .*expected a MAC address \(six hex octets separated by ':'\), found "00:50:56:86:68"/);
  t.regex(t.throws(() => parseShowNetFdb(row('t  00:50:56:86:68:a3  interface:1.1  no')))!.message, /expected Member "endpoint:<address>\[%<route domain>\]", found "interface:1.1"/);
  t.regex(t.throws(() => parseShowNetFdb(row('t  00:50:56:86:68:a3  endpoint:10.0.0.1  maybe')))!.message, /expected Dynamic "yes" or "no", found "maybe"/);
  t.regex(t.throws(() => parseShowNetFdb(row('t  00:50:56:86:68:a3  endpoint:node-a  no')))!.message, /expected an IP address, found "node-a"/);
});

test('failover status and tunnel properties: the wrong output, a status tmsh does not print, no MAC', (t) => {
  t.is(t.throws(() => parseFailoverStatus(fixture('seed000-show-net-arp.txt')))?.message, 'show cm failover-status: expected a "CM::Failover Status" block, found "-----------------------------------------------------------------------------------------------"');
  t.is(t.throws(() => parseFailoverStatus('CM::Failover Status\nColor  green\nStatus  HAPPY\n'))?.message, 'show cm failover-status: line 3: expected Status ACTIVE, STANDBY, OFFLINE, FORCED OFFLINE, UNKNOWN, found "Status  HAPPY"');
  const withoutAllProperties = '\n-----\nNet::Tunnel: flannel_vxlan\n-----\nIncoming Discard Packets  0\n';
  t.regex(t.throws(() => parseTunnelProperties(withoutAllProperties))!.message, /expected a "MAC Address" line after "Net::Tunnel: flannel_vxlan" .*only with all-properties/);
  t.regex(t.throws(() => parseUnitTmsh(showNetArp(STATE.arp)))!.message, /expected a "# <command>" line first/);
});

test('a tunnel under /Common/ keeps its partition in the title, not in its Interface Name', (t) => {
  const text = showTunnelProperties({ name: '/Common/ol_ab12_flannel_vxlan', mac: '02:0f:0a:a9:48:24' });
  t.regex(text, /^Net::Tunnel: \/Common\/ol_ab12_flannel_vxlan$/m);
  t.regex(text, /^Interface Name +ol_ab12_flann~1$/m);
  t.deepEqual(parseTunnelProperties(text), { name: 'ol_ab12_flannel_vxlan', mac: '02:0f:0a:a9:48:24' });
});
