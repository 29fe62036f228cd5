// `overlab clean`: removes what carries our marks. Runs come from the registry and from the
// ledgers in the reports directory; each run is cleaned by its provider's module (from its
// ledger and its own marks), then each provider sweeps for runs of ours no ledger here knows.
// Nothing is matched by a broad pattern.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_FILE, ResourceLedger, readLedger } from '../core/ledger.js';
import { REPORTS_DIR } from '../core/paths.js';
import { isAlive, listRuns, unregisterRun } from '../core/registry.js';
import { moduleOfLedger, providerModule, providerModules } from '../providers/registry.js';
import type { CleanOutcome } from '../providers/types.js';
import { removeScratchDirs, undoHostChanges } from '../core/run-context.js';
import { restoreKernelLimits } from '../core/kernel-limits.js';

export type CleanResult = CleanOutcome;

interface KnownRun {
  runId: string;
  runDir: string;
  /** From the registry; a run only known from its ledger takes the provider its ledger's kinds name. */
  provider?: string;
  pid?: number;
  pidStartTicks?: string;
  kept?: boolean;
}

function ledgersInReports(): KnownRun[] {
  if (!existsSync(REPORTS_DIR)) return [];
  const out: KnownRun[] = [];
  for (const scenario of readdirSync(REPORTS_DIR)) {
    const dir = join(REPORTS_DIR, scenario);
    let runs: string[];
    try {
      runs = readdirSync(dir);
    } catch {
      continue;
    }
    for (const runId of runs) if (existsSync(join(dir, runId, LEDGER_FILE))) out.push({ runId, runDir: join(dir, runId) });
  }
  return out;
}

export async function clean(options: { force?: boolean; runId?: string; images?: boolean } = {}): Promise<CleanResult[]> {
  const records = new Map<string, KnownRun>();
  for (const l of ledgersInReports()) records.set(l.runId, l);
  for (const r of listRuns()) records.set(r.runId, r);
  const results: CleanResult[] = [];
  const handled = new Set<string>();
  for (const record of records.values()) {
    if (options.runId && record.runId !== options.runId) continue;
    if (record.pid !== undefined && !record.kept && record.pid !== process.pid && isAlive(record.pid, record.pidStartTicks) && !options.force) {
      results.push({ runId: record.runId, removed: 0, what: 'resource(s)', skipped: `run in progress (pid ${record.pid}); stop it or use --force`, errors: [] });
      continue;
    }
    const entries = readLedger(join(record.runDir, LEDGER_FILE));
    // A run whose teardown finished (and that no registry still lists) has nothing left to undo.
    if (record.pid === undefined && entries.some((e) => e.kind === 'torn-down')) continue;
    const module = record.provider ? providerModule(record.provider) : (moduleOfLedger(entries.map((e) => e.kind)) ?? providerModule('netns'));
    const provider = module.create({ runId: record.runId, ledger: new ResourceLedger(record.runDir) });
    // The run's processes where they outlive teardown, changes on hosts the run did not create
    // (newest first), then the provider's own.
    const hostFailures = [...((await provider.stopProcesses?.(entries)) ?? []), ...(await undoHostChanges(provider, entries))];
    await provider.close?.();
    const outcome = await module.clean({ runId: record.runId, runDir: record.runDir, entries });
    outcome.errors.unshift(...hostFailures.map((f) => f.message));
    outcome.errors.push(...removeScratchDirs(entries).map((f) => f.message));
    outcome.errors.push(...restoreKernelLimits(entries, record.runId, (dir) => readLedger(join(dir, LEDGER_FILE))).map((f) => f.message));
    if (outcome.errors.length === 0) unregisterRun(record.runId);
    handled.add(record.runId);
    if (outcome.removed > 0 || outcome.errors.length > 0 || record.pid !== undefined) results.push(outcome);
  }
  for (const module of providerModules()) {
    if (!module.sweep) continue;
    const known = new Set([...handled, ...results.map((r) => r.runId)]);
    results.push(...(await module.sweep({ force: options.force, runId: options.runId, images: options.images, known })));
  }
  return results;
}
