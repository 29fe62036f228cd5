// unitStateOf: a stand-in unit's kernel, read as BIG-IP would show it. The unit's outputs are
// written in the JSON shapes iproute2 6.1 prints (see test/fixtures/iproute2/) and read with the
// project's own parsers, as a run reads them: learned FDB entries are `Dynamic yes`, installed
// ones `Dynamic no`, flood entries and other devices' entries are not records; ARP states map to
// tmsh's; a virtual address is not a self IP; floating self IPs are traffic-group-1's; the
// tunnel's MAC, key, local address and MTU are the VXLAN device's.
import test from 'ava';
import { unitStateOf } from '../../harness/devices/bigip/sim/observe.js';
import { parseAddrs, parseFdb, parseLinks, parseNeighbours, parseRoutes } from '../../harness/devices/linux/parse.js';
import type { HostSnapshot } from '../../harness/probes/snapshot.js';
import type { UnitState } from '../../harness/devices/bigip/types.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { validateSpec } from '../../harness/spec/load.js';
import { resolveTopology, type BigipTopology } from '../../harness/spec/topology.js';

const failoverBigip = (): BigipTopology => resolveTopology(loadScenario('failover')).bigip!;

/** The failover scenario with the tunnel's local-address floating (traffic-group-1's 10.169.72.40 on the underlay). */
function floatingBigip(): BigipTopology {
  const spec = structuredClone(loadScenario('failover'));
  spec.bigip!.tunnel = { ...spec.bigip!.tunnel, localAddress: 'floating', trafficGroup: 'traffic-group-1' };
  spec.bigip!.floatingSelfIps = [{ address: '10.169.72.40/16', vlan: 'underlay' }, { address: '10.217.31.1/16', vlan: 'tunnel' }];
  return resolveTopology(validateSpec(spec, '(variant)')).bigip!;
}

// ---------------------------------------------------------------------------------------------
// bigip1 of the failover scenario, as `ip -j -d link`, `ip -j addr`, `ip -j neigh` and
// `bridge -j fdb` print it on the stand-in.

const link = (o: { ifindex: number; name: string; mtu: number; mac: string; up?: boolean; kind?: string; vxlan?: object; master?: string }) => ({
  ifindex: o.ifindex,
  ifname: o.name,
  flags: o.up === false ? ['BROADCAST', 'MULTICAST'] : ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
  mtu: o.mtu,
  qdisc: 'noqueue',
  ...(o.master ? { master: o.master } : {}),
  operstate: o.up === false ? 'DOWN' : 'UP',
  linkmode: 'DEFAULT',
  group: 'default',
  txqlen: 1000,
  link_type: 'ether',
  address: o.mac,
  broadcast: 'ff:ff:ff:ff:ff:ff',
  promiscuity: 0,
  ...(o.kind ? { linkinfo: { info_kind: o.kind, ...(o.vxlan ? { info_data: o.vxlan } : {}) } } : {}),
  inet6_addr_gen_mode: 'none',
  num_tx_queues: 1,
  num_rx_queues: 1,
});

const vxlanData = (local: string) => ({ id: 0, local, link: 'eth0', port_range: { low: 0, high: 0 }, port: 8472, learning: true, ttl: 0, df: 'unset', ageing: 300, udp_csum: true, udp_zero_csum6_tx: false, udp_zero_csum6_rx: false });

function linksJson(o: { tunnelUp?: boolean; local?: string; mtu?: number; mac?: string } = {}): string {
  return JSON.stringify([
    { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', operstate: 'UNKNOWN', linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', promiscuity: 0, inet6_addr_gen_mode: 'eui64', num_tx_queues: 1, num_rx_queues: 1 },
    link({ ifindex: 2, name: 'eth0', mtu: 1500, mac: '02:01:0a:a9:48:24', kind: 'veth' }),
    link({ ifindex: 3, name: 'ext0', mtu: 1500, mac: '02:03:0a:01:0a:24', kind: 'veth' }),
    link({ ifindex: 4, name: 'flannel_vxlan', mtu: o.mtu ?? 1450, mac: o.mac ?? '02:0f:0a:a9:48:24', kind: 'vxlan', vxlan: vxlanData(o.local ?? '10.169.72.36'), up: o.tunnelUp ?? true }),
    // Another VXLAN device on the unit (not the scenario's tunnel): not a tunnel of the unit's.
    link({ ifindex: 5, name: 'vxlan9', mtu: 1450, mac: '02:0f:00:00:00:09', kind: 'vxlan', vxlan: { ...vxlanData('10.169.72.36'), id: 9 } }),
  ]);
}

const inet = (local: string, prefixlen: number, label: string, scope = 'global') => ({ family: 'inet', local, prefixlen, scope, label, valid_life_time: 4294967295, preferred_life_time: 4294967295 });
const addrLink = (ifindex: number, ifname: string, mtu: number, address: string, addr_info: object[]) => ({ ifindex, ifname, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu, qdisc: 'noqueue', operstate: 'UP', group: 'default', txqlen: 1000, link_type: 'ether', address, broadcast: 'ff:ff:ff:ff:ff:ff', addr_info });

function addrsJson(extra: { eth0?: object[]; ext0?: object[]; tunnel?: object[] } = {}): string {
  return JSON.stringify([
    { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', operstate: 'UNKNOWN', group: 'default', txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', addr_info: [inet('127.0.0.1', 8, 'lo', 'host')] },
    addrLink(2, 'eth0', 1500, '02:01:0a:a9:48:24', [inet('10.169.72.36', 16, 'eth0'), ...(extra.eth0 ?? [])]),
    addrLink(3, 'ext0', 1500, '02:03:0a:01:0a:24', [inet('10.1.10.36', 24, 'ext0'), ...(extra.ext0 ?? [])]),
    addrLink(4, 'flannel_vxlan', 1450, '02:0f:0a:a9:48:24', [
      inet('10.217.31.36', 16, 'flannel_vxlan'),
      ...(extra.tunnel ?? []),
      { family: 'inet6', local: 'fe80::f:aff:fea9:4824', prefixlen: 64, scope: 'link', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ]),
    addrLink(5, 'vxlan9', 1450, '02:0f:00:00:00:09', [inet('192.168.99.1', 24, 'vxlan9')]),
  ]);
}

const NEIGH = JSON.stringify([
  { dst: '10.169.72.127', dev: 'eth0', lladdr: '02:01:0a:a9:48:7f', state: ['PERMANENT'] },
  { dst: '10.217.0.22', dev: 'flannel_vxlan', lladdr: '0a:58:0a:d9:00:16', state: ['REACHABLE'] },
  { dst: '10.217.1.30', dev: 'flannel_vxlan', lladdr: '0a:58:0a:d9:01:1e', state: ['STALE'] },
  { dst: '10.217.1.31', dev: 'flannel_vxlan', state: ['INCOMPLETE'] },
  { dst: '10.217.1.32', dev: 'flannel_vxlan', state: ['FAILED'] },
  { dst: '10.217.1.33', dev: 'flannel_vxlan', lladdr: '02:0f:0a:a9:48:80', state: ['PERMANENT'] },
  { dst: '10.1.10.10', dev: 'ext0', lladdr: '02:03:0a:01:0a:0a', state: ['DELAY'] },
  { dst: '192.168.99.2', dev: 'vxlan9', lladdr: '02:0f:00:00:00:0a', state: ['REACHABLE'] },
]);

const FDB = JSON.stringify([
  { mac: '33:33:00:00:00:01', ifname: 'eth0', flags: ['self'], state: 'permanent' },
  { mac: '01:00:5e:00:00:01', ifname: 'ext0', flags: ['self'], state: 'permanent' },
  // CIS's static records for the node VTEPs, and multipoint flooding to them.
  { mac: '02:0f:0a:a9:48:7f', ifname: 'flannel_vxlan', dst: '10.169.72.127', flags: ['self'], state: 'permanent' },
  { mac: '02:0f:0a:a9:48:80', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: 'permanent' },
  { mac: '00:00:00:00:00:00', ifname: 'flannel_vxlan', dst: '10.169.72.127', flags: ['self'], state: 'permanent' },
  { mac: '00:00:00:00:00:00', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: 'permanent' },
  // Learned from the pods' ARP replies: reachable ("") and idle ("stale").
  { mac: '0a:58:0a:d9:00:16', ifname: 'flannel_vxlan', dst: '10.169.72.127', flags: ['self'], state: '' },
  { mac: '0a:58:0a:d9:01:1e', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: 'stale' },
  // The tunnel device's own address-list entry (no dst): not a record.
  { mac: '33:33:00:00:00:01', ifname: 'flannel_vxlan', flags: ['self'], state: 'permanent' },
  // Another VXLAN device's entries: not the tunnel's records.
  { mac: '02:0f:00:00:00:0a', ifname: 'vxlan9', dst: '10.169.72.99', flags: ['self'], state: '' },
]);

function snapshot(o: { links?: string; addrs?: string; neigh?: string; fdb?: string } = {}): HostSnapshot {
  return {
    host: 'bigip1',
    links: parseLinks(o.links ?? linksJson()),
    addrs: parseAddrs(o.addrs ?? addrsJson()),
    routes: parseRoutes('[]'),
    neighbours: parseNeighbours(o.neigh ?? NEIGH),
    fdb: parseFdb(o.fdb ?? FDB),
  };
}

const observe = (snap = snapshot(), active = true, b = failoverBigip()): UnitState => unitStateOf('bigip1', b, snap, active);

// ---------------------------------------------------------------------------------------------

test('the whole state of an active unit of the failover scenario', (t) => {
  t.deepEqual(observe(), {
    unit: 'bigip1',
    failoverStatus: 'ACTIVE',
    tunnels: [{ name: 'flannel_vxlan', mac: '02:0f:0a:a9:48:24', key: 0, localAddress: '10.169.72.36', mtu: 1450, up: true }],
    vlans: [
      { name: 'underlay', mtu: 1500 },
      { name: 'external', mtu: 1500 },
    ],
    fdb: [
      { tunnel: 'flannel_vxlan', mac: '02:0f:0a:a9:48:7f', endpoint: '10.169.72.127', dynamic: false },
      { tunnel: 'flannel_vxlan', mac: '02:0f:0a:a9:48:80', endpoint: '10.169.72.128', dynamic: false },
      { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:00:16', endpoint: '10.169.72.127', dynamic: true },
      { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true },
    ],
    arp: [
      { address: '10.169.72.127', mac: '02:01:0a:a9:48:7f', vlan: 'underlay', status: 'static' },
      { address: '10.217.0.22', mac: '0a:58:0a:d9:00:16', vlan: 'flannel_vxlan', status: 'resolved' },
      { address: '10.217.1.30', mac: '0a:58:0a:d9:01:1e', vlan: 'flannel_vxlan', status: 'resolved' },
      { address: '10.217.1.31', vlan: 'flannel_vxlan', status: 'incomplete' },
      { address: '10.217.1.32', vlan: 'flannel_vxlan', status: 'incomplete' },
      { address: '10.217.1.33', mac: '02:0f:0a:a9:48:80', vlan: 'flannel_vxlan', status: 'static' },
      { address: '10.1.10.10', mac: '02:03:0a:01:0a:0a', vlan: 'external', status: 'resolved' },
    ],
    selfIps: [
      { address: '10.169.72.36/16', vlan: 'underlay', trafficGroup: 'traffic-group-local-only', floating: false },
      { address: '10.1.10.36/24', vlan: 'external', trafficGroup: 'traffic-group-local-only', floating: false },
      { address: '10.217.31.36/16', vlan: 'flannel_vxlan', trafficGroup: 'traffic-group-local-only', floating: false },
    ],
  });
});

test('FDB: a learned entry is Dynamic yes whether reachable or stale; an installed one (permanent or static) Dynamic no', (t) => {
  const fdb = JSON.stringify([
    { mac: '0a:58:0a:d9:00:16', ifname: 'flannel_vxlan', dst: '10.169.72.127', flags: ['self'], state: '' },
    { mac: '0a:58:0a:d9:01:1e', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: 'stale' },
    { mac: '02:0f:0a:a9:48:7f', ifname: 'flannel_vxlan', dst: '10.169.72.127', flags: ['self'], state: 'permanent' },
    { mac: '02:0f:0a:a9:48:80', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: 'static' },
  ]);
  t.deepEqual(
    observe(snapshot({ fdb })).fdb.map((f) => [f.mac, f.dynamic]),
    [
      ['0a:58:0a:d9:00:16', true],
      ['0a:58:0a:d9:01:1e', true],
      ['02:0f:0a:a9:48:7f', false],
      ['02:0f:0a:a9:48:80', false],
    ],
  );
});

test('FDB: flood entries (all zeros), entries without a remote VTEP and other devices\' entries are no records', (t) => {
  const fdb = JSON.stringify([
    { mac: '00:00:00:00:00:00', ifname: 'flannel_vxlan', dst: '10.169.72.127', flags: ['self'], state: 'permanent' },
    { mac: '00:00:00:00:00:00', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: 'permanent' },
    { mac: '33:33:00:00:00:01', ifname: 'flannel_vxlan', flags: ['self'], state: 'permanent' },
    { mac: '0a:58:0a:d9:00:16', ifname: 'vxlan9', dst: '10.169.72.127', flags: ['self'], state: '' },
    { mac: '0a:58:0a:d9:00:16', ifname: 'eth0', flags: ['self'], state: 'permanent' },
  ]);
  t.deepEqual(observe(snapshot({ fdb })).fdb, []);
  // A unit whose kernel holds no FDB at all shows an empty table (never an error).
  t.deepEqual(observe(snapshot({ fdb: '[]' })).fdb, []);
});

test('FDB: the endpoint is the entry\'s dst and the tunnel the scenario\'s tunnel name', (t) => {
  const fdb = JSON.stringify([{ mac: '0A:58:0A:D9:01:1E', ifname: 'flannel_vxlan', dst: '10.169.72.128', flags: ['self'], state: '' }]);
  t.deepEqual(observe(snapshot({ fdb })).fdb, [{ tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true }]);
});

test('ARP: PERMANENT is static, REACHABLE/STALE/DELAY resolved, INCOMPLETE/FAILED incomplete (without a MAC)', (t) => {
  const arp = observe().arp;
  const status = (address: string) => arp.find((a) => a.address === address);
  t.is(status('10.217.1.33')?.status, 'static');
  t.is(status('10.217.0.22')?.status, 'resolved');
  t.is(status('10.217.1.30')?.status, 'resolved');
  t.is(status('10.1.10.10')?.status, 'resolved');
  t.deepEqual(status('10.217.1.31'), { address: '10.217.1.31', vlan: 'flannel_vxlan', status: 'incomplete' });
  t.deepEqual(status('10.217.1.32'), { address: '10.217.1.32', vlan: 'flannel_vxlan', status: 'incomplete' });
  // A neighbour on a device that is none of the unit's VLANs or its tunnel is left out.
  t.is(status('192.168.99.2'), undefined);
});

test('ARP: a FAILED entry that still carries a MAC is incomplete, not resolved', (t) => {
  const neigh = JSON.stringify([{ dst: '10.217.0.22', dev: 'flannel_vxlan', lladdr: '0a:58:0a:d9:00:16', state: ['FAILED'] }]);
  t.is(observe(snapshot({ neigh })).arp[0]?.status, 'incomplete');
});

test('self IPs: the virtual server\'s address on the active unit is a virtual address, not a self IP', (t) => {
  const snap = snapshot({ addrs: addrsJson({ ext0: [inet('10.1.10.100', 32, 'ext0')] }) });
  const self = observe(snap).selfIps.map((s) => s.address);
  t.false(self.some((a) => a.startsWith('10.1.10.100/')), self.join(', '));
  t.true(self.includes('10.1.10.36/24'));
  // Loopback, IPv6 link-local and another device's addresses are no self IPs either.
  t.false(self.some((a) => a.startsWith('127.') || a.includes(':') || a.startsWith('192.168.99.')), self.join(', '));
});

test('self IPs: a floating self IP the unit holds is traffic-group-1 and floating; its own ones traffic-group-local-only', (t) => {
  const b = floatingBigip();
  const snap = snapshot({ links: linksJson({ local: '10.169.72.40' }), addrs: addrsJson({ eth0: [inet('10.169.72.40', 16, 'eth0')], ext0: [inet('10.1.10.100', 32, 'ext0')], tunnel: [inet('10.217.31.1', 16, 'flannel_vxlan')] }) });
  t.deepEqual(observe(snap, true, b).selfIps, [
    { address: '10.169.72.36/16', vlan: 'underlay', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.169.72.40/16', vlan: 'underlay', trafficGroup: 'traffic-group-1', floating: true },
    { address: '10.1.10.36/24', vlan: 'external', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.31.36/16', vlan: 'flannel_vxlan', trafficGroup: 'traffic-group-local-only', floating: false },
    { address: '10.217.31.1/16', vlan: 'flannel_vxlan', trafficGroup: 'traffic-group-1', floating: true },
  ]);
  // The same addresses under the reference scenario (no floating self IPs declared) are all local-only.
  t.true(observe(snap, true).selfIps.every((s) => s.trafficGroup === 'traffic-group-local-only' && !s.floating));
});

test('self IPs: an address that is floating elsewhere but sits on another VLAN is not taken for the floating one', (t) => {
  // 10.217.31.1 is traffic-group-1's on the tunnel; on the external VLAN it is just an address.
  const snap = snapshot({ addrs: addrsJson({ ext0: [inet('10.217.31.1', 16, 'ext0')] }) });
  const s = observe(snap, true, floatingBigip()).selfIps.find((x) => x.address === '10.217.31.1/16');
  t.deepEqual(s, { address: '10.217.31.1/16', vlan: 'external', trafficGroup: 'traffic-group-local-only', floating: false });
});

test('the tunnel: MAC, key, local address and MTU from the VXLAN device, up as its flag says', (t) => {
  t.deepEqual(observe(snapshot({ links: linksJson({ local: '10.169.72.40', mtu: 1400, mac: '02:0F:00:00:AB:CD', tunnelUp: false }) })).tunnels, [
    { name: 'flannel_vxlan', mac: '02:0f:00:00:ab:cd', key: 0, localAddress: '10.169.72.40', mtu: 1400, up: false },
  ]);
  // Only the scenario's tunnel is a tunnel: vxlan9 is left out.
  t.is(observe().tunnels.length, 1);
});

test('the tunnel: absent when the unit has no device of that name (nothing is made up)', (t) => {
  const links = JSON.stringify(JSON.parse(linksJson()).filter((l: { ifname: string }) => l.ifname !== 'flannel_vxlan'));
  t.deepEqual(observe(snapshot({ links })).tunnels, []);
});

test('the tunnel: a device of the tunnel\'s name that is not VXLAN is no tunnel', (t) => {
  const links = JSON.stringify(JSON.parse(linksJson()).map((l: { ifname: string }) => (l.ifname === 'flannel_vxlan' ? { ...l, linkinfo: { info_kind: 'dummy' } } : l)));
  t.deepEqual(observe(snapshot({ links })).tunnels, []);
});

test('failoverStatus: ACTIVE or STANDBY from the flag, nothing else in the state decides it', (t) => {
  t.is(observe(snapshot(), true).failoverStatus, 'ACTIVE');
  t.is(observe(snapshot(), false).failoverStatus, 'STANDBY');
  // A standby that still holds the virtual address is STANDBY all the same.
  t.is(observe(snapshot({ addrs: addrsJson({ ext0: [inet('10.1.10.100', 32, 'ext0')] }) }), false).failoverStatus, 'STANDBY');
  t.is(unitStateOf('bigip2', failoverBigip(), snapshot(), false).unit, 'bigip2');
});
