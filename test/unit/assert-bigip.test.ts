// The failover scenario's BIG-IP checks on the field report's own tables (seed 000): the unit's
// `show net fdb` / `show net arp` parsed as a real VE's output would be, the master node's kernel
// state from test/fixtures/seeds/, and the ways each departs from data-plane learning.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFailover, assertNodeLearnedUnit, assertUnitLearnedPods } from '../../harness/assert/bigip.js';
import { parseFailoverStatus, parseShowNetArp, parseShowNetFdb, parseTunnelProperties } from '../../harness/devices/bigip/tmsh-shape/parse.js';
import type { UnitState } from '../../harness/devices/bigip/types.js';
import { parseFdb } from '../../harness/devices/linux/parse.js';
import type { Outage } from '../../harness/probes/outage.js';
import type { HostSnapshot } from '../../harness/probes/snapshot.js';
import { scenarioTopology } from '../helpers/pcap.js';
import { seedSnapshot } from '../helpers/seeds.js';

const fixture = (name: string): string => readFileSync(join(process.cwd(), 'test/fixtures/tmsh', name), 'utf8');
const topo = scenarioTopology('failover');
const SERVED = ['master/nginx', 'worker/nginx'];
const EVIDENCE = ['evidence/unit-bigip2-after.txt'];

// The pods of the failover scenario are the seed's: nginx 10.217.0.22 (0a:58:0a:d9:00:16) on
// master 10.169.72.127 and nginx 10.217.1.30 (0a:58:0a:d9:01:1e) on worker 10.169.72.128.
const POD_MASTER = '0a:58:0a:d9:00:16';
const POD_WORKER = '0a:58:0a:d9:01:1e';
const MASTER_VTEP_MAC = 'ae:de:d6:ee:15:ab';

/** bigip2 (Active) as the field report shows it: `show net fdb` and `show net arp` parsed from the seed. */
function seedBigip2(arpText = fixture('seed000-show-net-arp.txt'), fdbText = fixture('seed000-show-net-fdb.txt')): UnitState {
  return {
    unit: 'bigip2',
    failoverStatus: parseFailoverStatus(fixture('failover-status-active.txt')),
    tunnels: [{ name: 'flannel_vxlan', mac: '00:50:56:86:78:2d', localAddress: '10.169.72.38' }],
    vlans: [],
    fdb: parseShowNetFdb(fdbText),
    arp: parseShowNetArp(arpText),
    selfIps: [],
  };
}

/** A seed table with one row replaced (the line starting with `start`). */
function replaceRow(text: string, start: string, row: string | undefined): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(start));
  if (i < 0) throw new Error(`no row starting ${start}`);
  if (row === undefined) lines.splice(i, 1);
  else lines[i] = row;
  return lines.join('\n');
}

const learnedPods = (state: UnitState | undefined, served: readonly string[] = SERVED) => assertUnitLearnedPods(topo, 'bigip2', state, served, EVIDENCE);

// ---------------------------------------------------------------------------------------------
// assertUnitLearnedPods

test('seed 000 bigip2: both pods\' own MACs learned (Dynamic yes) toward their node VTEPs: passed', (t) => {
  const r = learnedPods(seedBigip2());
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'fdb-learning[bigip2]');
  t.is(r.expected, '2 pod MACs as Dynamic entries pointing at their node VTEPs');
  t.is(r.actual, `${POD_MASTER} endpoint:10.169.72.127 Dynamic yes; ${POD_WORKER} endpoint:10.169.72.128 Dynamic yes`);
  t.deepEqual(r.evidence, EVIDENCE);
});

test('a pod\'s record is static (Dynamic no): written, not learned', (t) => {
  const fdb = replaceRow(fixture('seed000-show-net-fdb.txt'), `flannel_vxlan  ${POD_MASTER}`, `flannel_vxlan  ${POD_MASTER}  endpoint:10.169.72.127%0  no`);
  const r = learnedPods(seedBigip2(undefined, fdb));
  t.is(r.status, 'failed');
  t.is(r.actual, `${POD_MASTER} -> 10.169.72.127 is static (Dynamic no), not learned`);
});

test('a pod\'s record points at the wrong node VTEP', (t) => {
  const fdb = replaceRow(fixture('seed000-show-net-fdb.txt'), `flannel_vxlan  ${POD_WORKER}`, `flannel_vxlan  ${POD_WORKER}  endpoint:10.169.72.127    yes`);
  const r = learnedPods(seedBigip2(undefined, fdb));
  t.is(r.status, 'failed');
  t.is(r.actual, `${POD_WORKER} -> 10.169.72.127 (want 10.169.72.128)`);
});

test('a pod\'s record is missing (the unit never learned it)', (t) => {
  const fdb = replaceRow(fixture('seed000-show-net-fdb.txt'), `flannel_vxlan  ${POD_MASTER}`, undefined);
  const r = learnedPods(seedBigip2(undefined, fdb));
  t.is(r.status, 'failed');
  t.is(r.actual, `no FDB record for master/nginx ${POD_MASTER}`);
});

test('CIS static ARP: the pod\'s ARP entry holds its node\'s VTEP MAC, not the pod\'s own', (t) => {
  const arp = replaceRow(fixture('seed000-show-net-arp.txt'), '10.217.0.22 ', `k8s-10.217.0.22  10.217.0.22  ${MASTER_VTEP_MAC}  /Common/flannel_vxlan  0  static`);
  const state = seedBigip2(arp);
  t.deepEqual(state.arp.find((a) => a.address === '10.217.0.22'), { address: '10.217.0.22', mac: MASTER_VTEP_MAC, vlan: 'flannel_vxlan', status: 'static' });
  const r = learnedPods(state);
  t.is(r.status, 'failed');
  t.is(r.actual, `ARP 10.217.0.22 is ${MASTER_VTEP_MAC} (the pod's own MAC is ${POD_MASTER}), static`);
});

test('a resolved ARP entry with another MAC fails too (not static, so without ", static")', (t) => {
  const state = seedBigip2();
  state.arp = state.arp.map((a) => (a.address === '10.217.1.30' ? { ...a, mac: '02:0f:0a:a9:48:80' } : a));
  const r = learnedPods(state);
  t.is(r.status, 'failed');
  t.is(r.actual, `ARP 10.217.1.30 is 02:0f:0a:a9:48:80 (the pod's own MAC is ${POD_WORKER})`);
});

test('an unresolved ARP entry (no MAC yet) is not held against the unit', (t) => {
  const state = seedBigip2();
  state.arp = state.arp.map((a) => (a.address === '10.217.1.30' ? { address: a.address, vlan: a.vlan, status: 'incomplete' as const } : a));
  t.is(learnedPods(state).status, 'passed');
});

test('no state read from the unit: failed, and says so', (t) => {
  const r = learnedPods(undefined);
  t.is(r.status, 'failed');
  t.is(r.actual, 'no state read from bigip2');
});

test('no pod served: nothing to judge is not a pass', (t) => {
  const r = learnedPods(seedBigip2(), []);
  t.is(r.status, 'failed');
  t.is(r.expected, '0 pod MACs as Dynamic entries pointing at their node VTEPs');
});

test('every problem is listed, one per pod', (t) => {
  const r = learnedPods({ ...seedBigip2(), fdb: [] });
  t.is(r.status, 'failed');
  t.is(r.actual, `no FDB record for master/nginx ${POD_MASTER}; no FDB record for worker/nginx ${POD_WORKER}`);
});

// A served pod the topology does not know (a typo'd or stale pool member) is never looked up; the
// check then passes on the pods it could judge, having proved nothing for that one.
test('a served pod the topology does not know is a problem, not skipped', (t) => {
  const r = learnedPods(seedBigip2(), ['master/nginx', 'master/ghost']);
  t.is(r.status, 'failed', r.actual);
});

// ---------------------------------------------------------------------------------------------
// assertNodeLearnedUnit, on the seed's master node and bigip1 (tunnel MAC 00:50:56:86:68:a3,
// local-address 10.169.72.36)

const BIGIP1_MAC = '00:50:56:86:68:a3';

function seedBigip1(localAddress: string | undefined = '10.169.72.36'): UnitState {
  const tunnel = parseTunnelProperties(fixture('tunnel-all-properties.txt'));
  return { unit: 'bigip1', failoverStatus: 'ACTIVE', tunnels: [{ ...tunnel, ...(localAddress ? { localAddress } : {}) }], vlans: [], fdb: [], arp: [], selfIps: [] };
}

/** The master node's snapshot with its FDB entries for bigip1's MAC changed by `edit`. */
function master(edit?: (fdb: HostSnapshot['fdb']) => HostSnapshot['fdb']): HostSnapshot {
  const snap = seedSnapshot('seed000-master', 'master');
  if (edit) snap.fdb = edit(snap.fdb);
  return snap;
}

const nodeLearned = (unit: UnitState | undefined, snap: HostSnapshot = master()) => assertNodeLearnedUnit(topo, 'master', unit, [snap], ['evidence/snapshot-master-after.json'], unit?.unit ?? 'bigip1');
const onCni0 = (f: HostSnapshot['fdb'][number]) => f.mac === BIGIP1_MAC && f.master === 'cni0';
const onVtep = (f: HostSnapshot['fdb'][number]) => f.mac === BIGIP1_MAC && f.dev === 'flannel.0' && f.self;

test('seed 000 master: cni0 learned bigip1\'s MAC on flannel.0, and flannel.0 sends it to the tunnel\'s local address (permanent): passed', (t) => {
  const r = nodeLearned(seedBigip1());
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'fdb-learning[master]');
  t.is(r.actual, `cni0: ${BIGIP1_MAC} on flannel.0, learned; flannel.0: ${BIGIP1_MAC} dst 10.169.72.36, permanent (installed by the flannel agent from bigip1's flannel node)`);
  t.deepEqual(r.evidence, ['evidence/snapshot-master-after.json']);
});

test('the VTEP entry learned from the wire (no flannel node for the unit): passed, and the actual says learned', (t) => {
  const snap = master((fdb) => fdb.map((f) => (onVtep(f) && f.dst ? { ...f, state: '', permanent: false, learned: true } : f)));
  const r = nodeLearned(seedBigip1(), snap);
  t.is(r.status, 'passed', r.actual);
  t.true(r.actual.endsWith(`flannel.0: ${BIGIP1_MAC} dst 10.169.72.36, learned from the wire`), r.actual);
  t.false(r.actual.includes('permanent'), r.actual);
});

test('a tunnel without a local address shown: the unit\'s underlay self IP from the topology is the endpoint', (t) => {
  t.is(nodeLearned(seedBigip1(undefined)).status, 'passed');
});

test('cni0\'s entry for the unit is static: installed, not learned', (t) => {
  const snap = master((fdb) => fdb.map((f) => (onCni0(f) ? parseFdb(JSON.stringify([{ mac: BIGIP1_MAC, ifname: 'flannel.0', flags: [], master: 'cni0', state: 'static' }]))[0]! : f)));
  const r = nodeLearned(seedBigip1(), snap);
  t.is(r.status, 'failed');
  t.is(r.actual, `cni0's entry for ${BIGIP1_MAC} on flannel.0 is static: installed, not learned`);
});

test('cni0 learned the unit\'s MAC on a pod\'s port, not on flannel.0', (t) => {
  const snap = master((fdb) => fdb.map((f) => (onCni0(f) ? { ...f, dev: 'veth5e43ca47' } : f)));
  const r = nodeLearned(seedBigip1(), snap);
  t.is(r.status, 'failed');
  t.is(r.actual, `cni0 learned ${BIGIP1_MAC} on veth5e43ca47 (want flannel.0)`);
});

test('cni0 has not learned the unit\'s MAC at all', (t) => {
  const r = nodeLearned(seedBigip1(), master((fdb) => fdb.filter((f) => !onCni0(f))));
  t.is(r.status, 'failed');
  t.is(r.actual, `cni0 has not learned ${BIGIP1_MAC}`);
});

test('flannel.0 has no entry for the unit\'s MAC', (t) => {
  const r = nodeLearned(seedBigip1(), master((fdb) => fdb.filter((f) => !(onVtep(f) && f.dst))));
  t.is(r.status, 'failed');
  t.is(r.actual, `flannel.0 has no FDB entry for ${BIGIP1_MAC}`);
});

test('a floating local-address: flannel.0 sends the unit\'s MAC to its own underlay IP, the tunnel sends from the floating one', (t) => {
  const r = nodeLearned(seedBigip1('10.169.72.40'));
  t.is(r.status, 'failed');
  t.is(r.actual, `flannel.0 sends ${BIGIP1_MAC} to 10.169.72.36 (permanent, installed), but bigip1's tunnel sends from 10.169.72.40`);
  t.true(r.expected.includes(`flannel.0: ${BIGIP1_MAC} dst 10.169.72.40`), r.expected);
});

test('a learned VTEP entry toward another address says learned', (t) => {
  const snap = master((fdb) => fdb.map((f) => (onVtep(f) && f.dst ? { ...f, state: '', permanent: false, learned: true, dst: '10.169.72.38' } : f)));
  const r = nodeLearned(seedBigip1(), snap);
  t.is(r.status, 'failed');
  t.is(r.actual, `flannel.0 sends ${BIGIP1_MAC} to 10.169.72.38 (learned), but bigip1's tunnel sends from 10.169.72.36`);
});

test('the unit shows no tunnel (or no state): failed, whatever the node holds', (t) => {
  const noTunnel = nodeLearned({ ...seedBigip1(), tunnels: [] });
  t.is(noTunnel.status, 'failed');
  t.true(noTunnel.actual.startsWith('bigip1 shows no tunnel flannel_vxlan'), noTunnel.actual);
  t.is(nodeLearned(undefined).status, 'failed');
});

test('the node has no snapshot: failed', (t) => {
  const r = assertNodeLearnedUnit(topo, 'worker', seedBigip1(), [master()], [], 'bigip1');
  t.is(r.status, 'failed');
  t.is(r.actual, `cni0 has not learned ${BIGIP1_MAC}; flannel.0 has no FDB entry for ${BIGIP1_MAC}`);
});

// ---------------------------------------------------------------------------------------------
// assertFailover

const outage = (o: Partial<Outage>): Outage => ({ probesSent: 500, probesLost: 4, lastGoodBefore: 1000, firstGoodAfter: 1040, outageMs: 40, lostInGap: 3, recovered: true, ...o });

test('recovered in 40 ms of 1000 and bigip2 active as expected: passed', (t) => {
  const r = assertFailover(outage({}), 1000, 'bigip2', 'bigip2', ['master/nginx', 'worker/nginx', 'master/nginx'], ['evidence/outage.json']);
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'failover');
  t.is(r.expected, 'outage <= 1000 ms; bigip2 active');
  t.is(r.actual, 'outage 40 ms, 3 probes lost in the gap (4/500 in all); active after (as the units say): bigip2; TCP answered by master/nginx, worker/nginx');
  t.deepEqual(r.evidence, ['evidence/outage.json']);
});

test('an outage of exactly the limit passes; one millisecond more fails', (t) => {
  t.is(assertFailover(outage({ outageMs: 1000 }), 1000, 'bigip2', 'bigip2', [], []).status, 'passed');
  const r = assertFailover(outage({ outageMs: 1001 }), 1000, 'bigip2', 'bigip2', [], []);
  t.is(r.status, 'failed');
  t.true(r.actual.startsWith('outage 1001 ms'), r.actual);
});

test('never recovered: failed, and says so', (t) => {
  const r = assertFailover(outage({ recovered: false, firstGoodAfter: undefined, outageMs: undefined, lostInGap: 200 }), 1000, 'bigip2', 'bigip2', [], []);
  t.is(r.status, 'failed');
  t.true(r.actual.startsWith('never recovered, 200 probes lost in the gap'), r.actual);
  t.true(r.actual.endsWith('TCP answered by nobody'), r.actual);
});

test('recovered in time but the wrong unit is active (or none says it is): failed', (t) => {
  const wrong = assertFailover(outage({}), 1000, 'bigip1', 'bigip2', [], []);
  t.is(wrong.status, 'failed');
  t.true(wrong.actual.includes('active after (as the units say): bigip1'), wrong.actual);
  const none = assertFailover(outage({}), 1000, undefined, 'bigip2', [], []);
  t.is(none.status, 'failed');
  t.true(none.actual.includes('active after (as the units say): none'), none.actual);
});

test('recovered without a measured outage (no answer before the gap): failed', (t) => {
  t.is(assertFailover(outage({ lastGoodBefore: undefined, outageMs: undefined }), 1000, 'bigip2', 'bigip2', [], []).status, 'failed');
});

// With no answered probe before the gap, computeOutage reports recovered with no outageMs; the
// check fails (right), but its actual text then reads "outage undefined ms".
test('recovered without a measured outage: the actual says why, never "undefined"', (t) => {
  const r = assertFailover(outage({ lastGoodBefore: undefined, outageMs: undefined }), 1000, 'bigip2', 'bigip2', [], []);
  t.false(r.actual.includes('undefined'), r.actual);
});
