// Observations a scenario takes at its `snapshot` steps: the nodes' kernel state, each unit's own
// state through its BIG-IP device (with the tmsh text it was read as), then the reachability
// matrices. State is read before any probe runs, so a snapshot shows what the traffic of the run
// taught each host, never what the snapshot's own pings did; and only the active unit probes the
// pods: a standby carries no traffic, and pinging from it would teach it the pods' MACs before
// any failover could. The flannel nodes the agent's registry lists are read with the state: the
// reachability checks judge each observation against the nodes there were then (a node that left
// is not expected to answer, assert/departed.ts).
import { podPairs } from '../probes/pod-pairs.js';
import PQueue from 'p-queue';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../plan/types.js';
import type { Transport } from '../providers/types.js';
import type { EvidenceStore } from '../probes/evidence.js';
import type { BigipPair, UnitState } from '../devices/bigip/types.js';
import type { FlannelLease } from '../overlay/flannel/types.js';
import { snapshotHost, type HostSnapshot } from '../probes/snapshot.js';
import { pingPairs, type PingResult } from '../probes/ping.js';
import { probeVip } from '../probes/vip-reach.js';
import { CLIENT_HOST, podHostId } from '../plan/plan.js';

export interface Observation {
  label: string;
  /** The nodes' kernel state (ip -j, bridge -j). */
  snapshots: HostSnapshot[];
  /** Each unit's state as the unit shows it, read before any probe of the observation. */
  units: UnitState[];
  /**
   * The ACTIVE units read again after the observation's probes: what they learned from their own
   * traffic by then (the fdb-learning check's view; `units` stays the before-probes view).
   */
  activeAfterProbes: UnitState[];
  matrices: Record<string, PingResult[]>;
  /** How long each matrix's probes took, in ms (the reachability checks' own time). */
  matrixMs: Record<string, number>;
  /** The flannel nodes the agent's registry listed, read with the state. */
  registry: FlannelLease[];
  evidence: string[];
}

export async function observe(label: string, plan: Plan, provider: Transport, store: EvidenceStore, listNodes: () => Promise<FlannelLease[]>, pair?: BigipPair): Promise<Observation> {
  const topo = plan.topology;
  const queue = new PQueue({ concurrency: 8 });
  const nodes = plan.hosts.filter((h) => h.kind === 'node');
  const [snapshots, unitObs, registry] = await Promise.all([
    Promise.all(nodes.map((h) => queue.add(() => snapshotHost(provider.node(h.id))))) as Promise<HostSnapshot[]>,
    Promise.all((topo.bigip?.units ?? []).map((u) => queue.add(() => pair!.observe(u.name)))),
    listNodes(),
  ]);
  const units = unitObs.map((o) => o!.state);

  const pods = topo.nodes.flatMap((n) => n.pods.map((p) => ({ host: podHostId(n.name, p.name), ip: p.ip, node: n.name, pod: p.name })));
  const pingAll = (list: { from: string; to: string }[]) => pingPairs(list, (h) => provider.node(h), (task) => queue.add(task), provider.localArgv && ((h, argv) => provider.localArgv!(h, argv)));
  const t0 = performance.now();
  const matrices: Record<string, Promise<PingResult[]>> = {
    'pod-to-pod': pingAll(podPairs(pods, topo).pairs.map(({ a, b }) => ({ from: a.host, to: b.ip }))),
  };
  if (topo.bigip && pair) {
    matrices['node-to-pod'] = pingAll(topo.nodes.flatMap((n) => pods.map((p) => ({ from: n.name, to: p.ip }))));
    const active = units.filter((u) => u.failoverStatus === 'ACTIVE').map((u) => u.unit);
    matrices['unit-to-pod'] = Promise.all(active.map((u) => queue.add(() => pair.reach(u, pods.map((p) => p.ip))))).then((r) => r.flatMap((x) => x ?? []));
    // Through each virtual server to its pool (TCP and UDP), answered by a pod: not an ICMP echo the unit answers itself.
    const client = provider.node(CLIENT_HOST);
    const targets = topo.bigip.virtualServers.map((v) => ({ vip: v.destination, tcpPort: v.tcpPort, udpPort: v.udpPort, members: v.pool.map((m) => `${m.node}/${m.pod}`) }));
    matrices['client-to-vip'] = queue.add(async () => (await Promise.all(targets.map((t) => probeVip(client, t)))).flat()) as Promise<PingResult[]>;
  }
  const done: Record<string, PingResult[]> = {};
  const matrixMs: Record<string, number> = {};
  // Each matrix's time from the start of the probes to its last answer (they share the queue).
  const timedMatrices = Object.entries(matrices).map(([k, v]) => v.then((r) => ((matrixMs[k] = Math.round((performance.now() - t0) * 10) / 10), r)));
  for (const [i, k] of Object.keys(matrices).entries()) done[k] = await timedMatrices[i]!;
  const activeNow = units.filter((u) => u.failoverStatus === 'ACTIVE').map((u) => u.unit);
  const activeAfterProbes = pair ? await Promise.all(activeNow.map(async (u) => (await pair.observe(u)).state)) : [];
  const evidence = [store.write('snapshot', `snapshot-${label}`, snapshots).path];
  if (topo.bigip) {
    evidence.push(store.write('units', `units-${label}`, units).path);
    if (activeAfterProbes.length) evidence.push(store.write('units', `units-${label}-probed`, activeAfterProbes).path);
    const text = unitObs.map((o) => `# ${o!.state.unit} (${label})\n${o!.tmsh}`).join('\n');
    writeFileSync(join(store.runDir, 'evidence', `tmsh-${label}.txt`), text);
    evidence.push(`evidence/tmsh-${label}.txt`);
  }
  evidence.splice(1, 0, store.write('reachability', `reachability-${label}`, done).path);
  evidence.push(store.write('flannel-registry', `flannel-registry-${label}`, registry).path);
  return { label, snapshots, units, activeAfterProbes, matrices: done, matrixMs, registry, evidence };
}

/** The active unit as each unit reports it (`show cm failover-status`). */
export function activeUnit(obs: Pick<Observation, 'units'>): string | undefined {
  return obs.units.find((u) => u.failoverStatus === 'ACTIVE')?.unit;
}
