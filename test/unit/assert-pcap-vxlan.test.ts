// assertPcapVxlanHeaders on captures written byte by byte and read the way a run reads them:
// the failover scenario's VNI 0 on port 8472 passes; another VNI, another port, or no VXLAN at
// all fails and says where.
import test from 'ava';
import { assertPcapVxlanHeaders } from '../../harness/assert/pcap.js';
import { vxlanDecodePorts } from '../../harness/probes/pcap-evidence.js';
import { arpRequest, captureEvidence, innerUdp, scenarioTopology, vxlanFrame } from '../helpers/pcap.js';

const topo = scenarioTopology('failover');
const T0 = 1_764_000_000_000;
const MASTER = '10.169.72.127';
const WORKER = '10.169.72.128';
const BIGIP1 = '10.169.72.36';
const podToPod = () => innerUdp({ srcMac: '0a:58:0a:d9:00:16', dstMac: '0a:58:0a:d9:01:1e', src: '10.217.0.22', dst: '10.217.1.30', dport: 7 });

test('VNI 0 on port 8472 between nodes and from a unit: passed, with every capture as evidence', async (t) => {
  const { pcaps, cleanup } = await captureEvidence(
    [
      { node: 'master', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 0, podToPod()) }, { atMs: T0 + 1, frame: vxlanFrame(BIGIP1, MASTER, 0, podToPod()) }] },
      { node: 'worker', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 0, podToPod()) }] },
    ],
    [8472],
  );
  t.teardown(cleanup);
  const r = assertPcapVxlanHeaders(topo, pcaps);
  t.is(r.status, 'passed', r.actual);
  t.is(r.expected, 'VNI 0 on port 8472');
  t.is(r.actual, '3 VXLAN packets, VNI 0');
  t.deepEqual(r.evidence, ['evidence/pcap-master-eth0.json', 'evidence/pcap-worker-eth0.json']);
});

test('a packet with another VNI is named with its capture', async (t) => {
  const { pcaps, cleanup } = await captureEvidence(
    [
      { node: 'master', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 0, podToPod()) }] },
      { node: 'worker', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 1, podToPod()) }, { atMs: T0 + 1, frame: vxlanFrame(MASTER, WORKER, 1, podToPod()) }] },
    ],
    [8472],
  );
  t.teardown(cleanup);
  const r = assertPcapVxlanHeaders(topo, pcaps);
  t.is(r.status, 'failed');
  t.is(r.actual, 'worker: 2 packets with VNI 1');
});

test('VXLAN on port 4789 (decoded because the reader was told to) is named by flow and port', async (t) => {
  const { pcaps, cleanup } = await captureEvidence([{ node: 'master', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 0, podToPod(), { port: 4789 }) }] }], [8472, 4789]);
  t.teardown(cleanup);
  const r = assertPcapVxlanHeaders(topo, pcaps);
  t.is(r.status, 'failed');
  t.is(r.actual, `master: ${MASTER} -> ${WORKER} on port 4789`);
});

test('no VXLAN packet captured (only underlay ARP): failed, nothing to judge', async (t) => {
  const { pcaps, cleanup } = await captureEvidence([{ node: 'master', frames: [{ atMs: T0, frame: arpRequest('02:01:0a:a9:48:7f', MASTER, WORKER) }] }], [8472]);
  t.teardown(cleanup);
  const r = assertPcapVxlanHeaders(topo, pcaps);
  t.is(r.status, 'failed');
  t.is(r.actual, 'no VXLAN packets captured');
  t.is(assertPcapVxlanHeaders(topo, []).status, 'failed');
});

// A run decodes its captures on the scenario's ports and the well-known ones (vxlanDecodePorts):
// with the scenario's ports alone, VXLAN on any other port would never be decoded as VXLAN and
// the port half of this check could not fail in a run.
test('VXLAN on a port the scenario does not use fails the check when read as a run reads it', async (t) => {
  const scenarioPorts = [...new Set([topo.flannel.port, topo.bigip!.profile.port])];
  const { pcaps, cleanup } = await captureEvidence(
    [{ node: 'master', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 0, podToPod()) }, { atMs: T0 + 1, frame: vxlanFrame(BIGIP1, MASTER, 0, podToPod(), { port: 4789 }) }] }],
    vxlanDecodePorts(scenarioPorts),
  );
  t.teardown(cleanup);
  t.is(assertPcapVxlanHeaders(topo, pcaps).status, 'failed');
});
