// The assert step: the scenario's checks against what the run observed (snapshots, matrices, the
// units' own state, the probe record, the captures), each with the evidence it read.
import type { AssertionId } from '../../spec/schema.js';
import { timed, type AssertionResult } from '../../assert/types.js';
import type { UnitState } from '../../devices/bigip/types.js';
import { runChecks } from '../checks.js';
import { activeUnit } from '../observe.js';
import { computeOutage } from '../../probes/outage.js';
import { assertFailover, assertNodeLearnedUnit, assertUnitLearnedPods } from '../../assert/bigip.js';
import { assertReachability } from '../../assert/reachability.js';
import { expectedProbes, leftNodes } from '../../assert/departed.js';
import { readCaptures, vxlanDecodePorts } from '../../probes/pcap-evidence.js';
import { assertPcapSizes, assertPcapVxlanHeaders, heldVnis, assertUnitArpFlooded, assertVipTrafficFromUnit } from '../../assert/pcap.js';
import { stopCapturesOf } from './captures.js';
import { listFlannelNodes, round, type StepContext } from './context.js';

export async function assertAll(c: StepContext): Promise<AssertionResult[]> {
  const { plan, spec, state } = c;
  const topo = plan.topology;
  const b = topo.bigip;
  const ids: AssertionId[] = spec.assertions ?? ['reachability', 'mtu', 'pmtu', 'flannel-control-plane'];
  const out: AssertionResult[] = [];
  // With snapshots taken, reachability is judged on their matrices (before and after failover).
  const haveObs = state.observations.length > 0;
  const simple = ids.filter((id) => ['mtu', 'pmtu', 'flannel-control-plane'].includes(id) || (id === 'reachability' && !haveObs));
  const firstRegistry = state.observations[0]?.registry;
  out.push(...(await runChecks(simple, { plan, provider: c.ctx.provider, store: c.store, agent: c.agent, runDir: c.ctx.runDir, runId: c.ctx.runId, units: c.units, firstRegistry })));
  if (ids.includes('reachability') && haveObs) {
    for (const obs of state.observations) {
      // Judged against the nodes flannel's registry listed then: a node that left since the first observation answers nothing.
      const left = leftNodes(topo.nodes, firstRegistry, obs.registry);
      for (const [name, matrix] of Object.entries(obs.matrices)) {
        const { expected, ...departed } = expectedProbes(topo.nodes, left, matrix, obs.units);
        // Its time is the matrix's probes, at the observation: the judging itself is instant.
        out.push({ ...assertReachability(`reachability[${name}@${obs.label}]`, `${name} reachability (${obs.label})`, expected, obs.evidence, departed), durationMs: obs.matrixMs?.[name] ?? 0 });
      }
    }
  }
  const after = state.observations[state.observations.length - 1];
  if (b && ids.includes('fdb-learning') && after) {
    // Judged on the unit that should be active (the failover's target, or the boot-time one), and
    // only if that unit itself says it is ACTIVE: otherwise there is no active state to judge.
    const active = state.failover?.to ?? b.active;
    // Its state after the observation's own probes: what it learned from its traffic after the failover.
    const activeState = activeUnit(after) === active ? (after.activeAfterProbes.find((u) => u.unit === active) ?? after.units.find((u) => u.unit === active)) : undefined;
    const served = b.virtualServers.flatMap((v) => v.pool.map((m) => `${m.node}/${m.pod}`));
    const servingNodes = [...new Set(b.virtualServers.flatMap((v) => v.pool.map((m) => m.node)))];
    out.push(...(await timed(async () => [assertUnitLearnedPods(topo, active, activeState, served, after.evidence), ...servingNodes.map((node) => assertNodeLearnedUnit(topo, node, activeState, after.snapshots, after.evidence, active))])));
  }
  const failover = state.failover;
  if (b && ids.includes('failover') && failover) {
    const t0 = performance.now();
    const interval = spec.traffic?.intervalMs ?? 10;
    const outage = computeOutage(state.probeRecords, failover.startedAt, interval);
    // "Never recovered" is its own field (the report's failover.recovered), not a magic outage value.
    c.state.failoverOutcome = { recovered: outage.recovered && outage.outageMs !== undefined, ...(outage.outageMs !== undefined ? { outageMs: round(outage.outageMs) } : {}) };
    if (outage.outageMs !== undefined) c.metrics.failoverOutageMs = round(outage.outageMs);
    c.metrics.probesSent = outage.probesSent;
    c.metrics.probesLost = outage.probesLost;
    c.metrics.probesLostInGap = outage.lostInGap;
    const outageEv = c.store.write('outage', 'failover-outage', { ...outage, failover, intervalMs: interval });
    const servedAfter = state.probeRecords.filter((r) => r.proto === 'tcp' && r.sentAt > (outage.firstGoodAfter ?? Infinity) && r.server).map((r) => r.server!);
    out.push({ ...assertFailover(outage, spec.failover?.maxOutageMs ?? 1000, after ? activeUnit(after) : undefined, failover.to, servedAfter, [outageEv.path, 'evidence/probes.json']), durationMs: round(performance.now() - t0) });
  }
  // The capture ends after the probes of the assertions above and before anything reads it.
  await stopCapturesOf(c);
  if (ids.includes('pcap') && state.pcaps?.length) out.push(...(await timed(() => pcapAssertions(c))));
  return out;
}

async function pcapAssertions(c: StepContext): Promise<AssertionResult[]> {
  const { plan, state } = c;
  const topo = plan.topology;
  const b = topo.bigip;
  const vs = b?.virtualServers[0];
  const ports = [...new Set([topo.flannel.port, ...(b ? [b.profile.port] : [])])];
  const pcaps = await readCaptures(c.ctx.runDir, state.pcaps ?? [], c.store, vxlanDecodePorts(ports), vs ? { podIps: vs.pool.map((m) => m.ip), udpPort: vs.udpPort } : undefined);
  for (const p of pcaps) {
    p.artifact.summary = p.evidencePath;
    p.artifact.flows = p.summary.flows.map((f) => ({ src: f.src, dst: f.dst, packets: f.packets, bytes: f.bytes, vnis: f.vnis }));
  }
  const held = heldVnis(topo, state.observations.flatMap((o) => o.snapshots), state.observations.flatMap((o) => o.units));
  const out = [assertPcapVxlanHeaders(topo, pcaps, held), assertPcapSizes(topo, pcaps)];
  if (b) {
    // Who must see a unit's flooded ARP: the flannel registry's nodes (not its units), by underlay address.
    const leases = await listFlannelNodes(c);
    const flannelNodes = topo.nodes.filter((n) => leases.some((l) => l.publicIp === n.underlayIp)).map((n) => ({ node: n.name, publicIp: n.underlayIp }));
    const states = await unitStates(c);
    const flooded = (unit: string) => assertUnitArpFlooded(unit, identityOf(states.filter((s) => s.unit === unit), b.tunnel.name), flannelNodes, pcaps);
    out.push(flooded(b.active));
    if (state.failover) {
      out.push(flooded(state.failover.to));
      // The MAC from the unit's own state; the outer source the nodes' FDB points at, from the
      // flannel registry's lease for the unit (not the tunnel's configured local address).
      const to = states.filter((s) => s.unit === state.failover!.to).flatMap((s) => s.tunnels).find((t) => t.name === b.tunnel.name);
      const unit = topo.bigip!.units.find((u) => u.name === state.failover!.to);
      const lease = unit?.flannelNode ? leases.find((l) => l.subnet === unit.flannelNode!.podCidr) : undefined;
      const sender = to ? { mac: to.mac, address: lease?.publicIp ?? to.localAddress ?? unit?.underlayIp ?? '?' } : undefined;
      out.push(assertVipTrafficFromUnit(topo, state.failover.to, state.failover.startedAt, state.failover.durationMs + 50, pcaps, sender));
    }
  }
  return out;
}

/** Every state the units showed at the run's observations, or their state read now. */
async function unitStates(c: StepContext): Promise<UnitState[]> {
  const seen = c.state.observations.flatMap((o) => o.units);
  if (seen.length) return seen;
  return Promise.all((c.plan.topology.bigip?.units ?? []).map(async (u) => (await c.units!.observe(u.name)).state));
}

/** A unit's tunnel MAC and every self IP it held on the tunnel (a floating one while active), as the unit showed them. */
function identityOf(states: readonly UnitState[], tunnel: string): { mac: string; ips: string[] } {
  const mac = states.flatMap((s) => s.tunnels).find((t) => t.name === tunnel)?.mac ?? '(no tunnel)';
  const ips = [...new Set(states.flatMap((s) => s.selfIps.filter((x) => x.vlan === tunnel).map((x) => x.address.split('/')[0]!)))];
  return { mac, ips };
}
