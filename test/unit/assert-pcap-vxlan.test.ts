// assertPcapVxlanHeaders on captures written byte by byte and read the way a run reads them:
// the failover scenario's VNI 0 on port 8472 passes; another VNI, another port, or no VXLAN at
// all fails and says where; after a VNI changed at runtime, the new one only toward a VTEP that held it.
import test from 'ava';
import { assertPcapVxlanHeaders, heldVnis, type HeldVni } from '../../harness/assert/pcap.js';
import type { UnitState } from '../../harness/devices/bigip/types.js';
import { seedSnapshot } from '../helpers/seeds.js';
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

// vni-change and its twin: after flannel's VNI (and the units' key) changed at runtime, a packet
// with the new VNI is right when its receiving VTEP was seen to hold that VNI (the devices' own
// state at the observations), and wrong toward one that never did, which drops it.
const held = (vni: number, ...hosts: [string, string][]): HeldVni[] => hosts.map(([host, address]) => ({ host, address, vni }));

test('VNI 1 after a change: passed toward VTEPs that held VNI 1, named toward a unit that only held key 0', async (t) => {
  const { pcaps, cleanup } = await captureEvidence(
    [{ node: 'master', frames: [{ atMs: T0, frame: vxlanFrame(MASTER, WORKER, 0, podToPod()) }, { atMs: T0 + 1, frame: vxlanFrame(MASTER, WORKER, 1, podToPod()) }, { atMs: T0 + 2, frame: vxlanFrame(MASTER, BIGIP1, 1, podToPod()) }] }],
    [8472],
  );
  t.teardown(cleanup);
  const nodesOnly = [...held(0, ['master', MASTER], ['worker', WORKER], ['bigip1', BIGIP1]), ...held(1, ['master', MASTER], ['worker', WORKER])];
  const r = assertPcapVxlanHeaders(topo, pcaps, nodesOnly);
  t.is(r.status, 'failed');
  t.is(r.expected, 'VNI 0 on port 8472, or VNI 1 toward a VTEP that held it');
  t.is(r.actual, `master: VNI 1 toward bigip1 ${BIGIP1} (it held VNI 0) from ${MASTER}`);
  // The units' key changed too (the fixed twin): every packet has a receiver that held its VNI.
  t.is(assertPcapVxlanHeaders(topo, pcaps, [...nodesOnly, ...held(1, ['bigip1', BIGIP1])]).status, 'passed');
});

test('VTEPs held, from the observations: every VXLAN device of a node by its local address, each unit\'s tunnel key by its local-address', (t) => {
  const snap = seedSnapshot('seed000-master', 'master');
  const f0 = snap.links.find((l) => l.name === 'flannel.0')!;
  snap.links.push({ ...f0, ifindex: 99, name: 'flannel.1', vxlan: { ...f0.vxlan!, id: 1 } });
  const unit: UnitState = { unit: 'bigip1', failoverStatus: 'ACTIVE', tunnels: [{ name: 'flannel_vxlan', mac: '02:0f:0a:a9:48:24', key: 1, localAddress: BIGIP1 }], vlans: [], fdb: [], arp: [], selfIps: [] };
  t.deepEqual(heldVnis(topo, [snap, snap], [unit]), [...held(0, ['master', MASTER]), ...held(1, ['master', MASTER]), ...held(1, ['bigip1', BIGIP1])]);
});
