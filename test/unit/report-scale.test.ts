// report.html of a big run (100 nodes x 10 pods, a BIG-IP pair) from a constructed run directory:
// matrices, FDB and MTU tables and capture summaries above their limits (harness/report/limits.ts)
// are summarised, say what they left out and link the file that has it, and the page stays
// small; just below each limit everything is drawn as before. The real 100 x 10 run, in
// Chromium, is test/integration/scale.test.ts.
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../harness/report/types.js';
import type { HostSnapshot } from '../../harness/probes/snapshot.js';
import type { FdbEntry, LinkInfo } from '../../harness/devices/linux/parse.js';
import type { PingResult } from '../../harness/probes/ping.js';
import type { UnitState } from '../../harness/devices/bigip/types.js';
import { loadEvidence } from '../../harness/report/evidence.js';
import { renderHtml } from '../../harness/report/html.js';
import { timelineSvg } from '../../harness/report/svg-timeline.js';
import type { ProbeRecord } from '../../harness/probes/vip-probe.js';
import { FDB_NODES_FULL, MATRIX_CELLS_DRAWN, MTU_HOSTS_FULL, TOPOLOGY_NODES_DRAWN } from '../../harness/report/limits.js';
import { FAILOVER_TOPOLOGY, sampleReport } from '../helpers/report.js';

const hex = (n: number) => n.toString(16).padStart(2, '0');
const link = (name: string, mtu: number, extra: Partial<LinkInfo> = {}): LinkInfo => ({ ifindex: 1, name, mtu, mac: '02:00:00:00:00:01', state: 'UP', up: true, flags: ['UP'], ...extra });
const fdb = (mac: string, dev: string, extra: Partial<FdbEntry> = {}): FdbEntry => ({ mac, dev, self: true, permanent: true, static: false, learned: false, state: 'permanent', flags: ['self'], ...extra });
const ping = (from: string, to: string, ok: boolean): PingResult => ({ from, to, size: 56, dontFragment: false, ok, ...(ok ? { rttMs: 0.05 } : {}), detail: ok ? 'reply' : '1 packets transmitted, 0 received, 100% packet loss' });
const nodeName = (i: number) => `node${String(i).padStart(3, '0')}`;
const vtepMac = (i: number) => `02:0f:ac:10:00:${hex(i + 10)}`;
const podIp = (i: number, p: number) => `10.244.${i}.${p + 2}`;

interface Big {
  dir: string;
  report: RunReport;
  remove: () => void;
}

/** A run directory of `nodes` x `pods` with a unit pair, snapshots before/after, matrices and capture summaries. */
function makeBig(nodes: number, pods: number, matrixProbes: number): Big {
  const root = mkdtempSync(join(tmpdir(), 'overlab-scale-html-'));
  const dir = join(root, 'scale', 'big001');
  mkdirSync(join(dir, 'evidence'), { recursive: true });
  mkdirSync(join(dir, 'pcaps'), { recursive: true });
  const topology: RunReport['topology'] = {
    ...FAILOVER_TOPOLOGY,
    nodes: Array.from({ length: nodes }, (_, i) => ({
      name: nodeName(i),
      role: i === 0 ? 'master' : 'worker',
      underlayIp: `172.16.0.${i + 10}`,
      vtepMac: vtepMac(i),
      podCidr: `10.244.${i}.0/24`,
      pods: Array.from({ length: pods }, (_, p) => ({ name: `pod${p}`, ip: podIp(i, p), mac: `0a:58:0a:f4:${hex(i)}:${hex(p + 2)}` })),
    })),
    underlay: { cidr: '172.16.0.0/16', mtu: 1500 },
    flannel: { network: '10.244.0.0/16', vni: 1, port: 8472, device: 'flannel.1', learning: false, bridged: false, mtu: 1450 },
    floatingSelfIps: [{ address: '10.217.31.1/16', vlan: 'tunnel' }],
  };
  // Every node: a permanent entry per other node's VTEP; node007 gains one between the snapshots.
  const snap = (label: string): HostSnapshot[] =>
    topology.nodes.map((n, i) => ({
      host: n.name,
      links: [link('eth0', 1500), link('flannel.1', i === 42 ? 1400 : 1450, { kind: 'vxlan' }), link('cni0', 1450, { kind: 'bridge' })],
      addrs: [],
      routes: [],
      neighbours: [],
      fdb: [
        ...topology.nodes.filter((_, j) => j !== i).map((m, j) => fdb(m.vtepMac, 'flannel.1', { dst: `172.16.0.${j + 10}` })),
        ...(label === 'after' && i === 7 ? [fdb('02:0f:0a:a9:48:26', 'flannel.1', { dst: '10.169.72.38' })] : []),
      ],
    }));
  writeFileSync(join(dir, 'evidence', 'snapshot-before.json'), JSON.stringify(snap('before')));
  writeFileSync(join(dir, 'evidence', 'snapshot-after.json'), JSON.stringify(snap('after')));
  // The active unit learns every pod MAC: more rows than one FDB table shows.
  const unit = (name: string, status: UnitState['failoverStatus'], learned: boolean): UnitState => ({
    unit: name,
    failoverStatus: status,
    tunnels: [{ name: 'flannel_vxlan', mac: name === 'bigip1' ? '02:0f:0a:a9:48:24' : '02:0f:0a:a9:48:26', key: 0, localAddress: '10.169.72.36', mtu: 1450 }],
    vlans: [{ name: 'underlay', mtu: 1500 }],
    fdb: [
      ...topology.nodes.map((n) => ({ tunnel: 'flannel_vxlan', mac: n.vtepMac, endpoint: n.underlayIp, dynamic: false })),
      ...(learned ? topology.nodes.flatMap((n) => (n.pods ?? []).map((p) => ({ tunnel: 'flannel_vxlan', mac: p.mac, endpoint: n.underlayIp, dynamic: true }))) : []),
    ],
    arp: [],
    selfIps: status === 'ACTIVE' ? [{ address: '10.217.31.1/16', vlan: 'flannel_vxlan', trafficGroup: 'traffic-group-1', floating: true }] : [],
  });
  writeFileSync(join(dir, 'evidence', 'units-before.json'), JSON.stringify([unit('bigip1', 'STANDBY', false), unit('bigip2', 'ACTIVE', false)]));
  writeFileSync(join(dir, 'evidence', 'units-after.json'), JSON.stringify([unit('bigip1', 'STANDBY', false), unit('bigip2', 'ACTIVE', true)]));
  // Pod-to-pod: `matrixProbes` probes, one of them unanswered (node003's pod1 to node050's pod2).
  const allPods = topology.nodes.flatMap((n, i) => (n.pods ?? []).map((p, k) => ({ host: `${n.name}.${p.name}`, ip: podIp(i, k) })));
  const results: PingResult[] = [];
  for (let a = 0; results.length < matrixProbes; a++) {
    const from = allPods[a % allPods.length]!;
    const to = allPods[(a * 7919 + Math.floor(a / allPods.length)) % allPods.length]!;
    results.push(ping(from.host, to.ip, !(from.host === 'node003.pod1' && results.every((r) => r.ok))));
  }
  writeFileSync(join(dir, 'evidence', 'reachability-before.json'), JSON.stringify({ 'pod-to-pod': results }));
  writeFileSync(join(dir, 'evidence', 'reachability-after.json'), JSON.stringify({ 'pod-to-pod': results, 'client-to-vip': [ping('client', '10.1.10.100', true)] }));
  // A capture per node, each with a flow to every other VTEP; node011's has a decoder note.
  const pcaps: RunReport['artifacts']['pcaps'] = topology.nodes.map((n, i) => {
    const path = `pcaps/${n.name}-eth0.pcap`;
    writeFileSync(join(dir, path), Buffer.alloc(24));
    const summary = `evidence/pcap-${n.name}-eth0.json`;
    const flows = topology.nodes.filter((_, j) => j !== i).map((m, j) => ({ src: n.underlayIp, dst: m.underlayIp, packets: 10 + j, bytes: 1000, vnis: [1] }));
    writeFileSync(join(dir, summary), JSON.stringify({ packets: 2000 + i, vxlanPackets: 1900, flows, ...(i === 11 ? { warnings: ['packet 17: VXLAN header with the I flag clear'] } : {}) }));
    return { node: n.name, interface: 'eth0', path, packets: 2000 + i, summary };
  });
  const report = sampleReport({
    scenario: 'scale',
    runId: 'big001',
    runDir: dir,
    topology,
    phases: [
      { name: 'boot', durationMs: 1800, status: 'passed' },
      { name: 'snapshot before', durationMs: 80, status: 'passed' },
      { name: 'snapshot after', durationMs: 80, status: 'passed' },
    ],
    assertions: [{ id: 'reachability[pod-to-pod@after]', title: 'pod-to-pod reachability', status: 'failed', expected: `${matrixProbes}/${matrixProbes} replies`, actual: `${matrixProbes - 1}/${matrixProbes} replies`, evidence: ['evidence/reachability-after.json'] }],
    status: 'failed',
    artifacts: { pcaps },
  });
  return { dir, report, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const count = (page: string, re: RegExp) => (page.match(re) ?? []).length;

test('100 x 10: matrices, FDB and MTU tables, captures and the topology are summarised; the page is small and says where the rest is', (t) => {
  const run = makeBig(100, 10, 20_000);
  t.teardown(run.remove);
  const started = performance.now();
  const page = renderHtml(run.report, loadEvidence(run.dir, run.report));
  const ms = performance.now() - started;
  const bytes = Buffer.byteLength(page);
  t.log(`report.html ${(bytes / 1024).toFixed(0)} KiB, rendered in ${ms.toFixed(0)} ms`);
  t.true(bytes < 2 * 1024 * 1024, `${bytes} bytes`);

  // Reachability: both snapshots summarised, the failure named, the file linked; no probe drawn one by one.
  t.is(count(page, /<div class="matrix-one matrix-summary" data-matrix="pod-to-pod" data-label="(before|after)" data-probes="20000" data-replies="19999">/g), 2);
  t.regex(page, /<table class="probes failures">.*?node003\.pod1/s);
  t.regex(page, /Every probe, with its RTT or fping's words, is in <a class="file" href="evidence\/reachability-after\.json">/);
  t.is(count(page, /<svg class="matrix-groups" data-matrix="pod-to-pod"/g), 2);
  t.regex(page, /<rect class="mx-fail[^"]*"[^>]*><title>node003 → /, 'the failed node pair is a red run');
  t.notRegex(page, /<table class="matrix compact" data-matrix="pod-to-pod"/);
  t.regex(page, /<table class="matrix" data-matrix="client-to-vip" data-label="after">/, 'a small matrix beside them is drawn in full');

  // Topology: a grid of 100 marks with pod counts; traffic-group-1 on bigip2 with its floating self IP.
  t.regex(page, /<g class="tp-nodes-grid" data-nodes="100" data-pods="1000">/);
  t.is(count(page, /<g id="tp-node-node\d+"><title>/g), 100);
  t.is(count(page, /class="tp-pod"/g), 0, 'no pod drawn one by one');
  t.regex(page, /<g id="tp-node-node042"><title>node042 \(worker\): underlay 172\.16\.0\.52, flannel\.1 02:0f:ac:10:00:34, podCIDR 10\.244\.42\.0\/24, 10 pods/);
  t.regex(page, /<g class="tp-traffic-group" data-holder="bigip2">/);
  t.regex(page, /floating self IP 10\.217\.31\.1\/16<\/text>/);
  t.regex(page, /VIP 10\.1\.10\.100/);

  // FDB: a row per node, three nodes in full (node007, the one that changed, first); the unit's long table cut.
  t.regex(page, /<div class="panel fdb-summary" id="fdb-nodes-summary" data-nodes="100" data-in-full="3">/);
  t.regex(page, /tables in full \(node007, /);
  t.is(count(page, /<div class="panel host" id="fdb-node/g), 3);
  t.regex(page, /id="fdb-bigip2"/);
  // bigip2 after: 100 static records (unchanged) and 1000 learned pod MACs (added): 200 and 40 kept.
  t.regex(page, /<p class="note fdb-cut" data-hidden="860">1100 entries: 800 changed and 60 unchanged not shown/);
  t.regex(page, /all of them are in <a class="file" href="evidence\/units-after\.json">/);
  t.regex(page, /<tr class="added"[^>]*><td>flannel_vxlan<\/td><td>0a:58:/, 'changed rows are kept first');

  // MTU: counts per kind, and only node042 (flannel.1 at 1400) listed.
  t.regex(page, /<div class="panel mtu-summary" id="mtu-summary" data-hosts="102" data-listed="1">/);
  t.is(count(page, /<tr><td class="mono">node\d+<\/td><td class="muted">node<\/td>/g), 1);
  t.regex(page, /<span class="mtu-if bad"[^>]*>flannel\.1 <b>1400<\/b> ≠ 1450/);

  // Captures: all 100 in the table; totals; four panels, node011 (a decoder note) first; flows cut at 40.
  t.is(count(page, /<a class="file" href="pcaps\/node\d+-eth0\.pcap">/g) >= 100, true);
  t.regex(page, /<div class="panel pcap-totals" id="pcap-totals" data-captures="100" data-panels="4">/);
  t.regex(page, /draws 4 summaries \(node011, /);
  t.is(count(page, /<div class="panel pcap-summary"/g), 4);
  t.regex(page, /<p class="note flows-cut">99 flows: the 40 with the most packets listed; all of them are in <a class="file" href="evidence\/pcap-node011-eth0\.json">/);
});

test('just below each limit nothing is summarised; one over, it is', (t) => {
  const small = makeBig(TOPOLOGY_NODES_DRAWN, 2, MATRIX_CELLS_DRAWN);
  t.teardown(small.remove);
  const page = renderHtml(small.report, loadEvidence(small.dir, small.report));
  t.true(TOPOLOGY_NODES_DRAWN <= FDB_NODES_FULL && TOPOLOGY_NODES_DRAWN + 2 <= MTU_HOSTS_FULL, 'the limits this test relies on');
  t.notRegex(page, /class="[^"]*\b(matrix-summary|tp-nodes-grid|fdb-summary|mtu-summary|pcap-totals)\b/);
  t.is(count(page, /<table class="matrix compact" data-matrix="pod-to-pod"/g), 2, 'every probe a square');
  t.is(count(page, /<g class="tp-node" id="tp-node-/g), TOPOLOGY_NODES_DRAWN);
  t.is(count(page, /<div class="panel host" id="fdb-node/g), TOPOLOGY_NODES_DRAWN);
  t.is(count(page, /<div class="panel pcap-summary"/g), TOPOLOGY_NODES_DRAWN);
  t.regex(page, /<g class="tp-traffic-group" data-holder="bigip2">/, 'traffic-group-1 is drawn at every size');

  const over = makeBig(TOPOLOGY_NODES_DRAWN + 1, 2, MATRIX_CELLS_DRAWN + 1);
  t.teardown(over.remove);
  const overPage = renderHtml(over.report, loadEvidence(over.dir, over.report));
  t.regex(overPage, /data-probes="2501"/);
  t.regex(overPage, /tp-nodes-grid/);
  t.regex(overPage, /fdb-nodes-summary/);
  t.regex(overPage, /pcap-totals/);
});

test('traffic-group-1 without units observed: on the active unit, with the planned floating self IPs, or "no floating self IP"', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-tg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const none = renderHtml(sampleReport({ runDir: dir, topology: { ...FAILOVER_TOPOLOGY, floatingSelfIps: [] } }), loadEvidence(dir, sampleReport({ runDir: dir })));
  t.regex(none, /<g class="tp-traffic-group" data-holder="bigip2">/);
  t.regex(none, />no floating self IP<\/text>/);
  t.regex(none, /holds no traffic-group-1 address \(bigip2 does\)/);
  const planned = renderHtml(sampleReport({ runDir: dir, topology: { ...FAILOVER_TOPOLOGY, floatingSelfIps: [{ address: '10.217.31.1/16', vlan: 'tunnel' }] } }), loadEvidence(dir, sampleReport({ runDir: dir })));
  t.regex(planned, />floating self IP 10\.217\.31\.1\/16<\/text>/);
  t.regex(planned, /traffic-group-1 is on bigip2: VIP 10\.1\.10\.100; floating self IP 10\.217\.31\.1\/16 \(tunnel\)\. From: bigip2 is active/);
  const old = renderHtml(sampleReport({ runDir: dir, topology: FAILOVER_TOPOLOGY }), loadEvidence(dir, sampleReport({ runDir: dir })));
  t.regex(old, />floating self IPs not recorded in this report<\/text>/, 'a report.json written before the field says so rather than guess');
  // The floating-local layout: the tunnel sends from traffic-group-1's floating underlay self IP.
  const floatingLocal = { ...FAILOVER_TOPOLOGY, tunnel: { ...FAILOVER_TOPOLOGY.tunnel!, localAddress: 'floating' as const, trafficGroup: 'traffic-group-1' }, floatingSelfIps: [{ address: '10.169.72.40/16', vlan: 'underlay' }] };
  const fl = renderHtml(sampleReport({ runDir: dir, topology: floatingLocal }), loadEvidence(dir, sampleReport({ runDir: dir })));
  t.is(count(fl, /<tspan class="tp-muted"> local: floating<\/tspan>/g), 2, 'both units\' tunnels');
  t.regex(fl, /flannel_vxlan on bigip1: tunnel MAC 02:0f:0a:a9:48:24, local-address 10\.169\.72\.40\/16, floating in traffic-group-1/);
  t.notRegex(none, /local: floating/);
});

test('a long timeline draws one circle in each 3 px square for answered probes, and marks every lost one', (t) => {
  const t0 = 1_795_567_530_000;
  const long: ProbeRecord[] = Array.from({ length: 20_000 }, (_, seq) => ({ proto: 'udp' as const, seq, sentAt: t0 + seq * 10, rttMs: seq % 997 === 5 ? null : 0.05 + (seq % 3) / 100 }));
  const svg = timelineSvg(long);
  const lost = long.filter((r) => r.rttMs === null).length;
  t.is(count(svg, /<path class="tl-lost" d=/g), lost + 1 /* the legend */);
  t.regex(svg, new RegExp(`data-answered="${20_000 - lost}"`));
  const circles = count(svg, /<circle class="tl-point"/g);
  t.true(circles < 5000, `${circles} circles for 20000 answered probes`);
  t.true(circles > 280, 'at least one in each 3 px column');
  const short = timelineSvg(long.slice(0, 2000));
  t.is(count(short, /<circle class="tl-point"/g), 2000 - long.slice(0, 2000).filter((r) => r.rttMs === null).length + 1 /* the legend */, 'below the limit every probe is drawn, with its tooltip');
});
