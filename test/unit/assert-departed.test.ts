// A node that left the cluster, judged from flannel's registry (assert/departed.ts): it left when
// the first observation's registry listed it and a later one does not; after that, probes from or
// to it are not expected, except a unit's probes to pods it still holds (a static FDB record
// toward the node's VTEP, or static ARP), which is how node-leave fails and node-leave-cis passes.
import test from 'ava';
import { expectedProbes, leftNodes, unitHolds } from '../../harness/assert/departed.js';
import { assertReachability } from '../../harness/assert/reachability.js';
import type { UnitState } from '../../harness/devices/bigip/types.js';
import type { FlannelLease } from '../../harness/overlay/flannel/types.js';
import type { PingResult } from '../../harness/probes/ping.js';
import { scenarioTopology } from '../helpers/pcap.js';

const topo = scenarioTopology('node-leave');
const lease = (subnet: string, publicIp: string): FlannelLease => ({ subnet, publicIp, backendType: 'vxlan', vni: 0, vtepMac: '02:0f:00:00:00:01' });
const MASTER_LEASE = lease('10.217.0.0/24', '10.169.72.127');
const WORKER_LEASE = lease('10.217.1.0/24', '10.169.72.128');
const UNIT_LEASE = lease('10.217.31.0/24', '10.169.72.36');
const before = [MASTER_LEASE, WORKER_LEASE, UNIT_LEASE];
const after = [MASTER_LEASE, UNIT_LEASE];

const probe = (from: string, to: string, ok: boolean): PingResult => ({ from, to, size: 56, dontFragment: false, ok, detail: ok ? 'reply' : 'no reply' });
const unit = (fdb: UnitState['fdb'] = [], arp: UnitState['arp'] = []): UnitState => ({ unit: 'bigip1', failoverStatus: 'ACTIVE', tunnels: [], vlans: [], fdb, arp, selfIps: [] });
const STATIC_TO_WORKER = { tunnel: 'flannel_vxlan', mac: '02:0f:0a:a9:48:80', endpoint: '10.169.72.128', dynamic: false };
const LEARNED_TO_WORKER = { tunnel: 'flannel_vxlan', mac: '0a:58:0a:d9:01:1e', endpoint: '10.169.72.128', dynamic: true };

test('a node left when the first observation listed it and a later one does not', (t) => {
  t.deepEqual(leftNodes(topo.nodes, before, after).map((n) => n.name), ['worker']);
  t.deepEqual(leftNodes(topo.nodes, before, before), []);
  // Never listed is not "left": a node that never registered is still expected to work.
  t.deepEqual(leftNodes(topo.nodes, after, after), []);
  t.deepEqual(leftNodes(topo.nodes, undefined, after), []);
});

test('a unit holds a node by a static FDB record toward its VTEP or static ARP for the pod, not by what it learned', (t) => {
  const worker = topo.nodes.find((n) => n.name === 'worker')!;
  t.true(unitHolds(unit([STATIC_TO_WORKER]), worker, '10.217.1.30'));
  t.true(unitHolds(unit([], [{ address: '10.217.1.30', mac: '02:0f:0a:a9:48:80', vlan: 'flannel_vxlan', status: 'static' }]), worker, '10.217.1.30'));
  t.false(unitHolds(unit([LEARNED_TO_WORKER], [{ address: '10.217.1.30', mac: '0a:58:0a:d9:01:1e', vlan: 'flannel_vxlan', status: 'resolved' }]), worker, '10.217.1.30'));
});

test('after worker left: probes from or to it are not expected; pod-to-pod with nothing left passes', (t) => {
  const left = leftNodes(topo.nodes, before, after);
  const podToPod = [probe('master.nginx', '10.217.1.30', false), probe('worker.nginx', '10.217.0.22', false)];
  const { expected, ...departed } = expectedProbes(topo.nodes, left, podToPod, []);
  t.deepEqual(expected, []);
  t.is(departed.notExpected.length, 2);
  const r = assertReachability('reachability[pod-to-pod@after]', 'pod-to-pod', expected, [], departed);
  t.is(r.status, 'passed');
  t.is(r.expected, "0/0 replies (not expected: 2 probes from or to worker, which left flannel's registry)");

  const nodeToPod = [probe('master', '10.217.0.22', true), probe('master', '10.217.1.30', false), probe('worker', '10.217.0.22', false), probe('worker', '10.217.1.30', false)];
  const split = expectedProbes(topo.nodes, left, nodeToPod, []);
  t.deepEqual(split.expected, [nodeToPod[0]]);
  t.is(assertReachability('r', 'r', split.expected, [], split).status, 'passed');
});

test('a unit that still holds the departed node must still reach its pods (node-leave); once CIS forgot it, not (node-leave-cis)', (t) => {
  const left = leftNodes(topo.nodes, before, after);
  const unitToPod = [probe('bigip1', '10.217.0.22', true), probe('bigip1', '10.217.1.30', false)];
  const held = expectedProbes(topo.nodes, left, unitToPod, [unit([STATIC_TO_WORKER, LEARNED_TO_WORKER])]);
  t.deepEqual(held.stillHeld, [unitToPod[1]]);
  const r = assertReachability('reachability[unit-to-pod@after]', 'unit-to-pod', held.expected, [], held);
  t.is(r.status, 'failed');
  t.regex(r.expected, /^2\/2 replies \(still expected: 1 probe to pods of worker, which left flannel's registry but which a unit still holds/);
  t.regex(r.actual, /no reply: bigip1 -> 10\.217\.1\.30/);
  const forgotten = expectedProbes(topo.nodes, left, unitToPod, [unit([LEARNED_TO_WORKER])]);
  t.is(assertReachability('r', 'r', forgotten.expected, [], forgotten).status, 'passed');
});

test('without a departure the matrix is judged whole, and an empty one still proves nothing', (t) => {
  const matrix = [probe('master.nginx', '10.217.1.30', true)];
  const split = expectedProbes(topo.nodes, [], matrix, []);
  t.deepEqual(split.expected, matrix);
  const r = assertReachability('r', 'r', split.expected, [], split);
  t.is(r.expected, '1/1 replies');
  t.is(assertReachability('r', 'r', [], [], expectedProbes(topo.nodes, [], [], [])).status, 'failed');
});
