import test from 'ava';
import { splitBatchJson } from '../../harness/probes/snapshot.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IprouteParseError,
  parseAddrs,
  parseFdb,
  parseLinks,
  parseNeighbours,
  parseRoutes,
  type FdbEntry,
} from '../../harness/devices/linux/parse.js';

// Raw outputs captured from a real kernel; see test/fixtures/iproute2/README.md.
const fixture = (name: string): string => readFileSync(join(process.cwd(), 'test/fixtures/iproute2', name), 'utf8');

function only<T>(items: T[], pred: (x: T) => boolean, what: string): T {
  const found = items.filter(pred);
  if (found.length !== 1) throw new Error(`expected exactly one ${what}, found ${found.length}`);
  return found[0] as T;
}

// ---------------------------------------------------------------------------------------------
// links

test('parseLinks: node0 links, kinds, masters and MTUs', (t) => {
  const links = parseLinks(fixture('ip-d-link.node0.json'));
  t.deepEqual(
    links.map((l) => [l.ifindex, l.name, l.mtu, l.kind, l.master]),
    [
      [1, 'lo', 65536, undefined, undefined],
      [2, 'eth0', 1500, 'veth', undefined],
      [3, 'flannel.1', 1450, 'vxlan', undefined],
      [4, 'cni0', 1450, 'bridge', undefined],
      [5, 'flannel.0', 1450, 'vxlan', 'cni0'],
      [6, 'veth0pod0', 1450, 'veth', 'cni0'],
    ],
  );
  const eth0 = only(links, (l) => l.name === 'eth0', 'eth0');
  t.is(eth0.mac, '66:ed:39:4b:bc:b0');
  t.is(eth0.state, 'UP');
  t.true(eth0.up);
  t.is(eth0.vxlan, undefined);
  t.is(eth0.addrGenMode, 'eui64');
  // A VTEP's operstate is UNKNOWN even though it is administratively up.
  const f1 = only(links, (l) => l.name === 'flannel.1', 'flannel.1');
  t.is(f1.state, 'UNKNOWN');
  t.true(f1.up);
  t.true(f1.flags.includes('LOWER_UP'));
});

test('parseLinks: vxlan info_data (VNI 1 nolearning, VNI 0 learning)', (t) => {
  const links = parseLinks(fixture('ip-d-link.node0.json'));
  const f1 = only(links, (l) => l.name === 'flannel.1', 'flannel.1');
  t.is(f1.mac, '0e:5a:00:00:01:00');
  t.deepEqual(f1.vxlan, { id: 1, port: 8472, local: '10.169.72.127', learning: false, link: 'eth0' });
  const f0 = only(links, (l) => l.name === 'flannel.0', 'flannel.0');
  // VNI 0 must come out as 0, not undefined; learning must come from info_data, not from the
  // bridge-port info_slave_data (which also has a `learning` key).
  t.is(f0.vxlan?.id, 0);
  t.deepEqual(f0.vxlan, { id: 0, port: 8472, local: '10.169.72.127', learning: true, link: 'eth0' });
  t.is(f0.master, 'cni0');
});

test('parseLinks: vxlan variants seen in other iproute2 outputs', (t) => {
  const raw = JSON.stringify([
    {
      ifindex: 7, ifname: 'vx6', flags: ['BROADCAST', 'MULTICAST'], mtu: 1430, operstate: 'DOWN', address: '0E:AA:BB:CC:DD:EE',
      linkinfo: { info_kind: 'vxlan', info_data: { id: 0, local6: 'fd00::1', port: 4789, learning: false } },
      inet6_addr_gen_mode: 'none',
    },
    { ifindex: 8, ifname: 'wg0', flags: ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'], mtu: 1420, operstate: 'UNKNOWN' },
  ]);
  const [vx6, wg0] = parseLinks(raw);
  t.deepEqual(vx6, {
    ifindex: 7, name: 'vx6', mtu: 1430, mac: '0e:aa:bb:cc:dd:ee', state: 'DOWN', up: false, flags: ['BROADCAST', 'MULTICAST'],
    kind: 'vxlan', vxlan: { id: 0, port: 4789, local: 'fd00::1', learning: false }, addrGenMode: 'none',
  });
  t.is(wg0?.mac, '');
  t.true(wg0?.up);
});

// ---------------------------------------------------------------------------------------------
// addresses

test('parseAddrs: node0 addresses', (t) => {
  const addrs = parseAddrs(fixture('ip-addr.node0.json'));
  t.deepEqual(addrs.map((a) => a.ifname), ['lo', 'eth0', 'flannel.1', 'cni0', 'flannel.0', 'veth0pod0']);
  const eth0 = only(addrs, (a) => a.ifname === 'eth0', 'eth0');
  t.is(eth0.mtu, 1500);
  t.is(eth0.mac, '66:ed:39:4b:bc:b0');
  t.deepEqual(eth0.addrs, [
    { family: 'inet', local: '10.169.72.127', prefixlen: 16, scope: 'global' },
    { family: 'inet6', local: 'fe80::64ed:39ff:fe4b:bcb0', prefixlen: 64, scope: 'link' },
  ]);
  const f1 = only(addrs, (a) => a.ifname === 'flannel.1', 'flannel.1');
  t.is(f1.mtu, 1450);
  t.deepEqual(f1.addrs[0], { family: 'inet', local: '10.244.0.0', prefixlen: 32, scope: 'global' });
  const cni0 = only(addrs, (a) => a.ifname === 'cni0', 'cni0');
  t.deepEqual(cni0.addrs.filter((a) => a.family === 'inet'), [{ family: 'inet', local: '10.244.0.1', prefixlen: 24, scope: 'global' }]);
  // An enslaved VTEP has only its IPv6 link-local address.
  t.deepEqual(only(addrs, (a) => a.ifname === 'flannel.0', 'flannel.0').addrs.map((a) => a.family), ['inet6']);
});

test('parseAddrs: skips the empty objects old iproute2 printed for filtered links', (t) => {
  const raw = '[{},{"ifindex":2,"ifname":"eth0","flags":["UP"],"mtu":1500,"operstate":"UP","address":"02:00:00:00:00:01","addr_info":[]}]';
  t.deepEqual(parseAddrs(raw), [{ ifindex: 2, ifname: 'eth0', mtu: 1500, mac: '02:00:00:00:00:01', addrs: [] }]);
});

// ---------------------------------------------------------------------------------------------
// routes

test('parseRoutes: node0 routes, onlink flannel route, host route gets /32', (t) => {
  const routes = parseRoutes(fixture('ip-route.node0.json'));
  t.deepEqual(routes, [
    { dst: 'default', gateway: '10.169.72.128', dev: 'eth0', onlink: false, flags: [], protocol: 'static' },
    { dst: '10.169.0.0/16', dev: 'eth0', onlink: false, flags: [], protocol: 'kernel', scope: 'link', prefsrc: '10.169.72.127' },
    { dst: '10.244.0.0/24', dev: 'cni0', onlink: false, flags: [], protocol: 'kernel', scope: 'link', prefsrc: '10.244.0.1' },
    { dst: '10.244.1.0/24', gateway: '10.244.1.0', dev: 'flannel.1', onlink: true, flags: ['onlink'] },
    { dst: '10.244.1.2/32', gateway: '10.244.1.0', dev: 'flannel.1', onlink: true, flags: ['onlink'], protocol: 'static', metric: 50 },
  ]);
});

test('parseRoutes: dev-filtered output, IPv6 host route, multipath and blackhole', (t) => {
  // `ip -j route show dev flannel.1` leaves `dev` out of every entry.
  const filtered = '[{"dst":"10.244.1.0/24","gateway":"10.244.1.0","flags":["onlink"]}]';
  t.throws(() => parseRoutes(filtered), { instanceOf: IprouteParseError, message: /\[0\]\.dev: missing/ });
  t.is(parseRoutes(filtered, { dev: 'flannel.1' })[0]?.dev, 'flannel.1');

  const raw = JSON.stringify([
    { dst: 'fd00::5', dev: 'eth0', metric: 1024, flags: [], pref: 'medium' },
    { dst: '10.9.0.0/16', flags: [], nexthops: [{ gateway: '10.0.0.1', dev: 'eth0', weight: 1, flags: [] }, { dev: 'eth1', via: { family: 'inet6', host: 'fe80::1' }, weight: 1, flags: ['onlink'] }] },
    { type: 'blackhole', dst: '10.99.0.0/16', flags: [] },
  ]);
  const [v6, mp, bh] = parseRoutes(raw);
  t.is(v6?.dst, 'fd00::5/128');
  t.is(mp?.dev, '');
  t.deepEqual(mp?.nexthops, [{ gateway: '10.0.0.1', dev: 'eth0', onlink: false }, { gateway: 'fe80::1', dev: 'eth1', onlink: true }]);
  t.deepEqual(bh, { dst: '10.99.0.0/16', dev: '', onlink: false, flags: [], type: 'blackhole' });
});

// ---------------------------------------------------------------------------------------------
// neighbours

test('parseNeighbours: permanent flannel neighbour and learned ones', (t) => {
  const neigh = parseNeighbours(fixture('ip-neigh.node0.json'));
  t.deepEqual(neigh, [
    { dst: '10.244.1.0', dev: 'flannel.1', lladdr: '0e:5a:00:00:01:01', states: ['PERMANENT'], permanent: true },
    { dst: '10.169.72.128', dev: 'eth0', lladdr: 'fa:e8:10:53:f5:ad', states: ['STALE'], permanent: false },
    // An unresolved neighbour has no lladdr at all.
    { dst: '10.244.0.99', dev: 'cni0', states: ['FAILED'], permanent: false },
    { dst: '10.244.0.2', dev: 'cni0', lladdr: '06:69:e4:c7:22:45', states: ['REACHABLE'], permanent: false },
  ]);
});

test('parseNeighbours: dev-filtered output and null lladdr', (t) => {
  const raw = '[{"dst":"10.244.0.2","lladdr":"06:69:E4:C7:22:45","state":["STALE"]},{"dst":"10.0.0.9","lladdr":null}]';
  t.deepEqual(parseNeighbours(raw, { dev: 'cni0' }), [
    { dst: '10.244.0.2', dev: 'cni0', lladdr: '06:69:e4:c7:22:45', states: ['STALE'], permanent: false },
    { dst: '10.0.0.9', dev: 'cni0', states: [], permanent: false },
  ]);
});

// ---------------------------------------------------------------------------------------------
// fdb

const byMacDev = (entries: FdbEntry[], mac: string, dev: string, pred: (e: FdbEntry) => boolean = () => true): FdbEntry =>
  only(entries, (e) => e.mac === mac && e.dev === dev && pred(e), `fdb ${mac} dev ${dev}`);

test('parseFdb: flannel.1 `self permanent` entry with dst', (t) => {
  const fdb = parseFdb(fixture('bridge-fdb.node0.json'));
  t.deepEqual(byMacDev(fdb, '0e:5a:00:00:01:01', 'flannel.1'), {
    mac: '0e:5a:00:00:01:01', dev: 'flannel.1', dst: '10.169.72.128',
    self: true, permanent: true, static: false, learned: false, state: 'permanent', flags: ['self'],
  });
  // The all-zeros flood entry on the learning VTEP.
  const flood = byMacDev(fdb, '00:00:00:00:00:00', 'flannel.0');
  t.is(flood.dst, '10.169.72.128');
  t.true(flood.self);
  t.true(flood.permanent);
  t.is(flood.master, undefined);
  // flannel.1 has nolearning: nothing but the one permanent entry.
  t.deepEqual(fdb.filter((e) => e.dev === 'flannel.1').map((e) => e.mac), ['0e:5a:00:00:01:01']);
});

test('parseFdb: cni0 master entries, local, static and learned', (t) => {
  const fdb = parseFdb(fixture('bridge-fdb.node0.json'));
  // The bridge's own address: dev and master are both cni0.
  t.deepEqual(byMacDev(fdb, '0e:5a:00:00:0c:00', 'cni0', (e) => e.master !== undefined), {
    mac: '0e:5a:00:00:0c:00', dev: 'cni0', master: 'cni0',
    self: false, permanent: true, static: false, learned: false, state: 'permanent', flags: [],
  });
  // Added with `master static`.
  const st = byMacDev(fdb, '02:00:00:00:00:aa', 'veth0pod0');
  t.true(st.static);
  t.false(st.learned);
  t.false(st.permanent);
  t.is(st.master, 'cni0');
  // pod1's MAC, learned over the learning VTEP: once in cni0's FDB (master) and once in the
  // VXLAN FDB (self, with the remote VTEP as dst). iproute2 prints state "" for both.
  const pod1Mac = '0a:df:f4:ba:5c:fe';
  const inBridge = byMacDev(fdb, pod1Mac, 'flannel.0', (e) => e.master === 'cni0');
  t.like(inBridge, { self: false, learned: true, permanent: false, static: false, state: '', flags: [] });
  t.is(inBridge.dst, undefined);
  const inVxlan = byMacDev(fdb, pod1Mac, 'flannel.0', (e) => e.self);
  t.like(inVxlan, { dst: '10.169.72.128', learned: true, permanent: false, state: '', flags: ['self'] });
  t.is(inVxlan.master, undefined);
  // pod0's MAC learned on its own bridge port.
  t.like(byMacDev(fdb, '06:69:e4:c7:22:45', 'veth0pod0'), { master: 'cni0', learned: true });
  // Multicast entries of a device's address list are self permanent without dst.
  t.like(byMacDev(fdb, '33:33:00:00:00:01', 'eth0'), { self: true, permanent: true, dst: undefined, master: undefined });
  t.true(fdb.filter((e) => e.learned).length >= 4);
});

test('parseFdb: node1 learned pod0 over flannel.0', (t) => {
  const fdb = parseFdb(fixture('bridge-fdb.node1.json'));
  t.like(byMacDev(fdb, '0e:5a:00:00:01:00', 'flannel.1'), { dst: '10.169.72.127', self: true, permanent: true });
  t.like(byMacDev(fdb, '00:00:00:00:00:00', 'flannel.0'), { dst: '10.169.72.127', self: true, permanent: true });
  const pod0Mac = '06:69:e4:c7:22:45';
  t.like(byMacDev(fdb, pod0Mac, 'flannel.0', (e) => e.self), { dst: '10.169.72.127', learned: true });
  t.like(byMacDev(fdb, pod0Mac, 'flannel.0', (e) => !e.self), { master: 'cni0', learned: true });
  // The enslaved VTEP's own MAC is a local (permanent) entry of the bridge.
  t.like(byMacDev(fdb, '0e:5a:00:00:00:01', 'flannel.0', (e) => !e.self), { master: 'cni0', permanent: true, learned: false });
});

test('parseFdb: older iproute2 shape (dev key, no flags, no state) and stale/vlan entries', (t) => {
  const raw = JSON.stringify([
    { mac: '0A:00:00:00:00:01', dev: 'vx0', dst: '192.0.2.1' },
    { mac: '0a:00:00:00:00:02', ifname: 'swp1', vlan: 10, flags: ['extern_learn'], master: 'br0', state: 'stale' },
  ]);
  const [a, b] = parseFdb(raw);
  t.deepEqual(a, { mac: '0a:00:00:00:00:01', dev: 'vx0', dst: '192.0.2.1', self: true, permanent: false, static: false, learned: true, state: '', flags: [] });
  t.like(b, { vlan: 10, master: 'br0', self: false, learned: true, state: 'stale' });
  t.throws(() => parseFdb('[{"mac":"0a:00:00:00:00:01","flags":[]}]'), { message: /\[0\]\.ifname: missing.*options\.dev/ });
  t.is(parseFdb('[{"mac":"0a:00:00:00:00:01","flags":[]}]', { dev: 'flannel.0' })[0]?.dev, 'flannel.0');
});

// ---------------------------------------------------------------------------------------------
// malformed input

test('malformed: not JSON names the command', (t) => {
  const err = t.throws(() => parseLinks('Device "nope" does not exist.'), { instanceOf: IprouteParseError });
  t.regex(err?.message ?? '', /`ip -j -d link show`: not JSON/);
  t.regex(err?.message ?? '', /Device \\"nope\\"/);
  t.throws(() => parseFdb('[{"mac":"0a:00:00:00:00:01",'), { message: /`bridge -j fdb show`: not JSON/ });
  t.throws(() => parseRoutes(''), { message: /`ip -j route show`: empty output/ });
  t.throws(() => parseNeighbours('   \n'), { message: /`ip -j neigh show`: empty output/ });
});

test('malformed: JSON of the wrong shape names the field', (t) => {
  t.throws(() => parseAddrs('{"ifname":"eth0"}'), { instanceOf: IprouteParseError, message: /`ip -j addr show`: \(top level\): expected an array, got an object/ });
  t.throws(() => parseLinks('[42]'), { message: /\[0\]: expected an object, got number 42/ });
  t.throws(() => parseLinks('[{"ifindex":1,"ifname":"lo","flags":[],"mtu":"65536","operstate":"UNKNOWN"}]'), {
    message: /\[0\]\.mtu: expected a non-negative integer, got string "65536"/,
  });
  t.throws(() => parseLinks('[{"ifindex":1,"ifname":"lo","mtu":65536,"operstate":"UNKNOWN"}]'), { message: /\[0\]\.flags: missing/ });
  t.throws(
    () => parseLinks('[{"ifindex":3,"ifname":"vx","flags":[],"mtu":1450,"operstate":"UNKNOWN","linkinfo":{"info_kind":"vxlan","info_data":{"port":8472,"learning":true}}}]'),
    { message: /\[0\]\.linkinfo\.info_data\.id: missing/ },
  );
  t.throws(() => parseRoutes('[{"dev":"eth0","flags":[]}]'), { message: /\[0\]\.dst: missing/ });
  t.throws(() => parseNeighbours('[{"dst":"10.0.0.1","dev":"eth0","state":"REACHABLE"}]'), { message: /\[0\]\.state: expected an array, got string/ });
  t.throws(() => parseFdb('[{"mac":"10.0.0.1","ifname":"eth0"}]'), { message: /\[0\]\.mac: expected a MAC address/ });
  t.throws(() => parseFdb('[{"mac":"0a:00:00:00:00:01","ifname":"eth0","flags":[1]}]'), { message: /\[0\]\.flags\[0\]: expected a string, got number 1/ });
  // A custom command string (e.g. with the namespace) is used in the message and in context.argv.
  const err = t.throws(() => parseRoutes('nope', { command: 'ip -n fx-node0 -j route show' }), { instanceOf: IprouteParseError });
  t.regex(err?.message ?? '', /`ip -n fx-node0 -j route show`/);
  t.deepEqual(err?.context.argv, ['ip', '-n', 'fx-node0', '-j', 'route', 'show']);
});

test('splitBatchJson: one JSON document per batched command, or an error that shows the output', (t) => {
  // What `ip -j -batch -` printed for "addr show / route show / neigh show" in a namespace with only lo up
  // (IPv6 on: lo has ::1 too).
  const out = "[{\"ifindex\":1,\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\",\"UP\",\"LOWER_UP\"],\"mtu\":65536,\"qdisc\":\"noqueue\",\"operstate\":\"UNKNOWN\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"loopback\",\"address\":\"00:00:00:00:00:00\",\"broadcast\":\"00:00:00:00:00:00\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8,\"scope\":\"host\",\"label\":\"lo\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295},{\"family\":\"inet6\",\"local\":\"::1\",\"prefixlen\":128,\"scope\":\"host\",\"valid_life_time\":4294967295,\"preferred_life_time\":4294967295}]}]\n[]\n[]\n";
  const [addrs, routes, neighbours] = splitBatchJson(out, 'n1');
  t.is(parseAddrs(addrs)[0]?.ifname, 'lo');
  t.deepEqual(parseRoutes(routes), []);
  t.deepEqual(parseNeighbours(neighbours), []);
  t.throws(() => splitBatchJson('[]\n[]\n', 'n1'), { message: /on n1 printed 2 JSON documents, expected 3/ });
});
