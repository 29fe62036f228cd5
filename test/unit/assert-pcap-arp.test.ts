// assertUnitArpFlooded on tiny captures written byte by byte and read as a run reads them:
// multipoint flooding means the unit's ARP requests (inner frames, from its tunnel MAC and one of
// its tunnel self IPs) reach every flannel node's VTEP. A node that saw none, a node that was not
// captured, and an empty list of nodes each fail; requests from another MAC or address, ARP
// replies and ARP on the underlay itself are not the unit's flooded requests.
import test from 'ava';
import { assertUnitArpFlooded } from '../../harness/assert/pcap.js';
import { arpRequest, captureEvidence, eth, innerUdp, vxlanFrame, type Capture } from '../helpers/pcap.js';

const T0 = 1_764_000_000_000;
const MASTER = '10.169.72.127';
const WORKER = '10.169.72.128';
// The failover scenario's bigip1 and bigip2: underlay self IP, tunnel MAC, tunnel self IP.
const BIGIP1 = { underlay: '10.169.72.36', mac: '02:0f:0a:a9:48:24', ip: '10.217.31.36' };
const BIGIP2 = { underlay: '10.169.72.38', mac: '02:0f:0a:a9:48:26', ip: '10.217.33.38' };
const FLOATING = '10.217.31.1';
const FLANNEL_NODES = [
  { node: 'master', publicIp: MASTER },
  { node: 'worker', publicIp: WORKER },
];
const IDENTITY = { mac: BIGIP1.mac, ips: [BIGIP1.ip] };

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const ip4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 255, n & 255]);
/** An ARP reply (opcode 2) from `senderMac`/`senderIp` to `targetMac`/`targetIp`. */
const arpReply = (senderMac: string, senderIp: string, targetMac: string, targetIp: string): Buffer =>
  eth(targetMac, senderMac, 0x0806, Buffer.concat([u16(1), u16(0x0800), Buffer.from([6, 4]), u16(2), hex(senderMac), ip4(senderIp), hex(targetMac), ip4(targetIp)]));

/** bigip1's ARP request for a pod, in VXLAN from its underlay address to a node's VTEP. */
const flooded = (to: string, at: number, o: { mac?: string; ip?: string; from?: string } = {}) => ({
  atMs: T0 + at,
  frame: vxlanFrame(o.from ?? BIGIP1.underlay, to, 0, arpRequest(o.mac ?? BIGIP1.mac, o.ip ?? BIGIP1.ip, to === MASTER ? '10.217.0.22' : '10.217.1.30')),
});
const podTraffic = (to: string, at: number) => ({ atMs: T0 + at, frame: vxlanFrame(BIGIP1.underlay, to, 0, innerUdp({ srcMac: BIGIP1.mac, dstMac: '0a:58:0a:d9:00:16', src: BIGIP1.ip, dst: '10.217.0.22', dport: 7 })) });

async function judge(t: import('ava').ExecutionContext, captures: Capture[], identity = IDENTITY, nodes = FLANNEL_NODES) {
  const { pcaps, cleanup } = await captureEvidence(captures, [8472]);
  t.teardown(cleanup);
  return assertUnitArpFlooded('bigip1', identity, nodes, pcaps);
}

test('the unit\'s requests seen on every flannel node\'s capture: passed, with the count per node', async (t) => {
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0), flooded(MASTER, 5), podTraffic(MASTER, 10)] },
    { node: 'worker', frames: [flooded(WORKER, 0)] },
  ]);
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'pcap-arp-flooding[bigip1]');
  t.is(r.actual, 'requests per node: master 2, worker 1');
  t.is(r.expected, `ARP requests from ${BIGIP1.ip} (${BIGIP1.mac}) on the underlay of every flannel node (master, worker)`);
  t.deepEqual(r.evidence, ['evidence/pcap-master-eth0.json', 'evidence/pcap-worker-eth0.json']);
});

test('a node whose capture holds none of the unit\'s requests fails and is named', async (t) => {
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0)] },
    { node: 'worker', frames: [podTraffic(WORKER, 0)] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on worker (requests per node: master 1, worker 0)');
});

test('a flannel node that was not captured fails and is named as not captured', async (t) => {
  const r = await judge(t, [{ node: 'master', frames: [flooded(MASTER, 0)] }]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on worker (not captured) (requests per node: master 1, worker 0)');
  t.deepEqual(r.evidence, ['evidence/pcap-master-eth0.json']);
});

test('an empty list of flannel nodes fails: expecting nothing proves nothing', async (t) => {
  const r = await judge(t, [{ node: 'master', frames: [flooded(MASTER, 0)] }], IDENTITY, []);
  t.is(r.status, 'failed');
  t.true(r.expected.includes('the registry lists none'), r.expected);
  t.deepEqual(r.evidence, []);
});

test('requests with the unit\'s address from another MAC do not count', async (t) => {
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0)] },
    { node: 'worker', frames: [flooded(WORKER, 0, { mac: BIGIP2.mac }), flooded(WORKER, 1, { mac: '02:aa:bb:cc:dd:ee' })] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on worker (requests per node: master 1, worker 0)');
});

test('requests from the unit\'s MAC with another address (the peer\'s self IP) do not count', async (t) => {
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0)] },
    { node: 'worker', frames: [flooded(WORKER, 0, { ip: BIGIP2.ip })] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on worker (requests per node: master 1, worker 0)');
});

test('the peer unit\'s flooded requests are not this unit\'s', async (t) => {
  const peer = (to: string) => flooded(to, 0, { mac: BIGIP2.mac, ip: BIGIP2.ip, from: BIGIP2.underlay });
  const r = await judge(t, [
    { node: 'master', frames: [peer(MASTER)] },
    { node: 'worker', frames: [peer(WORKER)] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on master, worker (requests per node: master 0, worker 0)');
});

test('ARP replies from the unit are not flooded requests', async (t) => {
  const reply = (to: string) => ({ atMs: T0, frame: vxlanFrame(BIGIP1.underlay, to, 0, arpReply(BIGIP1.mac, BIGIP1.ip, '0a:58:0a:d9:00:16', '10.217.0.22')) });
  const r = await judge(t, [
    { node: 'master', frames: [reply(MASTER)] },
    { node: 'worker', frames: [reply(WORKER)] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on master, worker (requests per node: master 0, worker 0)');
});

test('an ARP request on the underlay itself (not in VXLAN) is not a flooded one', async (t) => {
  const bare = { atMs: T0, frame: arpRequest(BIGIP1.mac, BIGIP1.ip, '10.217.1.30') };
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0)] },
    { node: 'worker', frames: [bare] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'none seen on worker (requests per node: master 1, worker 0)');
});

test('a floating tunnel self IP the unit held counts as one of its addresses', async (t) => {
  const r = await judge(
    t,
    [
      { node: 'master', frames: [flooded(MASTER, 0, { ip: FLOATING })] },
      { node: 'worker', frames: [flooded(WORKER, 0)] },
    ],
    { mac: BIGIP1.mac, ips: [BIGIP1.ip, FLOATING] },
  );
  t.is(r.status, 'passed', r.actual);
  t.is(r.expected, `ARP requests from ${BIGIP1.ip} or ${FLOATING} (${BIGIP1.mac}) on the underlay of every flannel node (master, worker)`);
  // The same captures judged on the unit's own address only: master saw none of those.
  const own = await judge(t, [{ node: 'master', frames: [flooded(MASTER, 0, { ip: FLOATING })] }, { node: 'worker', frames: [flooded(WORKER, 0)] }]);
  t.is(own.status, 'failed');
});

test('captures of hosts that are not flannel nodes (a unit\'s) are neither required nor evidence', async (t) => {
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0)] },
    { node: 'worker', frames: [flooded(WORKER, 0)] },
    { node: 'bigip1', frames: [flooded(MASTER, 0)] },
  ]);
  t.is(r.status, 'passed', r.actual);
  t.deepEqual(r.evidence, ['evidence/pcap-master-eth0.json', 'evidence/pcap-worker-eth0.json']);
});

// The summary counts ARP per sender IP (all its MACs together), and the check takes a sender's
// requests when the unit's MAC is among that IP's MACs: a reply from the unit plus a request from
// another MAC with the same address passes, though the unit flooded no request there.
test('a reply from the unit and a request from another MAC with its address: no request of the unit\'s', async (t) => {
  const reply = { atMs: T0, frame: vxlanFrame(BIGIP1.underlay, WORKER, 0, arpReply(BIGIP1.mac, BIGIP1.ip, '0a:58:0a:d9:01:1e', '10.217.1.30')) };
  const r = await judge(t, [
    { node: 'master', frames: [flooded(MASTER, 0)] },
    { node: 'worker', frames: [reply, flooded(WORKER, 1, { mac: BIGIP2.mac })] },
  ]);
  t.is(r.status, 'failed', r.actual);
});
