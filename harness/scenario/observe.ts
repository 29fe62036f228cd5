// Observations a scenario takes at its `snapshot` steps: kernel state of every node and unit (and
// the units' state in tmsh shapes), and the reachability matrices.
import PQueue from 'p-queue';
import type { Plan } from '../plan/types.js';
import type { Provider } from '../providers/types.js';
import type { EvidenceStore } from '../probes/evidence.js';
import { snapshotHost, type HostSnapshot } from '../probes/snapshot.js';
import { pingPairs, type PingResult } from '../probes/ping.js';
import { CLIENT_HOST, podHostId } from '../plan/plan.js';
import { fdbRows, showFailoverStatus, showNetArp, showNetFdb } from '../devices/bigip/tmsh.js';
import { UNIT_EXTERNAL_IF, UNIT_UNDERLAY_IF } from '../devices/bigip/sim.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Observation {
  label: string;
  snapshots: HostSnapshot[];
  matrices: Record<string, PingResult[]>;
  evidence: string[];
}

export async function observe(label: string, plan: Plan, provider: Provider, store: EvidenceStore): Promise<Observation> {
  const topo = plan.topology;
  const queue = new PQueue({ concurrency: 8 });
  const hosts = plan.hosts.filter((h) => h.kind === 'node' || h.kind === 'unit');
  const pods = topo.nodes.flatMap((n) => n.pods.map((p) => ({ node: n, pod: p, host: podHostId(n.name, p.name) })));
  const pairs = (froms: { host: string }[], tos: { ip: string }[]) => froms.flatMap((f) => tos.map((t) => ({ from: f.host, to: t.ip })));
  const pingAll = (list: { from: string; to: string }[]) => pingPairs(list, (h) => provider.node(h), (task) => queue.add(task));

  const podTargets = pods.map((p) => ({ ip: p.pod.ip }));
  const matrices: Record<string, Promise<PingResult[]>> = {
    'pod-to-pod': pingAll(pods.flatMap((a) => pods.filter((b) => b !== a).map((b) => ({ from: a.host, to: b.pod.ip })))),
  };
  if (topo.bigip) {
    matrices['node-to-pod'] = pingAll(pairs(topo.nodes.map((n) => ({ host: n.name })), podTargets));
    matrices['unit-to-pod'] = pingAll(pairs(topo.bigip.units.map((u) => ({ host: u.name })), podTargets));
    matrices['client-to-vip'] = pingAll(topo.bigip.virtualServers.map((v) => ({ from: CLIENT_HOST, to: v.destination })));
  }
  const snapshots = (await Promise.all(hosts.map((h) => queue.add(() => snapshotHost(provider.node(h.id)))))) as HostSnapshot[];
  const done: Record<string, PingResult[]> = {};
  for (const [k, v] of Object.entries(matrices)) done[k] = await v;
  const evidence = [store.write('snapshot', `snapshot-${label}`, snapshots).path, store.write('reachability', `reachability-${label}`, done).path];
  if (topo.bigip) {
    const b = topo.bigip;
    const vips = new Set(b.virtualServers.map((v) => v.destination));
    const vlanOf = (dev: string) => (dev === b.tunnel.name ? b.tunnel.name : dev === UNIT_UNDERLAY_IF ? 'underlay' : dev === UNIT_EXTERNAL_IF ? 'external' : dev);
    const text = b.units
      .map((u) => {
        const s = snapshots.find((x) => x.host === u.name);
        if (!s) return '';
        const active = s.addrs.some((a) => a.addrs.some((x) => vips.has(x.local)));
        return `# ${u.name} (${label})\n${showFailoverStatus(u.name, active)}\n${showNetFdb(fdbRows(b.tunnel.name, s.fdb))}\n${showNetArp(s.neighbours, vlanOf)}`;
      })
      .join('\n');
    const file = join(store.runDir, 'evidence', `tmsh-${label}.txt`);
    writeFileSync(file, text);
    evidence.push(`evidence/tmsh-${label}.txt`);
  }
  return { label, snapshots, matrices: done, evidence };
}

/** The active unit as observed: the one holding a virtual address. */
export function activeUnit(obs: Observation, plan: Plan): string | undefined {
  const vips = new Set(plan.topology.bigip?.virtualServers.map((v) => v.destination) ?? []);
  return plan.topology.bigip?.units.find((u) => obs.snapshots.find((s) => s.host === u.name)?.addrs.some((a) => a.addrs.some((x) => vips.has(x.local))))?.name;
}
