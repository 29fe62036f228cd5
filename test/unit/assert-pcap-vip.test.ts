// assertVipTrafficFromUnit on captures written byte by byte: after failover (and the settle
// time), the client's VIP probes reach the pods from the new active unit's tunnel MAC and
// underlay address, and nothing else counts as "after".
import test from 'ava';
import { assertVipTrafficFromUnit } from '../../harness/assert/pcap.js';
import { captureEvidence, innerUdp, scenarioTopology, vxlanFrame, type Capture } from '../helpers/pcap.js';

const topo = scenarioTopology('failover');
const unit = (name: string) => topo.bigip!.units.find((u) => u.name === name)!;
const vs = topo.bigip!.virtualServers[0]!;
const FAILOVER_AT = 1_764_000_000_000;
const SETTLE = 50;
const MASTER = topo.nodes.find((n) => n.name === 'master')!;

/** The VIP probe as a unit forwards it (SNAT automap: from its tunnel self IP) to master's pod. */
function probeFrom(from: string, atMs: number, opts: { outerFrom?: string } = {}) {
  const u = unit(from);
  const pod = MASTER.pods[0]!;
  const inner = innerUdp({ srcMac: u.tunnelMac, dstMac: pod.mac, src: u.tunnelIp, dst: pod.ip, dport: vs.udpPort });
  return { atMs, frame: vxlanFrame(opts.outerFrom ? unit(opts.outerFrom).underlayIp : u.underlayIp, MASTER.underlayIp, topo.bigip!.tunnel.key, inner) };
}

async function judge(t: { teardown: (f: () => void) => void }, captures: Capture[]) {
  const { pcaps, cleanup } = await captureEvidence(captures, [8472], { podIps: vs.pool.map((m) => m.ip), udpPort: vs.udpPort });
  t.teardown(cleanup);
  return assertVipTrafficFromUnit(topo, 'bigip2', FAILOVER_AT, SETTLE, pcaps);
}

test('bigip1 before the failover, bigip2 after it: passed', async (t) => {
  const r = await judge(t, [{ node: 'master', frames: [probeFrom('bigip1', FAILOVER_AT - 20), probeFrom('bigip1', FAILOVER_AT + 10), probeFrom('bigip2', FAILOVER_AT + 60), probeFrom('bigip2', FAILOVER_AT + 70)] }]);
  t.is(r.status, 'passed', r.actual);
  t.is(r.id, 'pcap-vip-source[bigip2]');
  t.is(r.expected, `inner source MAC ${unit('bigip2').tunnelMac}, outer source 10.169.72.38`);
  t.is(r.actual, `2 packets, all from ${unit('bigip2').tunnelMac} via 10.169.72.38`);
  t.deepEqual(r.evidence, ['evidence/pcap-master-eth0.json']);
});

test('the old active still forwarding after the settle time: named with MAC and outer source', async (t) => {
  const r = await judge(t, [{ node: 'master', frames: [probeFrom('bigip2', FAILOVER_AT + 60), probeFrom('bigip1', FAILOVER_AT + 65), probeFrom('bigip2', FAILOVER_AT + 70)] }]);
  t.is(r.status, 'failed');
  t.is(r.actual, `1/3 packets from elsewhere: ${unit('bigip1').tunnelMac} via 10.169.72.36`);
});

test('the new active\'s MAC from the other unit\'s underlay address is not the new active either', async (t) => {
  const r = await judge(t, [{ node: 'master', frames: [probeFrom('bigip2', FAILOVER_AT + 60, { outerFrom: 'bigip1' })] }]);
  t.is(r.status, 'failed');
  t.is(r.actual, `1/1 packets from elsewhere: ${unit('bigip2').tunnelMac} via 10.169.72.36`);
});

test('no VIP traffic after the settle time, and captures on a unit do not count', async (t) => {
  const r = await judge(t, [
    { node: 'master', frames: [probeFrom('bigip1', FAILOVER_AT - 20), probeFrom('bigip2', FAILOVER_AT + SETTLE)] },
    { node: 'bigip2', frames: [probeFrom('bigip2', FAILOVER_AT + 60)] },
  ]);
  t.is(r.status, 'failed');
  t.is(r.actual, 'no VIP traffic captured on the nodes after failover');
});
