// RunContext: one run of a scenario. Opening it picks a run id, makes the run directory and
// registers the run before anything is created; closing it tears down from the ledger.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { ResourceLedger, entriesOf, isHostChange, type HostChangeEntry, type LedgerEntry } from './ledger.js';
import { procStat, registerRun, unregisterRun, type RunRecord } from './registry.js';
import { REPORTS_DIR } from './paths.js';
import { HarnessError, TeardownError } from './errors.js';
import { restoreKernelLimits } from './kernel-limits.js';
import { createProvider } from '../providers/registry.js';
import type { Provider, ProviderOptions } from '../providers/types.js';
import type { Plan } from '../plan/types.js';

export interface RunContext {
  runId: string;
  scenario: string;
  runDir: string;
  ledger: ResourceLedger;
  provider: Provider;
  plan: Plan;
  startedAt: Date;
  signal: AbortSignal;
}

export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

export function openRun(plan: Plan, options: { provider: string; providerOptions?: ProviderOptions; kept?: boolean; signal?: AbortSignal; reportsDir?: string }): RunContext {
  const runId = newRunId();
  const reports = options.reportsDir ?? REPORTS_DIR;
  const runDir = join(reports, plan.scenario, runId);
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (e) {
    // Before anything is created: a reports directory we cannot write into is the user's to fix.
    throw new HarnessError(`cannot make the run directory ${runDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the reports directory ${reports} must be a directory this user can write; set OVERLAB_REPORTS_DIR (or --report-dir) to one`);
  }
  const ledger = new ResourceLedger(runDir);
  const provider = createProvider(options.provider, { runId, ledger, scenario: plan.scenario, options: options.providerOptions, topology: plan.topology, signal: options.signal });
  const record: RunRecord = {
    runId,
    scenario: plan.scenario,
    provider: options.provider,
    runDir,
    pid: process.pid,
    pidStartTicks: procStat(process.pid)?.startTicks,
    kept: options.kept ?? false,
    startedAt: new Date().toISOString(),
    hosts: Object.fromEntries(plan.hosts.map((h) => [h.id, provider.locationOf(h.id)])),
  };
  registerRun(record);
  return { runId, scenario: plan.scenario, runDir, ledger, provider, plan, startedAt: new Date(record.startedAt), signal: options.signal ?? new AbortController().signal };
}

/**
 * Undoes the ledger's changes on hosts the run did not create, newest first, over the provider's
 * transport; keeps going past a failure and returns every failure.
 */
export async function undoHostChanges(provider: Pick<Provider, 'node'>, entries: readonly LedgerEntry[]): Promise<Error[]> {
  const failures: Error[] = [];
  // Newest first on each host; hosts are independent of each other, so all of them at once.
  const byHost = new Map<string, HostChangeEntry[]>();
  for (const change of entries.filter(isHostChange).reverse()) byHost.set(change.host, [...(byHost.get(change.host) ?? []), change]);
  await Promise.all(
    [...byHost.values()].map(async (changes) => {
      for (const change of changes) {
        try {
          await provider.node(change.host).exec(change.undo);
        } catch (e) {
          failures.push(new Error(`undoing ${change.what} on ${change.host} (${change.undo.join(' ')}): ${(e as Error).message}`, { cause: e }));
        }
      }
    }),
  );
  return failures;
}

/**
 * Removes the ledger's scratch directories (a daemon's data directory, a root filesystem being
 * built). Only paths of ours are removed, whatever a ledger says: under /run/overlab/, or a
 * temporary directory named overlab-*.
 */
export function removeScratchDirs(entries: readonly LedgerEntry[]): Error[] {
  const failures: Error[] = [];
  const ours = (path: string) => path.startsWith('/run/overlab/') || (dirname(path) === tmpdir() && basename(path).startsWith('overlab-'));
  for (const e of entriesOf<{ kind: 'scratch-dir'; path: string }>(entries, 'scratch-dir', 'path').reverse()) {
    if (!ours(e.path)) {
      failures.push(new Error(`not removing ${e.path}: a scratch directory of ours is under /run/overlab/ or a temporary overlab-* directory`));
      continue;
    }
    try {
      rmSync(e.path, { recursive: true, force: true });
    } catch (err) {
      failures.push(new Error(`removing ${e.path}: ${(err as Error).message}`, { cause: err }));
    }
  }
  return failures;
}

/** Tears everything down in reverse ledger order; throws TeardownError listing every failure. */
export async function closeRun(ctx: Pick<RunContext, 'runId' | 'ledger' | 'provider'>): Promise<number> {
  const started = performance.now();
  const entries = ctx.ledger.entries();
  // Processes that would undo the undo first (where the provider says so), host changes next,
  // then the provider's own, then scratch directories.
  const failures = [...((await ctx.provider.stopProcesses?.(entries)) ?? []), ...(await undoHostChanges(ctx.provider, entries)), ...(await ctx.provider.teardown(entries))];
  failures.push(...removeScratchDirs(entries));
  failures.push(...restoreKernelLimits(entries, ctx.runId, (dir) => new ResourceLedger(dir).entries()));
  if (failures.length > 0) throw new TeardownError(failures);
  // So that `overlab clean` never undoes this run's host changes again.
  ctx.ledger.record({ kind: 'torn-down' });
  unregisterRun(ctx.runId);
  return performance.now() - started;
}
