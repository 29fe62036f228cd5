// assertLinkMtus on seed 004's node (parsed from iproute2 JSON) and assertPathMtu on ping
// results: the largest DF ping crosses, one byte more does not.
import test from 'ava';
import { assertLinkMtus, assertPathMtu, type ExpectedMtu } from '../../harness/assert/mtu.js';
import type { PingResult } from '../../harness/probes/ping.js';
import { seedSnapshot } from '../helpers/seeds.js';

const k8sDev = () => seedSnapshot('seed004-k8s-dev', 'k8s-dev');
const PLAIN_FLANNEL: ExpectedMtu[] = [
  { host: 'k8s-dev', ifname: 'eth1', mtu: 1500 },
  { host: 'k8s-dev', ifname: 'flannel.1', mtu: 1450 },
  { host: 'k8s-dev', ifname: 'cni0', mtu: 1450 },
];

test('assertLinkMtus: seed 004 underlay 1500, flannel.1 and cni0 1450', (t) => {
  const r = assertLinkMtus(PLAIN_FLANNEL, [k8sDev()], ['evidence/snapshots.json']);
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'mtu');
  t.is(r.expected, '3 links with their MTU');
  t.is(r.actual, '3 links match');
  t.deepEqual(r.evidence, ['evidence/snapshots.json']);
});

test('assertLinkMtus: an overlay MTU of 1500 (the mtu-mismatch scenario) is named per link', (t) => {
  const r = assertLinkMtus(PLAIN_FLANNEL.map((e) => (e.ifname === 'eth1' ? e : { ...e, mtu: 1500 })), [k8sDev()], []);
  t.is(r.status, 'failed');
  t.is(r.actual, 'k8s-dev/flannel.1 mtu 1450 (want 1500); k8s-dev/cni0 mtu 1450 (want 1500)');
});

test('assertLinkMtus: a link or a host that is not there is missing', (t) => {
  const r = assertLinkMtus([{ host: 'k8s-dev', ifname: 'flannel.0', mtu: 1450 }, { host: 'k8s-dev-1', ifname: 'eth1', mtu: 1500 }], [k8sDev()], []);
  t.is(r.status, 'failed');
  t.is(r.actual, 'k8s-dev/flannel.0 missing; k8s-dev-1/eth1 missing');
});

test('assertLinkMtus: nothing to check is not a pass', (t) => {
  const r = assertLinkMtus([], [k8sDev()], []);
  t.is(r.status, 'failed');
  t.is(r.expected, '0 links with their MTU');
});

const ping = (size: number, ok: boolean, detail: string): PingResult => ({ from: 'master-nginx', to: '10.217.1.30', size, dontFragment: true, ok, detail, ...(ok ? { rttMs: 0.4 } : {}) });
const TOO_LONG = 'ping: local error: message too long, mtu=1450';

test('assertPathMtu: 1422 B crosses, 1423 B is refused', (t) => {
  const r = assertPathMtu('pmtu', 'largest DF ping crosses the overlay', ping(1422, true, 'reply'), ping(1423, false, TOO_LONG), ['evidence/pmtu-pod-pod.json']);
  t.is(r.status, 'passed', r.actual);
  t.is(r.expected, 'DF 1422 B payload crosses, 1423 B fails');
  t.is(r.actual, `1422 B: reply; 1423 B: ${TOO_LONG}`);
  t.deepEqual([r.id, r.title, r.evidence], ['pmtu', 'largest DF ping crosses the overlay', ['evidence/pmtu-pod-pod.json']]);
});

test('assertPathMtu: the largest ping does not cross (encapsulation overhead not left room)', (t) => {
  const r = assertPathMtu('pmtu', 'pmtu', ping(1472, false, '1 packets transmitted, 0 received, 100% packet loss, time 0ms'), ping(1473, false, TOO_LONG), []);
  t.is(r.status, 'failed');
  t.is(r.actual, `1472 B: 1 packets transmitted, 0 received, 100% packet loss, time 0ms; 1473 B: ${TOO_LONG}`);
});

test('assertPathMtu: one byte more crosses too (the path MTU is larger than the scenario says)', (t) => {
  const r = assertPathMtu('pmtu[bigip1]', 'pmtu', ping(1422, true, 'reply'), ping(1423, true, 'reply'), []);
  t.is(r.status, 'failed');
  t.is(r.actual, '1422 B: reply; 1423 B: reply (should have failed)');
});
