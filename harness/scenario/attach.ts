// Attaching to a run that is up (kept by `overlab up` or `scenario --keep`, its owner gone) from a
// fresh process: the run's record, the scenario it stored (run-spec.json), planned again (the
// same run id gives the same names), its provider, BIG-IP pair and flannel agent, as the steps
// of a run see them. Every `overlab failover/traffic/snapshot/check/inspect` starts here.
import type { Plan } from '../plan/types.js';
import type { ScenarioSpec } from '../spec/schema.js';
import { HarnessError, NotFoundError } from '../core/errors.js';
import { findRun, isAlive, type RunRecord } from '../core/registry.js';
import { ResourceLedger } from '../core/ledger.js';
import type { RunContext } from '../core/run-context.js';
import { createProvider } from '../providers/registry.js';
import { planScenario } from '../plan/plan.js';
import { bigipDevice } from '../devices/bigip/registry.js';
import type { BigipDevice, BigipPair } from '../devices/bigip/types.js';
import { flannelAgent } from '../overlay/flannel/registry.js';
import type { FlannelAgent } from '../overlay/flannel/types.js';
import { EvidenceStore } from '../probes/evidence.js';
import { unitsOverSsh } from './unit-access.js';
import { readRunSpec } from './run-spec.js';
import { realUnitsOf } from './run.js';

export interface AttachedRun {
  record: RunRecord;
  spec: ScenarioSpec;
  plan: Plan;
  ctx: RunContext;
  store: EvidenceStore;
  agent: FlannelAgent;
  device?: BigipDevice;
  units?: BigipPair;
  /** Lets go of SSH connections to the units (the tmsh device's); the run stays up. */
  close(): Promise<void>;
}

/** The run named by `what` (an id or its start), if it is up and nobody else drives it. */
export function upRun(what: string): RunRecord {
  const record = findRun(what);
  if (!record) throw new NotFoundError(`no run ${what} is up; see \`overlab list\` for the runs that are, or start one with \`overlab up <scenario>\` or \`overlab scenario <scenario> --keep\``);
  if (!record.kept) {
    if (isAlive(record.pid, record.pidStartTicks) && record.pid !== process.pid) {
      throw new HarnessError(`run ${record.runId} is still being run by its owner (pid ${record.pid}); wait for it to end, or start the scenario with --keep (or \`overlab up\`) to drive it by hand`);
    }
    throw new HarnessError(`run ${record.runId} was not kept: its owner (pid ${record.pid}) is gone without finishing; remove what it left with \`overlab clean\``);
  }
  return record;
}

export function attachRun(what: string, options: { signal?: AbortSignal } = {}): AttachedRun {
  const record = upRun(what);
  const saved = readRunSpec(record.runDir, record.runId);
  const realUnits = saved.bigipInventory ? realUnitsOf(saved.spec, saved.bigipInventory, saved.providerOptions?.acceptNewHostKeys) : {};
  const planned = planScenario(saved.spec, { realUnits });
  const ledger = new ResourceLedger(record.runDir);
  let provider = createProvider(record.provider, { runId: record.runId, ledger, scenario: planned.scenario, options: saved.providerOptions, topology: planned.topology });
  // The plan made again must name the hosts the run made: otherwise this overlab plans differently.
  const moved = planned.hosts.filter((h) => record.hosts[h.id] !== undefined && record.hosts[h.id] !== provider.locationOf(h.id));
  if (moved.length) throw new HarnessError(`run ${record.runId}: this overlab plans ${moved.map((h) => `${h.id} at ${provider.locationOf(h.id)}`).join(', ')}, but the run made ${moved.map((h) => record.hosts[h.id]).join(', ')}; drive it with the overlab that started it, or \`overlab down ${record.runId}\``);
  // The plan as the machines turned out, as the run carried on after its boot (kind: the cluster's values).
  const plan = provider.fitPlan?.(planned) ?? planned;
  const device = plan.topology.bigip ? bigipDevice(plan.topology.bigip.device) : undefined;
  const access = unitsOverSsh(provider, device?.sshTargets?.(plan.topology, record.runId, (unit, argv) => provider.execArgv(provider.locationOf(unit), argv)) ?? []);
  provider = access.provider;
  const units = device?.open(plan.topology, {
    runId: record.runId,
    node: (unit) => provider.node(unit),
    nft: (unit, ruleset) => provider.nft(unit, ruleset),
    spawnDetached: (unit, argv) => void provider.spawn(unit, argv, { detached: true }),
  });
  const ctx: RunContext = { runId: record.runId, scenario: record.scenario, runDir: record.runDir, ledger, provider, plan, startedAt: new Date(), signal: options.signal ?? new AbortController().signal };
  return { record, spec: saved.spec, plan, ctx, store: new EvidenceStore(record.runDir), agent: flannelAgent(plan.topology.flannel.agent), device, units, close: () => access.close() };
}
