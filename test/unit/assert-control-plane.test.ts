// assertFlannelState on the seeds' hosts, parsed from iproute2 JSON: plain flannel (seed 004)
// and the field report's bridged, learning VTEP with the units as flannel nodes (seed 000); then
// the ways a node's state departs from what flanneld programs.
import test from 'ava';
import { expectedFromRegistry, assertFlannelState, type ExpectedVtep } from '../../harness/assert/control-plane.js';
import { parseFdb } from '../../harness/devices/linux/parse.js';

import type { HostSnapshot } from '../../harness/probes/snapshot.js';
import { SEED000_NODES, SEED004_NODES, seedSnapshot } from '../helpers/seeds.js';

const SEED004_VTEP: ExpectedVtep = { device: 'flannel.1', vni: 1, port: 8472, local: '172.17.8.101', learning: false, mtu: 1450 };
const SEED000_VTEP: ExpectedVtep = { device: 'flannel.0', vni: 0, port: 8472, local: '10.169.72.127', learning: true, mtu: 1450, master: 'cni0' };
const EVIDENCE = ['evidence/snapshot-k8s-dev.json'];

const seed004 = () => assertFlannelState('k8s-dev', SEED004_VTEP, expectedFromRegistry('10.244.0.0/24', SEED004_NODES, 'flannel.1'), seedSnapshot('seed004-k8s-dev', 'k8s-dev'), EVIDENCE);
const seed000 = (snap: HostSnapshot = seedSnapshot('seed000-master', 'master'), vtep = SEED000_VTEP) =>
  assertFlannelState('master', vtep, expectedFromRegistry('10.217.0.0/24', SEED000_NODES, 'flannel.0'), snap, []);

test('seed 004: flannel.1 and exactly the two peers flanneld programs', (t) => {
  const r = seed004();
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'flannel-control-plane[k8s-dev]');
  t.is(r.expected, 'flannel.1 VNI 1 nolearning; 2 routes, 2 neighbours, 2 FDB entries');
  t.is(r.actual, 'exactly those 6 entries');
  t.deepEqual(r.evidence, EVIDENCE);
});

test('seed 000: flannel.0 learning in cni0; node and units as peers; learned entries ignored', (t) => {
  const r = seed000();
  t.is(r.status, 'passed', r.actual);
  t.is(r.expected, 'flannel.0 VNI 0 learning in cni0; 3 routes, 3 neighbours, 3 FDB entries');
});

test('flannel defaults on a seed 000 node: nolearning and not in cni0', (t) => {
  const snap = seedSnapshot('seed000-master', 'master');
  const f0 = snap.links.find((l) => l.name === 'flannel.0')!;
  f0.vxlan!.learning = false;
  delete f0.master;
  const r = seed000(snap);
  t.is(r.status, 'failed');
  t.is(r.actual, 'flannel.0 nolearning (want learning); flannel.0 master none (want cni0)');
});

test('a VtepMAC change leaves the old FDB entry behind (flannel#1795): unexpected fdb', (t) => {
  const snap = seedSnapshot('seed000-master', 'master');
  snap.fdb.push(...parseFdb('[{"mac":"fa:41:fe:3f:00:01","ifname":"flannel.0","dst":"10.169.72.128","flags":["self"],"state":"permanent"}]'));
  const r = seed000(snap);
  t.is(r.status, 'failed');
  t.is(r.actual, 'unexpected fdb fa:41:fe:3f:00:01 dst 10.169.72.128');
});

test('units not registered as flannel nodes: every unit route, neighbour and FDB entry missing', (t) => {
  const snap = seedSnapshot('seed000-master', 'master');
  const unitSubnets = ['10.217.31.', '10.217.33.'];
  const unitMacs = ['00:50:56:86:68:a3', '00:50:56:86:78:2d'];
  snap.routes = snap.routes.filter((r) => !unitSubnets.some((s) => r.dst.startsWith(s)));
  snap.neighbours = snap.neighbours.filter((n) => !unitSubnets.some((s) => n.dst.startsWith(s)));
  snap.fdb = snap.fdb.filter((f) => !(f.dst && unitMacs.includes(f.mac)));
  const r = seed000(snap);
  t.is(r.status, 'failed');
  t.is(
    r.actual,
    'missing route 10.217.31.0/24 via 10.217.31.0 onlink; missing route 10.217.33.0/24 via 10.217.33.0 onlink; missing permanent neighbour 10.217.31.0 lladdr 00:50:56:86:68:a3; missing permanent neighbour 10.217.33.0 lladdr 00:50:56:86:78:2d (+2 more)',
  );
});

test('seed 004 judged against VNI 0, port 4789 and MTU 1400: each difference named', (t) => {
  const r = assertFlannelState('k8s-dev', { ...SEED004_VTEP, vni: 0, port: 4789, mtu: 1400 }, expectedFromRegistry('10.244.0.0/24', SEED004_NODES, 'flannel.1'), seedSnapshot('seed004-k8s-dev', 'k8s-dev'), []);
  t.is(r.status, 'failed');
  t.is(r.actual, 'flannel.1 id 1 (want 0); flannel.1 dstport 8472 (want 4789); flannel.1 mtu 1450 (want 1400)');
});

test('a route without onlink, or via the wrong next hop, is not flanneld\'s route', (t) => {
  const snap = seedSnapshot('seed004-k8s-dev', 'k8s-dev');
  const r1 = snap.routes.find((r) => r.dst === '10.244.1.0/24')!;
  r1.onlink = false;
  const r2 = snap.routes.find((r) => r.dst === '10.244.2.0/24')!;
  r2.gateway = '10.244.2.1';
  const r = assertFlannelState('k8s-dev', SEED004_VTEP, expectedFromRegistry('10.244.0.0/24', SEED004_NODES, 'flannel.1'), snap, []);
  t.is(r.status, 'failed');
  t.is(r.actual, 'missing route 10.244.1.0/24 via 10.244.1.0 onlink; missing route 10.244.2.0/24 via 10.244.2.0 onlink; unexpected route 10.244.1.0/24 via 10.244.1.0; unexpected route 10.244.2.0/24 via 10.244.2.1 onlink');
});

test('no VXLAN device of that name', (t) => {
  const r = assertFlannelState('k8s-dev', { ...SEED004_VTEP, device: 'flannel.0' }, expectedFromRegistry('10.244.0.0/24', SEED004_NODES, 'flannel.0'), seedSnapshot('seed004-k8s-dev', 'k8s-dev'), []);
  t.is(r.status, 'failed');
  // Judged against flannel.0, the node's flannel.1 is another flannel VTEP beside the one expected.
  t.true(r.actual.startsWith('no VXLAN device flannel.0; stale flannel.1 (VNI 1) beside flannel.0, with 2 FDB entries and 2 neighbours flanneld no longer keeps; missing route 10.244.1.0/24'), r.actual);
});

// vni-change: flanneld restarted with VNI 1 makes flannel.1 and leaves flannel.0 in cni0 with its
// old entries. Judged against the VNI the node's own lease publishes, the old device is named.
/** Seed 000's master with one more VXLAN device like its flannel.0 (in cni0), named `name`, with VNI `id`. */
function withVxlan(name: string, id: number): HostSnapshot {
  const snap = seedSnapshot('seed000-master', 'master');
  const f0 = snap.links.find((l) => l.name === 'flannel.0')!;
  snap.links.push({ ...f0, ifindex: 99, name, mac: '02:0f:00:00:00:07', vxlan: { ...f0.vxlan!, id } });
  return snap;
}

test('a flannel VTEP of an earlier VNI left beside the lease\'s one: stale, with the entries it still holds', (t) => {
  const snap = withVxlan('flannel.7', 7);
  snap.fdb.push(...parseFdb('[{"mac":"fa:41:fe:3f:5c:4d","ifname":"flannel.7","dst":"10.169.72.128","flags":["self"],"state":"permanent"}]'));
  const r = seed000(snap);
  t.is(r.status, 'failed');
  t.is(r.actual, 'stale flannel.7 (VNI 7, in cni0) beside flannel.0, with 1 FDB entries and 0 neighbours flanneld no longer keeps');
});

test('a VXLAN device not named after its VNI is not flannel\'s: not judged', (t) => {
  t.is(seed000(withVxlan('vxlan100', 100)).status, 'passed');
});
