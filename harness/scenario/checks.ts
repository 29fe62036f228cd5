// The scenario's assertions: run the probes each one needs, keep the evidence, judge.
import { podPairs } from '../probes/pod-pairs.js';
import PQueue from 'p-queue';
import type { Plan } from '../plan/types.js';
import type { Transport } from '../providers/types.js';
import type { AssertionId } from '../spec/schema.js';
import type { EvidenceStore } from '../probes/evidence.js';
import { snapshotHost, type HostSnapshot } from '../probes/snapshot.js';
import { ping, pingPairs } from '../probes/ping.js';
import { assertReachability } from '../assert/reachability.js';
import { assertLinkMtus, assertPathMtu, type ExpectedMtu } from '../assert/mtu.js';
import { assertFlannelState, expectedFromRegistry } from '../assert/control-plane.js';
import { timed, type AssertionResult } from '../assert/types.js';
import type { BigipPair, UnitState } from '../devices/bigip/types.js';
import type { FlannelAgent, FlannelLease } from '../overlay/flannel/types.js';
import { CNI_BRIDGE, POD_IF, UNDERLAY_IF, podHostId } from '../plan/plan.js';
import { flannelDevice, type NodeTopology, type Topology } from '../spec/topology.js';
import { leftNodes } from '../assert/departed.js';

/** ICMP echo over IPv4: 20 bytes of IP header and 8 of ICMP before the payload. */
const ICMP_OVERHEAD = 28;

export interface CheckContext {
  plan: Plan;
  provider: Transport;
  store: EvidenceStore;
  agent: FlannelAgent;
  runDir: string;
  runId: string;
  units?: BigipPair;
  /** The flannel nodes the registry listed at the run's first observation (who can have left since). */
  firstRegistry?: readonly FlannelLease[];
}

/**
 * The node's VTEP as its own lease says: flanneld publishes the VNI it runs with there, and names
 * the device after it (a VNI changed at runtime is a new device). Without a lease, the scenario's.
 */
function vtepOf(topo: Topology, node: NodeTopology, leases: readonly FlannelLease[]): { device: string; vni: number } {
  const own = leases.find((l) => l.subnet === node.podCidr);
  return own ? { device: flannelDevice(own.vni), vni: own.vni } : { device: topo.flannel.device, vni: topo.flannel.vni };
}

export async function runChecks(ids: readonly AssertionId[], c: CheckContext): Promise<AssertionResult[]> {
  const { plan, provider, store } = c;
  const topo = plan.topology;
  const queue = new PQueue({ concurrency: 8 });
  let snapshots: Promise<{ snaps: HostSnapshot[]; units: UnitState[]; paths: string[] }> | undefined;
  const snapshotAll = () =>
    (snapshots ??= (async () => {
      const hosts = plan.hosts.filter((h) => h.kind === 'node' || h.kind === 'pod');
      const [snaps, units] = await Promise.all([
        Promise.all(hosts.map((h) => queue.add(() => snapshotHost(provider.node(h.id), { fdb: h.kind !== 'pod' })))),
        Promise.all((topo.bigip?.units ?? []).map((u) => queue.add(async () => (await c.units!.observe(u.name)).state))),
      ]);
      const paths = [store.write('snapshot', 'snapshots', snaps).path, ...(topo.bigip ? [store.write('units', 'units', units).path] : [])];
      return { snaps: snaps as HostSnapshot[], units: units as UnitState[], paths };
    })());
  let listed: Promise<{ leases: FlannelLease[]; path: string }> | undefined;
  const registry = () =>
    (listed ??= c.agent.listNodes({ runDir: c.runDir, runId: c.runId, node: (h) => c.provider.node(h) }).then((leases) => ({ leases, path: store.write('flannel-registry', 'flannel-registry', leases).path })));

  const pods = topo.nodes.flatMap((n) => n.pods.map((p) => ({ node: n, pod: p, host: podHostId(n.name, p.name) })));

  // Checks run concurrently (their probes share the queue); results keep the scenario's order.
  const perCheck = await Promise.all(ids.map((id) => timed(() => runCheck(id))));
  return perCheck.flat();

  async function runCheck(id: AssertionId): Promise<AssertionResult[]> {
    const results: AssertionResult[] = [];
    switch (id) {
      case 'reachability': {
        const { pairs, sample } = podPairs(pods.map((p) => ({ ...p, node: p.node.name, pod: p.pod.name, ip: p.pod.ip })), topo);
        const matrix = await pingPairs(pairs.map(({ a, b }) => ({ from: a.host, to: b.ip })), (h) => provider.node(h), (task) => queue.add(task), provider.localArgv && ((h, argv) => provider.localArgv!(h, argv)));
        const ev = store.write('reachability', 'reachability-pods', matrix);
        results.push(assertReachability('reachability', `pod-to-pod reachability, across and within nodes${sample ? ` (${sample})` : ''}`, matrix, [ev.path]));
        break;
      }
      case 'mtu': {
        const { leases, path: registryPath } = await registry();
        const expected: ExpectedMtu[] = topo.nodes.flatMap((n) => [
          { host: n.name, ifname: UNDERLAY_IF, mtu: topo.underlay.mtu },
          { host: n.name, ifname: vtepOf(topo, n, leases).device, mtu: topo.flannel.mtu },
          { host: n.name, ifname: CNI_BRIDGE, mtu: topo.flannel.mtu },
          ...n.pods.map((p) => ({ host: podHostId(n.name, p.name), ifname: POD_IF, mtu: p.mtu })),
        ]);
        const { snaps, units, paths } = await snapshotAll();
        // A unit's interfaces as its device reports them: the underlay VLAN and the tunnel.
        const unitLinks = units.map((u) => ({ host: u.unit, links: [...u.vlans.map((v) => ({ name: v.name, mtu: v.mtu })), ...u.tunnels.map((t) => ({ name: t.name, mtu: t.mtu ?? 0 }))] }));
        for (const u of topo.bigip?.units ?? []) expected.push({ host: u.name, ifname: 'underlay', mtu: topo.underlay.mtu }, { host: u.name, ifname: topo.bigip!.tunnel.name, mtu: topo.bigip!.tunnel.mtu });
        results.push(assertLinkMtus(expected, [...snaps, ...unitLinks], [...paths, registryPath]));
        break;
      }
      case 'pmtu': {
        const from = pods[0];
        const to = pods.find((p) => p.node !== from?.node);
        if (!from || !to) break;
        const fitting = Math.min(from.pod.mtu, to.pod.mtu, topo.flannel.mtu) - ICMP_OVERHEAD;
        const node = provider.node(from.host);
        const fits = await ping(node, to.pod.ip, { size: fitting, dontFragment: true });
        // Too big fails fast (a local error or an ICMP from the path); a silent drop waits 0.5 s.
        const tooBig = await ping(node, to.pod.ip, { size: fitting + 1, dontFragment: true, timeoutS: 0.5 });
        const ev = store.write('pmtu', 'pmtu-pod-pod', [fits, tooBig]);
        results.push(assertPathMtu('pmtu', `largest DF ping crosses the overlay ${from.host} -> ${to.host}`, fits, tooBig, [ev.path]));
        // From a pod to each unit's tunnel self IP: the pod's reply path through the unit's flannel node.
        for (const u of topo.bigip?.units ?? []) {
          const size = Math.min(from.pod.mtu, topo.bigip!.tunnel.mtu) - ICMP_OVERHEAD;
          const [ok, big] = await Promise.all([
            ping(node, u.tunnelIp, { size, dontFragment: true }),
            ping(node, u.tunnelIp, { size: size + 1, dontFragment: true, timeoutS: 0.5 }),
          ]);
          const evU = store.write('pmtu', `pmtu-pod-${u.name}`, [ok, big]);
          results.push(assertPathMtu(`pmtu[${u.name}]`, `largest DF ping crosses ${from.host} -> ${u.name} tunnel self IP ${u.tunnelIp}`, ok, big, [evU.path]));
        }
        break;
      }
      case 'flannel-control-plane': {
        const [{ snaps, paths }, { leases, path: registryPath }] = await Promise.all([snapshotAll(), registry()]);
        // A node that left the registry is no flannel node any more: nothing of flannel's to judge on it.
        const left = new Set(leftNodes(topo.nodes, c.firstRegistry, leases).map((n) => n.name));
        for (const n of topo.nodes.filter((x) => !left.has(x.name))) {
          const snap = snaps.find((s) => s.host === n.name);
          if (!snap) continue;
          // The node's own lease says which VTEP it runs, where and with what MAC; the others what it must program.
          const own = leases.find((l) => l.subnet === n.podCidr);
          const vtep = vtepOf(topo, n, leases);
          results.push(
            assertFlannelState(
              n.name,
              {
                ...vtep,
                port: topo.flannel.port,
                local: own?.publicIp ?? `(no lease for ${n.podCidr} in the registry)`,
                learning: topo.flannel.learning,
                mtu: topo.flannel.mtu,
                master: topo.flannel.bridged ? CNI_BRIDGE : undefined,
                ...(own ? { mac: own.vtepMac } : {}),
              },
              expectedFromRegistry(n.podCidr, leases, vtep.device),
              snap,
              [...paths, registryPath],
            ),
          );
        }
        break;
      }
    }
    return results;
  }
}
