// The steps a scenario file lists: boot, configure, traffic-start, warmup, snapshot, failover,
// converge, traffic-stop, assert (teardown is handled by the runner).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioSpec, StepSpec, AssertionId } from '../spec/schema.js';
import type { Plan } from '../plan/types.js';
import type { RunContext } from '../core/run-context.js';
import type { EvidenceStore } from '../probes/evidence.js';
import type { ManagedProcess } from '../providers/types.js';
import type { AssertionResult } from '../assert/types.js';
import type { ProbeRecord } from '../probes/vip-probe.js';
import { executePlan } from '../plan/execute.js';
import { delay, waitFor } from '../core/wait.js';
import { failover, type FailoverTiming } from '../actions/failover.js';
import { observe, activeUnit, type Observation } from './observe.js';
import { runChecks } from './checks.js';
import { CLIENT_HOST, UNDERLAY_IF } from '../plan/plan.js';
import { startCaptures, stopCaptures, type CaptureTarget, type RunningCapture } from '../probes/capture.js';
import type { PcapArtifact } from '../report/types.js';
import { computeOutage } from '../probes/outage.js';
import { assertFailover, assertNodeLearnedUnit, assertUnitLearnedPods } from '../assert/bigip.js';
import { assertReachability } from '../assert/reachability.js';
import { HarnessError } from '../core/errors.js';
import { readCaptures } from '../probes/pcap-evidence.js';
import { assertPcapSizes, assertPcapVxlanHeaders, assertUnitArpFlooded, assertVipTrafficFromUnit } from '../assert/pcap.js';

export interface StepState {
  captures?: RunningCapture[];
  pcaps?: PcapArtifact[];
  probe?: ManagedProcess;
  probeFile?: string;
  /** Copies probeFile out of the client (providers with HostFiles). */
  probeFetch?: () => Promise<void>;
  replies?: { seq: number; sentAt: number }[];
  failover?: FailoverTiming;
  observations: Observation[];
  probeRecords: ProbeRecord[];
}

export interface StepContext {
  ctx: RunContext;
  plan: Plan;
  spec: ScenarioSpec;
  store: EvidenceStore;
  state: StepState;
  metrics: Record<string, number>;
  started: number;
  assertions: AssertionResult[];
  onAssertion?: (a: AssertionResult) => void;
}

const PROBE_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'probes', 'vip-probe.js');

export function stepName(step: StepSpec): string {
  if (typeof step === 'string') return step;
  if ('warmup' in step) return `warmup ${step.warmup} ms`;
  if ('snapshot' in step) return `snapshot ${step.snapshot}`;
  return 'converge';
}

export async function runStep(step: StepSpec, c: StepContext): Promise<void> {
  const { ctx, plan, state } = c;
  const b = plan.topology.bigip;
  if (step === 'boot') {
    await executePlan(plan, ctx.provider, { signal: ctx.signal, phases: ['boot'] });
    c.metrics.bootMs = round(performance.now() - c.started);
  } else if (step === 'configure') {
    const timings = await executePlan(plan, ctx.provider, { signal: ctx.signal, phases: ['configure', 'ready'] });
    const ready = timings.find((t) => t.id === 'ready');
    if (ready) c.metrics.readyProbeMs = round(ready.durationMs);
    c.metrics.testbedReadyMs = round(performance.now() - c.started);
    if (c.spec.capture?.enabled !== false) {
      const t0 = performance.now();
      state.captures = await startCaptures(ctx.provider, ctx.runDir, captureTargets(plan, c.spec), c.spec.capture?.maxPackets ?? 200000, ctx.signal);
      c.metrics.captureStartMs = round(performance.now() - t0);
    }
  } else if (step === 'traffic-start') {
    const vs = b?.virtualServers[0];
    if (!b || !vs) throw new HarnessError('traffic-start needs a bigip section with a virtual server');
    const t = c.spec.traffic ?? { intervalMs: 10 };
    state.probeFile = join(ctx.runDir, 'evidence', 'probes.json');
    state.replies = [];
    // A container writes the record inside itself; traffic-stop copies it out (HostFiles).
    const probeOut = ctx.provider.files?.pathIn(CLIENT_HOST, state.probeFile) ?? state.probeFile;
    state.probeFetch = ctx.provider.files && (() => ctx.provider.files!.fetch(CLIENT_HOST, probeOut, state.probeFile!));
    const argv = [process.execPath, PROBE_SCRIPT, vs.destination, String(vs.udpPort), String(t.intervalMs), String(vs.tcpPort), String(t.tcpIntervalMs ?? 100), probeOut];
    state.probe = ctx.provider.spawn(CLIENT_HOST, argv, { captureStdout: true });
    state.probe.onLine((line) => {
      const [tag, seq, sentAt] = line.split(' ');
      if (tag === 'R') state.replies!.push({ seq: Number(seq), sentAt: Number(sentAt) });
    });
    // Traffic is "started" when the first probe has come back through the virtual server.
    await waitFor(`a first UDP reply through ${vs.destination}:${vs.udpPort}`, async () => ({ ok: state.replies!.length > 0, seen: `${state.replies!.length} replies` }), {
      timeoutMs: 3000,
      intervalMs: 5,
      signal: ctx.signal,
    }).catch(() => undefined); // no reply is a finding for the assertions, not a harness error
  } else if (typeof step === 'object' && 'warmup' in step) {
    await delay(step.warmup, ctx.signal);
  } else if (typeof step === 'object' && 'snapshot' in step) {
    state.observations.push(await observe(step.snapshot, plan, ctx.provider, c.store));
  } else if (step === 'failover') {
    if (!b) throw new HarnessError('failover needs a bigip section');
    const before = state.observations[state.observations.length - 1];
    const active = (before && activeUnit(before, plan)) ?? b.active;
    state.failover = await failover(ctx.provider, b, active);
    c.metrics.failoverCommandMs = round(state.failover.durationMs);
  } else if (typeof step === 'object' && 'converge' in step) {
    const at = state.failover?.startedAt ?? 0;
    const t0 = performance.now();
    await waitFor('a UDP reply through the VIP to a probe sent after the failover', async () => ({ ok: (state.replies ?? []).some((r) => r.sentAt > at), seen: `${state.replies?.length ?? 0} replies in all` }), {
      timeoutMs: step.converge.timeoutMs,
      intervalMs: 5,
      signal: ctx.signal,
    }).catch(() => undefined);
    c.metrics.convergeWaitMs = round(performance.now() - t0);
  } else if (step === 'traffic-stop') {
    if (state.probe) {
      await state.probe.stop('SIGTERM', 2000);
      state.probe = undefined;
      await state.probeFetch?.();
      state.probeRecords = JSON.parse(readFileSync(state.probeFile!, 'utf8')) as ProbeRecord[];
    }
  } else if (step === 'assert') {
    const results = await assertAll(c);
    for (const r of results) {
      c.assertions.push(r);
      c.onAssertion?.(r);
    }
  }
}

async function assertAll(c: StepContext): Promise<AssertionResult[]> {
  const { plan, spec, state } = c;
  const topo = plan.topology;
  const b = topo.bigip;
  const ids: AssertionId[] = spec.assertions ?? ['reachability', 'mtu', 'pmtu', 'flannel-control-plane'];
  const out: AssertionResult[] = [];
  // With snapshots taken, reachability is judged on their matrices (before and after failover).
  const haveObs = state.observations.length > 0;
  const simple = ids.filter((id) => ['mtu', 'pmtu', 'flannel-control-plane'].includes(id) || (id === 'reachability' && !haveObs));
  out.push(...(await runChecks(simple, plan, c.ctx.provider, c.store)));
  if (ids.includes('reachability') && haveObs) {
    for (const obs of state.observations) {
      for (const [name, matrix] of Object.entries(obs.matrices)) {
        out.push(assertReachability(`reachability[${name}@${obs.label}]`, `${name} reachability (${obs.label})`, matrix, obs.evidence));
      }
    }
  }
  const after = state.observations[state.observations.length - 1];
  if (b && ids.includes('fdb-learning') && after) {
    const active = activeUnit(after, plan) ?? b.active;
    const served = b.virtualServers.flatMap((v) => v.pool.map((m) => `${m.node}/${m.pod}`));
    out.push(assertUnitLearnedPods(topo, active, served, after.snapshots, after.evidence));
    const servingNodes = [...new Set(b.virtualServers.flatMap((v) => v.pool.map((m) => m.node)))];
    for (const node of servingNodes) out.push(assertNodeLearnedUnit(topo, node, active, after.snapshots, after.evidence));
  }
  if (b && ids.includes('failover') && state.failover) {
    const interval = spec.traffic?.intervalMs ?? 10;
    const outage = computeOutage(state.probeRecords, state.failover.startedAt, interval);
    c.metrics.failoverOutageMs = round(outage.outageMs ?? -1);
    c.metrics.probesSent = outage.probesSent;
    c.metrics.probesLost = outage.probesLost;
    c.metrics.probesLostInGap = outage.lostInGap;
    const outageEv = c.store.write('outage', 'failover-outage', { ...outage, failover: state.failover, intervalMs: interval });
    const servedAfter = state.probeRecords.filter((r) => r.proto === 'tcp' && r.sentAt > (outage.firstGoodAfter ?? Infinity) && r.server).map((r) => r.server!);
    out.push(assertFailover(outage, spec.failover?.maxOutageMs ?? 1000, after ? activeUnit(after, plan) : undefined, state.failover.to, servedAfter, [outageEv.path, 'evidence/probes.json']));
  }
  // The capture ends after the probes of the assertions above and before anything reads it.
  await stopCapturesOf(c);
  if (ids.includes('pcap') && state.pcaps?.length) out.push(...(await pcapAssertions(c)));
  return out;
}

async function pcapAssertions(c: StepContext): Promise<AssertionResult[]> {
  const { plan, state } = c;
  const topo = plan.topology;
  const b = topo.bigip;
  const vs = b?.virtualServers[0];
  const ports = [...new Set([topo.flannel.port, ...(b ? [b.profile.port] : [])])];
  const pcaps = await readCaptures(c.ctx.runDir, state.pcaps ?? [], c.store, ports, vs ? { podIps: vs.pool.map((m) => m.ip), udpPort: vs.udpPort } : undefined);
  for (const p of pcaps) {
    p.artifact.summary = p.evidencePath;
    p.artifact.flows = p.summary.flows.map((f) => ({ src: f.src, dst: f.dst, packets: f.packets, bytes: f.bytes, vnis: f.vnis }));
  }
  const out = [assertPcapVxlanHeaders(topo, pcaps), assertPcapSizes(topo, pcaps)];
  if (b) {
    out.push(assertUnitArpFlooded(topo, b.active, pcaps));
    if (state.failover) {
      out.push(assertUnitArpFlooded(topo, state.failover.to, pcaps));
      out.push(assertVipTrafficFromUnit(topo, state.failover.to, state.failover.startedAt, state.failover.durationMs + 50, pcaps));
    }
  }
  return out;
}

export async function stopCapturesOf(c: Pick<StepContext, 'state' | 'ctx'>): Promise<void> {
  if (!c.state.captures) return;
  const captures = c.state.captures;
  c.state.captures = undefined;
  c.state.pcaps = await stopCaptures(captures, c.ctx.runDir);
}

/** Every node's and unit's underlay interface, and what the scenario adds. */
export function captureTargets(plan: Plan, spec: ScenarioSpec): CaptureTarget[] {
  const hosts = plan.hosts.filter((h) => h.kind === 'node' || h.kind === 'unit');
  return [
    ...hosts.map((h) => ({ host: h.id, ifname: UNDERLAY_IF })),
    ...(spec.capture?.extra ?? []).map((e) => ({ host: e.host, ifname: e.interface })),
  ];
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
