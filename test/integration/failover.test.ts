// Runs the failover scenario and checks, on its own, what the kernel holds afterwards: bigip2
// learned the pods' own MACs toward their node VTEPs (bridge -j fdb), the VIP moved from bigip1
// to bigip2 (ip -j addr), and the nodes' cni0 learned bigip2's tunnel MAC on flannel.0.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { runScenario } from '../../harness/scenario/run.js';
import { findRun } from '../../harness/core/registry.js';
import { closeRun } from '../../harness/core/run-context.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { createProvider } from '../../harness/providers/registry.js';
import { rootTest } from './_env.js';


function ipJson<T>(ns: string, ...args: string[]): T {
  return JSON.parse(execFileSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8' })) as T;
}
function fdbJson(ns: string, dev: string): { mac: string; dst?: string; state?: string; flags?: string[]; master?: string; ifname?: string }[] {
  return JSON.parse(execFileSync('bridge', ['-n', ns, '-j', 'fdb', 'show', 'dev', dev], { encoding: 'utf8' }));
}

rootTest('failover: bigip2 learns pod MACs, the VIP moves, nodes learn bigip2, and nothing is left', async (t) => {
  const spec = loadScenario('failover');
  const report = await runScenario(spec, { skipTeardown: true });
  const record = findRun(report.runId);
  t.truthy(record, 'the run is registered while it is up');
  const hosts = record!.hosts;
  try {
    t.is(report.status, 'passed', JSON.stringify(report.assertions.filter((a) => a.status === 'failed')));
    t.true((report.metrics.failoverOutageMs ?? -1) >= 0 && (report.metrics.failoverOutageMs ?? 9999) <= 1000, `outage ${report.metrics.failoverOutageMs}`);

    // The VIP lives on bigip2's external interface now, and no longer on bigip1's.
    type Addr = { ifname: string; addr_info: { local: string }[] };
    const has = (ns: string, ip: string) => ipJson<Addr[]>(ns, 'addr', 'show').some((l) => l.addr_info.some((a) => a.local === ip));
    t.true(has(hosts['bigip2']!, '10.1.10.100'), 'bigip2 holds the VIP');
    t.false(has(hosts['bigip1']!, '10.1.10.100'), 'bigip1 released the VIP');

    // bigip2 learned each pod's own MAC (0a:58:<pod ip>) toward the pod's node VTEP: not permanent.
    const unitFdb = fdbJson(hosts['bigip2']!, 'flannel_vxlan');
    for (const [mac, dst] of [['0a:58:0a:d9:00:16', '10.169.72.127'], ['0a:58:0a:d9:01:1e', '10.169.72.128']] as const) {
      const e = unitFdb.find((f) => f.mac === mac);
      t.truthy(e, `bigip2 has an FDB entry for ${mac}`);
      t.is(e?.dst, dst);
      t.not(e?.state, 'permanent', `${mac} was learned, not configured`);
    }
    // No static pod ARP on the unit: its neighbour entries for the pods are dynamic, with the pods' own MACs.
    type Neigh = { dst: string; lladdr?: string; state: string[] };
    const arp = ipJson<Neigh[]>(hosts['bigip2']!, 'neigh', 'show', 'dev', 'flannel_vxlan');
    const podArp = arp.find((n) => n.dst === '10.217.0.22');
    t.is(podArp?.lladdr, '0a:58:0a:d9:00:16');
    t.false(podArp?.state.includes('PERMANENT') ?? true);

    // Each node's cni0 learned bigip2's tunnel MAC on its flannel.0 port; flannel.0 sends it to .38.
    for (const node of ['master', 'worker']) {
      const all = JSON.parse(execFileSync('bridge', ['-n', hosts[node]!, '-j', 'fdb', 'show'], { encoding: 'utf8' })) as { mac: string; ifname?: string; master?: string; dst?: string; flags?: string[] }[];
      const bigip2Mac = '0e:0f:0a:a9:48:26';
      t.truthy(all.find((f) => f.mac === bigip2Mac && f.master === 'cni0' && f.ifname === 'flannel.0'), `${node}: cni0 learned bigip2 on flannel.0`);
      t.truthy(all.find((f) => f.mac === bigip2Mac && f.ifname === 'flannel.0' && f.dst === '10.169.72.38'), `${node}: flannel.0 sends bigip2's MAC to 10.169.72.38`);
    }
  } finally {
    const provider = createProvider('netns', { runId: report.runId, ledger: new ResourceLedger(report.runDir) });
    await closeRun({ runId: report.runId, ledger: new ResourceLedger(report.runDir), provider });
  }
  // Nothing of the run is left: no namespace, no process inside one.
  const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`ol-${report.runId}`));
  t.deepEqual(left, []);
  t.false(existsSync(`/run/netns/ol-${report.runId}`));
}, { serial: true });
