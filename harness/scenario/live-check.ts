// `overlab check <run>`: the scenario's checks against a kept run's live state, its report
// (report.json, report.html, junit.xml, evidence/) in <run>/check-<n>/. One observation is taken
// now (nodes' and units' state, then the reachability matrices), and the checks judge it as the
// assert step judges a run's last snapshot; the unit expected active is the last hand failover's
// target (drive/failovers.jsonl), else the scenario's. Two checks are about a run's history, not
// its state, and are left out, with the reason in the report's phases: `pcap` (a kept run
// captures nothing) and `failover` (`overlab failover` measures and prints each outage).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AssertionId } from '../spec/schema.js';
import type { AssertionResult } from '../assert/types.js';
import type { PhaseRecord, RunReport } from '../report/types.js';
import { EvidenceStore } from '../probes/evidence.js';
import { writeRunReport } from '../report/write.js';
import { observe } from './observe.js';
import { assertAll } from './steps/assert.js';
import { listFlannelNodes, type StepContext, type StepState } from './steps/context.js';
import { outcomeOf, reportTopology } from './run.js';
import type { AttachedRun } from './attach.js';
import { handFailovers } from './live-failover.js';

/** Checks that judge what happened during a run rather than the state it is in. */
export const NOT_LIVE: Partial<Record<AssertionId, string>> = {
  pcap: 'a kept run captures nothing',
  failover: 'each outage is measured by `overlab failover`, kept in drive/failovers.jsonl',
};
const DEFAULT_IDS: AssertionId[] = ['reachability', 'mtu', 'pmtu', 'flannel-control-plane'];

/** <run>/check-1, check-2, ...: the next one free. */
export function nextCheckDir(runDir: string): string {
  const taken = existsSync(runDir) ? readdirSync(runDir).flatMap((n) => /^check-(\d+)$/.exec(n)?.[1] ?? []).map(Number) : [];
  return join(runDir, `check-${Math.max(0, ...taken) + 1}`);
}

export async function liveCheck(run: AttachedRun, onAssertion?: (a: AssertionResult) => void): Promise<{ report: RunReport; leftOut: string[] }> {
  const { ctx, plan } = run;
  const started = performance.now();
  const startedAt = new Date();
  const checkDir = nextCheckDir(ctx.runDir);
  const store = new EvidenceStore(checkDir);
  const declared = run.spec.assertions ?? DEFAULT_IDS;
  const ids = declared.filter((id) => !NOT_LIVE[id]);
  const leftOut = declared.filter((id) => NOT_LIVE[id]).map((id) => `${id} (${NOT_LIVE[id]})`);
  const last = handFailovers(ctx.runDir).at(-1);
  const state: StepState = { observations: [], probeRecords: [], ...(last ? { failover: { from: last.from, to: last.to, startedAt: last.startedAt, durationMs: last.durationMs } } : {}) };
  const assertions: AssertionResult[] = [];
  const metrics: Record<string, number> = {};
  const c: StepContext = { ctx, plan, spec: { ...run.spec, assertions: ids }, store, state, metrics, started, assertions, agent: run.agent, device: run.device, units: run.units, onAssertion };
  const phases: PhaseRecord[] = [];
  const label = checkDir.slice(checkDir.lastIndexOf('/') + 1);
  let error: Error | undefined;
  const phase = async (name: string, body: () => Promise<void>) => {
    const t0 = performance.now();
    try {
      await body();
      phases.push({ name, durationMs: round(performance.now() - t0), status: 'passed' });
    } catch (e) {
      phases.push({ name, durationMs: round(performance.now() - t0), status: 'error' });
      throw e;
    }
  };
  try {
    // With units, the checks judge an observation, as the scenario's snapshots are judged.
    if (plan.topology.bigip) await phase(`snapshot ${label}`, async () => void state.observations.push(await observe(label, plan, ctx.provider, store, () => listFlannelNodes(c), run.units)));
    await phase('assert', async () => {
      for (const r of await assertAll(c)) {
        assertions.push(r);
        onAssertion?.(r);
      }
    });
  } catch (e) {
    error = e as Error;
  }
  for (const id of declared.filter((d) => NOT_LIVE[d])) phases.push({ name: `${id}: not checked live (${NOT_LIVE[id]})`, durationMs: 0, status: 'skipped' });
  const judged = error ? undefined : outcomeOf(run.spec, assertions, false);
  const report: RunReport = {
    schemaVersion: 1,
    scenario: run.spec.name,
    provider: run.record.provider,
    agent: { kind: run.agent.kind },
    runId: ctx.runId,
    status: error ? 'error' : judged!.status,
    startedAt: startedAt.toISOString(),
    durationMs: round(performance.now() - started),
    phases,
    topology: reportTopology(plan, state.observations.at(-1)),
    assertions,
    metrics,
    artifacts: { pcaps: [] },
    runDir: checkDir,
    kept: { down: `overlab down ${ctx.runId}` },
    ...(error ? { error: { name: error.name, message: error.message } } : {}),
    ...(run.spec.reproduces ? { reproduction: { ...run.spec.reproduces, verdict: judged && 'verdict' in judged && judged.verdict ? judged.verdict : 'not judged: the check did not complete' } } : {}),
  };
  writeRunReport(report, plan, run.spec.description);
  return { report, leftOut };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
