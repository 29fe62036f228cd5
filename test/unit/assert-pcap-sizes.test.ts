// assertPcapSizes on captures written byte by byte: full-size overlay packets fit a 1500-byte
// underlay; an overlay MTU of 1500 (the mtu-mismatch reproduction) does not; outer fragments and
// an empty capture fail.
import test from 'ava';
import { assertPcapSizes } from '../../harness/assert/pcap.js';
import { arpRequest, captureEvidence, innerUdp, scenarioTopology, vxlanFrame } from '../helpers/pcap.js';

const topo = scenarioTopology('failover');
const T0 = 1_764_000_000_000;
const MASTER = '10.169.72.127';
const WORKER = '10.169.72.128';
/** A pod's datagram whose IPv4 packet is `ipTotal` bytes, master's pod to worker's. */
const podPacket = (ipTotal: number) => vxlanFrame(MASTER, WORKER, 0, innerUdp({ srcMac: '0a:58:0a:d9:00:16', dstMac: '0a:58:0a:d9:01:1e', src: '10.217.0.22', dst: '10.217.1.30', dport: 7, ipTotal }));

test('a 1450-byte inner packet is a 1464-byte frame in a 1500-byte outer packet: passed', async (t) => {
  const { pcaps, cleanup } = await captureEvidence([{ node: 'worker', frames: [{ atMs: T0, frame: podPacket(84) }, { atMs: T0 + 1, frame: podPacket(1450) }] }], [8472]);
  t.teardown(cleanup);
  const r = assertPcapSizes(topo, pcaps);
  t.is(r.status, 'passed', r.actual);
  t.is(r.expected, 'outer IPv4 <= 1500 B, no outer fragments, inner frame <= 1464 B');
  t.is(r.actual, 'largest outer IPv4 1500 B, largest inner frame 1464 B, no fragments (2 VXLAN packets)');
  t.deepEqual(r.evidence, ['evidence/pcap-worker-eth0.json']);
});

test('an overlay MTU of 1500 over a 1500-byte underlay: outer and inner both too large', async (t) => {
  const { pcaps, cleanup } = await captureEvidence([{ node: 'worker', frames: [{ atMs: T0, frame: podPacket(1500) }] }], [8472]);
  t.teardown(cleanup);
  const r = assertPcapSizes(topo, pcaps);
  t.is(r.status, 'failed');
  t.is(r.actual, 'worker: outer IPv4 length 1550 > 1500; worker: inner frame 1514 B > 1464');
});

test('an outer IPv4 fragment is named', async (t) => {
  const { pcaps, cleanup } = await captureEvidence([{ node: 'master', frames: [{ atMs: T0, frame: podPacket(1000) }, { atMs: T0 + 1, frame: vxlanFrame(MASTER, WORKER, 0, innerUdp({ srcMac: '0a:58:0a:d9:00:16', dstMac: '0a:58:0a:d9:01:1e', src: '10.217.0.22', dst: '10.217.1.30', dport: 7, ipTotal: 600 }), { mf: true }) }] }], [8472]);
  t.teardown(cleanup);
  const r = assertPcapSizes(topo, pcaps);
  t.is(r.status, 'failed');
  t.is(r.actual, 'master: 1 outer IPv4 fragments');
});

test('no VXLAN packet captured: failed, sizes are not judged on nothing', async (t) => {
  const { pcaps, cleanup } = await captureEvidence([{ node: 'master', frames: [{ atMs: T0, frame: arpRequest('02:01:0a:a9:48:7f', MASTER, WORKER) }] }], [8472]);
  t.teardown(cleanup);
  const r = assertPcapSizes(topo, pcaps);
  t.is(r.status, 'failed');
  t.is(r.actual, 'no VXLAN packets captured');
  t.is(assertPcapSizes(topo, []).actual, 'no VXLAN packets captured');
});
