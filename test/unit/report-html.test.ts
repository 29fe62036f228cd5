// report.html from a constructed run directory (no root needed): every section is there, the FDB
// tables mark what changed, the timeline marks lost probes, the outage and the failover, the page
// fetches nothing and escapes what the evidence says. The real thing, in Chromium, is in
// test/integration/report.test.ts.
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../harness/report/types.js';
import { FAILOVER_TOPOLOGY } from '../helpers/report.js';
import type { HostSnapshot } from '../../harness/probes/snapshot.js';
import type { FdbEntry, LinkInfo } from '../../harness/devices/linux/parse.js';
import type { PingResult } from '../../harness/probes/ping.js';
import type { ProbeRecord } from '../../harness/probes/vip-probe.js';
import { renderRunFiles, readReport, writeReportJson } from '../../harness/report/write.js';
import { diffFdb, nodeFdbRows, unitFdbRows } from '../../harness/report/fdb.js';
import type { UnitFdbRecord, UnitState } from '../../harness/devices/bigip/types.js';
import { loadEvidence } from '../../harness/report/evidence.js';
import { renderHtml } from '../../harness/report/html.js';

const POD_M = '0a:58:0a:d9:00:16';
const POD_W = '0a:58:0a:d9:01:1e';
const BIGIP2 = '02:0f:0a:a9:48:26';

const link = (name: string, mtu: number, extra: Partial<LinkInfo> = {}): LinkInfo => ({ ifindex: 1, name, mtu, mac: '02:00:00:00:00:01', state: 'UP', up: true, flags: ['UP'], ...extra });
const fdb = (mac: string, dev: string, extra: Partial<FdbEntry> = {}): FdbEntry => ({ mac, dev, self: true, permanent: false, static: false, learned: true, state: '', flags: ['self'], ...extra });
const host = (name: string, links: LinkInfo[], entries: FdbEntry[]): HostSnapshot => ({ host: name, links, addrs: [], routes: [], neighbours: [], fdb: entries });
const ping = (from: string, to: string, ok: boolean): PingResult => ({ from, to, size: 56, dontFragment: false, ok, ...(ok ? { rttMs: 0.05 } : {}), detail: ok ? 'reply' : '1 packets transmitted, 0 received, 100% packet loss' });

function makeRun(): { dir: string; report: RunReport; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'overlab-html-'));
  const dir = join(root, 'failover', 'abc123');
  mkdirSync(join(dir, 'evidence'), { recursive: true });
  mkdirSync(join(dir, 'pcaps'), { recursive: true });
  const nodeLinks = [link('eth0', 1500), link('flannel.0', 1400, { kind: 'vxlan', master: 'cni0' }), link('cni0', 1450, { kind: 'bridge' })];
  // Units as their device reports them (UnitState), nodes as the kernel does (HostSnapshot).
  const unit = (fdbRecords: UnitFdbRecord[], status: UnitState['failoverStatus']): UnitState => ({
    unit: 'bigip2',
    failoverStatus: status,
    tunnels: [{ name: 'flannel_vxlan', mac: BIGIP2, key: 0, localAddress: '10.169.72.38', mtu: 1450 }],
    vlans: [{ name: 'underlay', mtu: 1500 }],
    fdb: fdbRecords,
    arp: [],
    selfIps: [],
  });
  const rec = (mac: string, endpoint: string, dynamic = true): UnitFdbRecord => ({ tunnel: 'flannel_vxlan', mac, endpoint, dynamic });
  const before = [host('master', nodeLinks, [fdb('33:33:00:00:00:01', 'eth0', { permanent: true, learned: false }), fdb('02:0f:0a:a9:48:24', 'flannel.0', { self: false, flags: [], master: 'cni0' })])];
  const after = [host('master', nodeLinks, [fdb('33:33:00:00:00:01', 'eth0', { permanent: true, learned: false }), fdb(BIGIP2, 'flannel.0', { self: false, flags: [], master: 'cni0' })])];
  writeFileSync(join(dir, 'evidence', 'snapshot-before.json'), JSON.stringify(before));
  writeFileSync(join(dir, 'evidence', 'snapshot-after.json'), JSON.stringify(after));
  writeFileSync(join(dir, 'evidence', 'units-before.json'), JSON.stringify([unit([rec('02:0f:0a:a9:48:7f', '10.169.72.127', false), rec(POD_W, '10.169.72.127')], 'STANDBY')]));
  writeFileSync(join(dir, 'evidence', 'units-after.json'), JSON.stringify([unit([rec('02:0f:0a:a9:48:7f', '10.169.72.127', false), rec(POD_W, '10.169.72.128'), rec(POD_M, '10.169.72.127')], 'ACTIVE')]));
  writeFileSync(join(dir, 'evidence', 'reachability-before.json'), JSON.stringify({ 'unit-to-pod': [ping('bigip2', '10.217.0.22', true), ping('bigip2', '10.217.1.30', true)] }));
  writeFileSync(join(dir, 'evidence', 'reachability-after.json'), JSON.stringify({ 'unit-to-pod': [ping('bigip2', '10.217.0.22', true), ping('bigip2', '10.217.1.30', false)] }));
  const t0 = 1_795_567_530_000;
  const probes: ProbeRecord[] = Array.from({ length: 60 }, (_, seq) => ({ proto: 'udp' as const, seq, sentAt: t0 + seq * 10, rttMs: seq >= 30 && seq < 34 ? null : 0.4 + (seq % 5) / 10 }));
  probes.push({ proto: 'tcp', seq: 0, sentAt: t0 + 50, rttMs: 1.2, server: 'master/nginx' }, { proto: 'tcp', seq: 1, sentAt: t0 + 320, rttMs: null });
  writeFileSync(join(dir, 'evidence', 'probes.json'), JSON.stringify(probes));
  writeFileSync(
    join(dir, 'evidence', 'failover-outage.json'),
    JSON.stringify({ probesSent: 60, probesLost: 4, lastGoodBefore: t0 + 290, firstGoodAfter: t0 + 340, outageMs: 50, lostInGap: 4, recovered: true, failover: { from: 'bigip1', to: 'bigip2', startedAt: t0 + 295, durationMs: 30 }, intervalMs: 10 }),
  );
  writeFileSync(join(dir, 'evidence', 'pmtu-pod-pod.json'), JSON.stringify([{ ...ping('master.nginx', '10.217.1.30', true), size: 1422, dontFragment: true }, { ...ping('master.nginx', '10.217.1.30', false), size: 1423, dontFragment: true, detail: 'ping: local error: message too long, mtu=1450' }]));
  writeFileSync(join(dir, 'evidence', 'tmsh-after.txt'), 'Net::FDB\nflannel_vxlan  0a:58:0a:d9:00:16  endpoint:10.169.72.127  yes\n');
  writeFileSync(join(dir, 'pcaps', 'master-eth0.pcap'), Buffer.alloc(64));
  writeFileSync(join(dir, 'evidence', 'pcap-master-eth0.json'), JSON.stringify({ packets: 256, vxlanPackets: 200, flows: [{ src: '10.169.72.127', dst: '10.169.72.38', vni: 0, packets: 120 }] }));
  const report: RunReport = {
    schemaVersion: 1,
    scenario: 'failover',
    provider: 'netns',
    runId: 'abc123',
    status: 'failed',
    startedAt: '2026-11-25T00:45:29.926Z',
    durationMs: 2157.7,
    phases: [
      { name: 'boot', durationMs: 82.7, status: 'passed' },
      { name: 'snapshot before', durationMs: 80, status: 'passed' },
      { name: 'failover', durationMs: 30, status: 'passed' },
      { name: 'snapshot after', durationMs: 80, status: 'passed' },
      { name: 'assert', durationMs: 1000, status: 'passed' },
    ],
    topology: FAILOVER_TOPOLOGY,
    assertions: [
      { id: 'mtu', title: 'link MTUs as specified', status: 'failed', expected: '12 links', actual: 'master/flannel.0 mtu 1400 (want 1450)', evidence: ['evidence/snapshot-after.json'] },
      { id: 'failover', title: 'traffic recovers', status: 'failed', expected: 'outage <= 10 ms', actual: 'outage 50 ms <script>alert(1)</script>', evidence: ['evidence/failover-outage.json', 'evidence/probes.json'] },
      { id: 'reachability[unit-to-pod@after]', title: 'unit-to-pod reachability (after)', status: 'failed', expected: '2/2 replies', actual: '1/2 replies', evidence: ['evidence/reachability-after.json'] },
    ],
    metrics: { bootMs: 82.8, failoverOutageMs: 50, probesSent: 60, probesLost: 4, probesLostInGap: 4 },
    artifacts: { pcaps: [{ node: 'master', interface: 'eth0', path: 'pcaps/master-eth0.pcap', packets: 256 }] },
    runDir: dir,
  };
  writeReportJson(dir, report);
  return { dir, report, remove: () => rmSync(root, { recursive: true, force: true }) };
}

test('FDB diff: added, removed and changed entries, keyed the way tmsh and bridge show them', (t) => {
  const rec = (mac: string, endpoint: string, dynamic = true) => ({ tunnel: 'flannel_vxlan', mac, endpoint, dynamic });
  const b = unitFdbRows([rec(POD_W, '10.169.72.127'), rec('02:0f:0a:a9:48:24', '10.169.72.36')]);
  const a = unitFdbRows([rec(POD_W, '10.169.72.128'), rec(POD_M, '10.169.72.127'), rec('02:0f:0a:a9:48:7f', '10.169.72.127', false)]);
  t.deepEqual(a.map((r) => r.cells), [
    ['flannel_vxlan', POD_W, 'endpoint:10.169.72.128', 'yes'],
    ['flannel_vxlan', POD_M, 'endpoint:10.169.72.127', 'yes'],
    ['flannel_vxlan', '02:0f:0a:a9:48:7f', 'endpoint:10.169.72.127%0', 'no'],
  ], 'tmsh shape: a static record carries the route domain, as seed 000 shows');
  const d = diffFdb(b, a);
  t.is(d.added, 2);
  t.is(d.removed, 1);
  t.is(d.changed, 1);
  t.deepEqual(d.after.find((r) => r.change === 'changed')?.was, ['flannel_vxlan', POD_W, 'endpoint:10.169.72.127', 'yes']);
  t.is(d.before.find((r) => r.change === 'removed')?.row.mac, '02:0f:0a:a9:48:24');

  const rows = nodeFdbRows([fdb('33:33:00:00:00:01', 'eth0', { permanent: true }), fdb(BIGIP2, 'flannel.0', { dst: '10.169.72.38', permanent: true, learned: false }), fdb(BIGIP2, 'flannel.0', { self: false, flags: [], master: 'cni0' })]);
  t.deepEqual(rows.map((r) => r.cells), [
    [BIGIP2, 'flannel.0', '10.169.72.38', '', 'self permanent'],
    [BIGIP2, 'flannel.0', '', 'cni0', ''],
  ], 'bridge fdb shape; multicast entries left out; the VTEP entry and the bridge entry are different rows');
  t.is(rows[1]?.hint, 'learned');
});

test('report.html has every section, marks changes, and names its evidence', (t) => {
  const run = makeRun();
  t.teardown(run.remove);
  const report = readReport(run.dir);
  const rendered = renderRunFiles(run.dir, report);
  t.deepEqual(rendered.problems, []);
  t.is(report.artifacts.html, 'report.html');
  t.is(report.artifacts.junit, 'junit.xml');
  const page = readFileSync(join(run.dir, 'report.html'), 'utf8');
  t.regex(page, /^<!DOCTYPE html>/);
  t.regex(page, /<header class="verdict v-failed"/);
  t.regex(page, /3 of 3 assertions failed/);
  for (const id of ['topology', 'assertions', 'timeline', 'fdb', 'reachability', 'mtu', 'captures', 'phases', 'evidence']) t.regex(page, new RegExp(`<section id="${id}">`), id);
  // Topology: the active unit and the VIP on it.
  t.regex(page, /<svg id="topology"/);
  t.regex(page, /data-ha="active" id="tp-unit-bigip2"/);
  t.regex(page, /VIP 10\.1\.10\.100/);
  // Timeline: lost probes, the outage window, the failover moment, TCP marks.
  t.regex(page, /<svg id="failover-timeline"/);
  t.is((page.match(/class="tl-lost"/g) ?? []).length - 2 /* legend + lost TCP */, 4);
  t.regex(page, /id="outage-window"/);
  t.regex(page, /id="failover-moment"/);
  t.regex(page, /outage 50 ms · 4 lost/);
  t.regex(page, /TCP answered by master\/nginx/);
  // FDB: the unit in tmsh shape with an added, a changed entry; the node with added and removed.
  t.regex(page, /id="fdb-bigip2"/);
  t.regex(page, /<th>Tunnel<\/th><th>Mac Address<\/th><th>Member<\/th><th>Dynamic<\/th>/);
  t.regex(page, new RegExp(`<tr class="added"[^>]*><td>flannel_vxlan</td><td>${POD_M}`));
  t.regex(page, /<tr class="changed"[^>]*>.*?was endpoint:10\.169\.72\.127/);
  t.regex(page, /STANDBY at before → ACTIVE at after/);
  t.regex(page, new RegExp(`<tr class="added"[^>]*><td>${BIGIP2}</td><td>flannel.0</td>`));
  t.regex(page, /<tr class="removed"[^>]*><td>02:0f:0a:a9:48:24<\/td>/);
  t.regex(page, /bigip2 tunnel/, 'MACs are named');
  t.regex(page, /1 kernel multicast entries/);
  // Reachability: before and after, the failed cell marked and changed.
  t.regex(page, /<table class="matrix" data-matrix="unit-to-pod" data-label="before">/);
  t.regex(page, /<td class="fail changed" title="bigip2 → 10\.217\.1\.30: 1 packets transmitted/);
  // MTU: the mismatch is red, the path-MTU probe shown.
  t.regex(page, /<span class="mtu-if bad"[^>]*>flannel\.0 <b>1400<\/b> ≠ 1450/);
  t.regex(page, /1 mismatch/);
  t.regex(page, /message too long/);
  // Captures: linked, with the summary.
  t.regex(page, /<a class="file" href="pcaps\/master-eth0\.pcap">/);
  t.regex(page, /id="pcap-master-eth0"/);
  t.regex(page, /10\.169\.72\.38/);
  // Assertions link their evidence; failed first-class.
  t.regex(page, /<tr class="failed" data-status="failed" id="a-failover">/);
  t.regex(page, /<a class="file" href="evidence\/failover-outage\.json">failover-outage\.json<\/a>/);
  t.regex(page, /<svg id="phase-chart"/);
});

test('report.html fetches nothing and escapes what the evidence says', (t) => {
  const run = makeRun();
  t.teardown(run.remove);
  const report = readReport(run.dir);
  const page = renderHtml(report, loadEvidence(run.dir, report));
  t.false(page.includes('<script>alert(1)</script>'));
  t.true(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.is((page.match(/<script>/g) ?? []).length, 1, 'one inline script: the assertion filter');
  t.notRegex(page, /\ssrc=/i);
  t.notRegex(page, /<link\b/i);
  t.notRegex(page, /@import|url\(/i);
  const urls = [...page.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
  t.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'the only absolute URL is the SVG namespace');
  t.regex(page, /Content-Security-Policy" content="default-src 'none'/);
});

test('a run that stopped early still gets a page: the error, what there is, and what could not be read', (t) => {
  const run = makeRun();
  t.teardown(run.remove);
  writeFileSync(join(run.dir, 'evidence', 'probes.json'), '{ not json');
  rmSync(join(run.dir, 'evidence', 'snapshot-after.json'));
  const report: RunReport = { ...run.report, status: 'error', assertions: [], error: { name: 'CommandError', message: 'ip link add failed: <RTNETLINK> File exists' } };
  const page = renderHtml(report, loadEvidence(run.dir, report));
  t.regex(page, /<header class="verdict v-error"/);
  t.regex(page, /CommandError/);
  t.regex(page, /&lt;RTNETLINK&gt; File exists/);
  t.regex(page, /Evidence that could not be read/);
  t.regex(page, /evidence\/probes\.json: /);
  t.notRegex(page, /<svg id="failover-timeline"/);
  t.regex(page, /id="fdb-bigip2"/, 'one snapshot: tables without a diff');
  t.regex(page, /The run stopped before its assertions/);
});
