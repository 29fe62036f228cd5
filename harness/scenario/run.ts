// Runs one scenario end to end: preflight, plan, boot, checks, teardown, report. Teardown runs
// on success, failure, Ctrl-C and SIGTERM; the report says what happened either way.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioSpec } from '../spec/schema.js';
import { planScenario } from '../plan/plan.js';
import { executePlan } from '../plan/execute.js';
import { closeRun, openRun, type RunContext } from '../core/run-context.js';
import { InterruptedError, PreflightError } from '../core/errors.js';
import { createProvider } from '../providers/registry.js';
import { EvidenceStore } from '../probes/evidence.js';
import { runChecks } from './checks.js';
import type { AssertionResult } from '../assert/types.js';
import { ResourceLedger } from '../core/ledger.js';

export interface PhaseRecord {
  name: string;
  durationMs: number;
  status: 'passed' | 'failed' | 'error' | 'skipped';
}

export interface RunReport {
  schemaVersion: 1;
  scenario: string;
  provider: string;
  runId: string;
  status: 'passed' | 'failed' | 'reproduced' | 'error';
  startedAt: string;
  durationMs: number;
  phases: PhaseRecord[];
  topology: { nodes: { name: string; role: string; underlayIp: string; vtepMac: string; podCidr: string }[]; bigips: unknown[] };
  assertions: AssertionResult[];
  metrics: Record<string, number>;
  artifacts: { pcaps: unknown[]; html?: string; junit?: string };
  error?: { name: string; message: string };
  runDir: string;
}

export interface RunOptions {
  provider?: string;
  /** Boot and keep (overlab up): no checks, no teardown. */
  keep?: boolean;
  signal?: AbortSignal;
  onPhase?: (phase: PhaseRecord) => void;
  onAssertion?: (a: AssertionResult) => void;
}

export const exitCodeOf = (status: RunReport['status']): number => (status === 'passed' || status === 'reproduced' ? 0 : status === 'failed' ? 1 : 2);

export async function preflight(providerKind: string): Promise<void> {
  const probe = createProvider(providerKind, { runId: 'preflight', ledger: new ResourceLedger('/nonexistent') });
  const missing = (await probe.preflight()).filter((p) => !p.ok);
  if (missing.length > 0) throw new PreflightError(missing.map((m) => ({ what: m.what, fix: m.fix })));
}

export async function runScenario(spec: ScenarioSpec, options: RunOptions = {}): Promise<RunReport> {
  const providerKind = options.provider ?? spec.provider ?? 'netns';
  await preflight(providerKind);
  const plan = planScenario(spec);
  const ctx: RunContext = openRun(plan, { provider: providerKind, kept: options.keep, signal: options.signal });
  const started = performance.now();
  const phases: PhaseRecord[] = [];
  const assertions: AssertionResult[] = [];
  const metrics: Record<string, number> = {};
  let error: Error | undefined;
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

  try {
    await phase('boot', async () => {
      const timings = await executePlan(plan, ctx.provider, { signal: ctx.signal });
      const ready = timings.find((t) => t.id === 'ready');
      metrics.bootMs = round(performance.now() - started);
      if (ready) metrics.readyProbeMs = round(ready.durationMs);
    });
    if (!options.keep) {
      const store = new EvidenceStore(ctx.runDir);
      await phase('assert', async () => {
        const ids = spec.assertions ?? ['reachability', 'mtu', 'pmtu', 'flannel-control-plane'];
        for (const a of await runChecks(ids, plan, ctx.provider, store)) {
          assertions.push(a);
          options.onAssertion?.(a);
        }
      });
    }
  } catch (e) {
    error = ctx.signal.aborted ? new InterruptedError(String((ctx.signal.reason as Error)?.message ?? ctx.signal.reason)) : (e as Error);
  } finally {
    if (!options.keep || error) {
      try {
        metrics.teardownMs = round(await phase('teardown', () => closeRun(ctx)));
      } catch (e) {
        error ??= e as Error;
      }
    }
  }

  const status: RunReport['status'] = error ? 'error' : assertions.every((a) => a.status === 'passed') ? 'passed' : 'failed';
  const report: RunReport = {
    schemaVersion: 1,
    scenario: spec.name,
    provider: providerKind,
    runId: ctx.runId,
    status,
    startedAt: ctx.startedAt.toISOString(),
    durationMs: round(performance.now() - started),
    phases,
    topology: {
      nodes: plan.topology.nodes.map((n) => ({ name: n.name, role: n.role, underlayIp: n.underlayIp, vtepMac: n.vtepMac, podCidr: n.podCidr })),
      bigips: [],
    },
    assertions,
    metrics,
    artifacts: { pcaps: [] },
    runDir: ctx.runDir,
    ...(error ? { error: { name: error.name, message: error.message } } : {}),
  };
  writeFileSync(join(ctx.runDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  return report;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

