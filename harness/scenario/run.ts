// Runs one scenario end to end: preflight, plan, boot, checks, teardown, report. Teardown runs
// on success, failure, Ctrl-C and SIGTERM; the report says what happened either way.
import type { ScenarioSpec, StepSpec } from '../spec/schema.js';
import { runStep, stepName, stopCapturesOf, type StepState } from './steps/index.js';
import { judgeReproduction } from '../assert/reproduction.js';
import { activeUnit, type Observation } from './observe.js';
import type { Plan } from '../plan/types.js';
import { bigipDevice } from '../devices/bigip/registry.js';
import type { BigipTransport } from '../devices/bigip/types.js';
import type { LinuxConfigurator, ProviderOptions, Transport } from '../providers/types.js';
import { flannelAgent, resolveAgent } from '../overlay/flannel/registry.js';
import { flannelBinaries, flannelVersions } from '../overlay/flannel/flanneld/binary.js';
import { subnetProblem } from '../overlay/flannel/flanneld/config.js';
import { resolveTopology } from '../spec/topology.js';
import { planScenario } from '../plan/plan.js';
import { closeRun, openRun, type RunContext } from '../core/run-context.js';
import { InterruptedError, PreflightError, SpecError } from '../core/errors.js';
import { createProvider, providerModule } from '../providers/registry.js';
import { unitsOverSsh } from './unit-access.js';
import { soak, type SoakOptions } from './steps/soak.js';
import { neighbourEntries } from '../plan/neighbours.js';
import { raiseNeighbourLimits } from '../core/kernel-limits.js';
import { loadInventory } from '../providers/ssh/inventory.js';
import type { SshTarget } from '../ssh/target.js';
import { EvidenceStore } from '../probes/evidence.js';
import type { AssertionResult } from '../assert/types.js';
import { ResourceLedger } from '../core/ledger.js';
import type { PhaseRecord, RunReport } from '../report/types.js';
import { writeRunReport } from '../report/write.js';
import { printWarnings, specWarnings } from '../spec/warnings.js';
import { writeRunSpec } from './run-spec.js';
import { markKept } from '../core/registry.js';

/** The soak loop's place among the steps of a run (not a step a scenario file can name). */
const SOAK = Symbol('soak');
export type { PhaseRecord, RunReport } from '../report/types.js';

export interface RunOptions {
  provider?: string;
  /** For providers of existing machines: the inventory, host key policy. */
  providerOptions?: ProviderOptions;
  /** Soak instead of the scenario's steps: boot, traffic, a failover every everyMs for a while, teardown. */
  soak?: SoakOptions;
  /** An inventory naming real BIG-IP units (VEs) by the scenario's unit names (bigip.device: tmsh). */
  bigipInventory?: string;
  /** Boot and keep (overlab up): no checks, no teardown; the status is `kept`. */
  keep?: boolean;
  /**
   * `scenario --keep` (always) and `--keep-on-failure` (when the run failed): every step and
   * check runs, then the testbed stays up for `overlab failover/traffic/check/...` and `down`.
   */
  keepAfter?: 'always' | 'on-failure';
  /** Run every step the scenario lists but leave the testbed up (tests inspect it, then `down`). */
  skipTeardown?: boolean;
  signal?: AbortSignal;
  onPhase?: (phase: PhaseRecord) => void;
  onAssertion?: (a: AssertionResult) => void;
}

export const exitCodeOf = (status: RunReport['status']): number => (status === 'passed' || status === 'kept' || status === 'reproduced' || status === 'not-reproducible' ? 0 : status === 'failed' ? 1 : 2);

export async function preflight(providerKind: string, options?: ProviderOptions): Promise<void> {
  const probe = createProvider(providerKind, { runId: 'preflight', ledger: new ResourceLedger('/nonexistent'), options });
  const missing = (await probe.preflight()).filter((p) => !p.ok);
  if (missing.length > 0) throw new PreflightError(missing.map((m) => ({ what: m.what, fix: m.fix })));
}

/** What the scenario's flannel agent needs here, before anything is created. */
function agentPreflight(spec: ScenarioSpec, providerKind: string): void {
  const kind = spec.flannel.agent ?? 'emulated';
  const missing = flannelAgent(kind).missing();
  if (missing.length > 0) throw new PreflightError(missing);
  const problem = kind === 'flanneld' ? subnetProblem(resolveTopology(spec)) : undefined;
  if (problem) throw new SpecError([{ file: spec.name, field: 'nodes[].podCidr', message: problem }]);
  // flanneld runs where its binary can be mounted (or copied) and its etcd member made: netns,
  // docker, existing machines over SSH (one of them the inventory's etcd host), and Vagrant's
  // machines (the etcd member one of them; the binary bound in, or copied over SFTP).
  if (kind === 'flanneld' && !['netns', 'docker', 'ssh', 'vagrant'].includes(providerKind)) {
    throw new PreflightError([{ what: `flannel.agent flanneld on the ${providerKind} provider (flanneld runs on netns, docker, ssh and vagrant)`, fix: 'use --provider netns, docker, ssh or vagrant, or flannel.agent: emulated' }]);
  }
  // A kind cluster's flannel is the kube-flannel DaemonSet, and only a cluster has one.
  if ((kind === 'kube-flannel') !== (providerKind === 'kind')) {
    throw new PreflightError([{ what: `flannel.agent ${kind} on the ${providerKind} provider (kube-flannel is the kind provider's agent, and the only one it runs)`, fix: providerKind === 'kind' ? 'leave flannel.agent out (or kube-flannel), or use --provider netns or docker' : 'use --provider kind, or flannel.agent emulated or flanneld' }]);
  }
}

export async function runScenario(declared: ScenarioSpec, options: RunOptions = {}): Promise<RunReport> {
  const providerKind = options.provider ?? declared.provider ?? 'netns';
  const resolved: ScenarioSpec = { ...declared, flannel: { ...declared.flannel, agent: resolveAgent(declared.flannel.agent, providerKind) } };
  // A soak checks outages and drift, not the wire: no captures (hours of pcap, and their load).
  const spec: ScenarioSpec = options.soak ? { ...resolved, capture: { ...resolved.capture, enabled: false } } : resolved;
  await preflight(providerKind, options.providerOptions);
  agentPreflight(spec, providerKind);
  const realUnits = options.bigipInventory ? realUnitsOf(spec, options.bigipInventory, options.providerOptions?.acceptNewHostKeys) : {};
  // tmsh's stand-in units run the face with this machine's node and dist, and get their keys
  // from the switch namespace: on netns only, for now.
  if (spec.bigip?.device === 'tmsh' && providerKind !== 'netns' && spec.bigip.units.some((u) => !realUnits[u.name])) {
    throw new PreflightError([{ what: `bigip.device tmsh with stand-in units on the ${providerKind} provider`, fix: 'use --provider netns (the stand-ins\' tmsh face runs there), or bigip.device: sim' }]);
  }
  // What the provider's machines impose on the addresses (kind's network), before the plan.
  const fitted = (await providerModule(providerKind).fitSpec?.(spec, (l) => process.stderr.write(`overlab: ${l}\n`))) ?? spec;
  let plan = planScenario(fitted, { realUnits });
  const warnings = specWarnings(spec);
  printWarnings(spec.name, warnings);
  const ctx: RunContext = openRun(plan, { provider: providerKind, providerOptions: options.providerOptions, kept: options.keep, signal: options.signal });
  // What a later process needs to drive this run (overlab failover, check, ...): the same plan,
  // so the scenario as the provider fitted it (kind's network), not as declared.
  writeRunSpec(ctx.runDir, { spec: fitted, provider: providerKind, providerOptions: options.providerOptions, bigipInventory: options.bigipInventory });
  const started = performance.now();
  // The kernel's neighbour table is this machine's, shared by every namespace and container.
  const neighbours = neighbourEntries(plan.topology);
  const raised = ctx.provider.localKernel ? raiseNeighbourLimits(neighbours, ctx.ledger) : [];
  for (const r of raised) process.stderr.write(`overlab: ${r.path.replace('/proc/sys/', '').replaceAll('/', '.')} raised from ${r.previous} to ${r.set} for this run (it needs ~${neighbours} neighbour entries); put back at teardown\n`);
  const phases: PhaseRecord[] = [];
  const assertions: AssertionResult[] = [];
  const metrics: Record<string, number> = {};
  const store = new EvidenceStore(ctx.runDir);
  const state: StepState = { observations: [], probeRecords: [] };
  const agent = flannelAgent(plan.topology.flannel.agent);
  const device = plan.topology.bigip ? bigipDevice(plan.topology.bigip.device) : undefined;
  // A device that reaches the testbed's own units over SSH (tmsh's stand-ins) gets them so.
  const access = unitsOverSsh(ctx.provider, device?.sshTargets?.(plan.topology, ctx.runId, (unit, argv) => ctx.provider.execArgv(ctx.provider.locationOf(unit), argv)) ?? []);
  ctx.provider = access.provider;
  let units = device?.open(plan.topology, bigipTransport(ctx.provider, ctx.runId));
  let error: Error | undefined;
  let tornDown = false;
  let kept = false;
  const phase = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      const value = await body();
      const rec: PhaseRecord = { name, durationMs: round(performance.now() - t0), status: 'passed' };
      phases.push(rec);
      options.onPhase?.(rec);
      return value;
    } catch (e) {
      const rec: PhaseRecord = { name, durationMs: round(performance.now() - t0), status: 'error' };
      phases.push(rec);
      options.onPhase?.(rec);
      throw e;
    }
  };
  const teardown = async () => {
    tornDown = true;
    await state.probe?.stop('SIGTERM', 500).catch(() => undefined);
    await stopCapturesOf({ state, ctx }).catch(() => undefined);
    metrics.teardownMs = round(
      await phase('teardown', async () => {
        // What the device configured on units the run did not create, then the run's own resources.
        const unitFailures = (await units?.teardown()) ?? [];
        await access.close();
        const ms = await closeRun(ctx);
        if (unitFailures.length) throw new AggregateError(unitFailures, `BIG-IP teardown left ${unitFailures.length} problem(s): ${unitFailures.map((f) => f.message).join('; ')}`);
        return ms;
      }),
    );
  };

  const steps: (StepSpec | typeof SOAK)[] = options.soak
    ? ['boot', 'configure', 'traffic-start', { warmup: 300 }, SOAK, 'traffic-stop', 'teardown']
    : options.keep
      ? ['boot', 'configure']
      : (spec.steps ?? ['boot', 'configure', 'assert', 'teardown']);
  try {
    for (const step of steps) {
      ctx.signal.throwIfAborted();
      const stepContext = { ctx, plan, spec: fitted, store, state, metrics, started, assertions, agent, device, units, onAssertion: options.onAssertion };
      if (step === SOAK) {
        await phase('soak', () => soak(stepContext, options.soak!));
        continue;
      }
      const name = stepName(step);
      if (name === 'teardown') {
        if (!options.keep && !options.skipTeardown && !options.keepAfter) await teardown();
        continue;
      }
      await phase(name, () => runStep(step, stepContext));
      if (name === 'boot' && ctx.provider.fitPlan) {
        // The machines are made: what follows speaks of the addresses and MACs they really have.
        plan = ctx.provider.fitPlan(plan);
        units = device?.open(plan.topology, bigipTransport(ctx.provider, ctx.runId));
      }
    }
  } catch (e) {
    error = ctx.signal.aborted ? new InterruptedError(String((ctx.signal.reason as Error)?.message ?? ctx.signal.reason)) : (e as Error);
  } finally {
    const failed = !error && outcomeOf(spec, assertions, !!options.keep).status === 'failed';
    const keepNow = !error && (options.keepAfter === 'always' || (options.keepAfter === 'on-failure' && failed));
    if (!tornDown && !keepNow && ((!options.keep && !options.skipTeardown) || error)) {
      try {
        await teardown();
      } catch (e) {
        error ??= e as Error;
      }
    }
    if (!tornDown && (keepNow || options.keep) && !error) {
      // Owned by nobody from now on: failover, traffic, check, down work on it from other processes.
      await state.probe?.stop('SIGTERM', 500).catch(() => undefined);
      await stopCapturesOf({ state, ctx }).catch(() => undefined);
      await access.close();
      markKept(ctx.runId);
      kept = true;
    }
  }

  const judged = error ? undefined : outcomeOf(spec, assertions, !!options.keep);
  const status: RunReport['status'] = error ? 'error' : judged!.status;
  const report: RunReport = {
    schemaVersion: 1,
    scenario: spec.name,
    provider: providerKind,
    agent: { kind: agent.kind, ...(agent.kind === 'flanneld' ? await flannelVersions(flannelBinaries()) : {}) },
    runId: ctx.runId,
    ...(warnings.length ? { warnings } : {}),
    status,
    startedAt: ctx.startedAt.toISOString(),
    durationMs: round(performance.now() - started),
    phases,
    topology: reportTopology(plan, state.observations[state.observations.length - 1]),
    assertions,
    metrics,
    ...(state.failoverOutcome ? { failover: state.failoverOutcome } : {}),
    artifacts: { pcaps: state.pcaps ?? [] },
    runDir: ctx.runDir,
    ...(error ? { error: { name: error.name, message: error.message } } : {}),
    ...(spec.reproduces ? { reproduction: { ...spec.reproduces, verdict: judged?.verdict ?? 'not judged: the run did not complete' } } : {}),
    ...(kept ? { kept: { down: `overlab down ${ctx.runId}` } } : {}),
  };
  writeRunReport(report, plan, spec.description); // report.json, report.html, junit.xml
  return report;
}

/** How a BIG-IP device reaches the units the provider made (the stand-in's hosts). */
function bigipTransport(provider: Transport & Pick<LinuxConfigurator, 'nft'>, runId: string): BigipTransport {
  return {
    runId,
    node: (unit) => provider.node(unit),
    nft: (unit, ruleset) => provider.nft(unit, ruleset),
    spawnDetached: (unit, argv) => void provider.spawn(unit, argv),
  };
}

/** The report's topology: the plan's hosts, and each unit's HA state as the units last said. */
export function reportTopology(plan: Plan, lastObs: Observation | undefined): RunReport['topology'] {
  const b = plan.topology.bigip;
  return {
    nodes: plan.topology.nodes.map((n) => ({ name: n.name, role: n.role, underlayIp: n.underlayIp, vtepMac: n.vtepMac, podCidr: n.podCidr, pods: n.pods.map((p) => ({ name: p.name, ip: p.ip, mac: p.mac })) })),
    bigips: (b?.units ?? []).map((u) => ({
      name: u.name,
      underlayIp: u.underlayIp,
      tunnelMac: u.tunnelMac,
      tunnelSelfIp: u.tunnelSelfIp,
      // As the units last said (their failover status); before any observation, the scenario's boot-time choice.
      haState: (lastObs?.units.length ? (activeUnit(lastObs) === u.name ? 'active' : 'standby') : u.name === b?.active ? 'active' : 'standby') as 'active' | 'standby',
    })),
  };
}

/**
 * The run's status from its assertions: `kept` for a kept run that ran no checks (overlab up),
 * a reproduction's verdict, else passed or failed.
 */
export function outcomeOf(spec: ScenarioSpec, assertions: readonly AssertionResult[], bootOnly: boolean): { status: Exclude<RunReport['status'], 'error'>; verdict?: string } {
  if (bootOnly && assertions.length === 0) return { status: 'kept' };
  if (spec.reproduces) return judgeReproduction(spec.reproduces, assertions);
  return { status: assertions.every((a) => a.status === 'passed') ? 'passed' : 'failed' };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}


/** The scenario's units that the BIG-IP inventory names: real VEs, driven with tmsh over SSH. */
export function realUnitsOf(spec: ScenarioSpec, file: string, acceptNew?: boolean): Record<string, SshTarget> {
  const inventory = loadInventory(file, { acceptNew });
  const units = spec.bigip?.units.map((u) => u.name) ?? [];
  const problems: string[] = [];
  if (spec.bigip?.device !== 'tmsh') problems.push(`real BIG-IP units are driven with tmsh: the scenario must say bigip.device: tmsh (it says ${spec.bigip?.device ?? 'sim'})`);
  for (const name of Object.keys(inventory.hosts)) if (!units.includes(name)) problems.push(`hosts.${name} is not a unit of the scenario (units: ${units.join(', ') || 'none'})`);
  if (problems.length) throw new SpecError(problems.map((message) => ({ file, field: 'hosts', message })));
  return Object.fromEntries(Object.entries(inventory.hosts).map(([name, h]) => [name, h.target]));
}
