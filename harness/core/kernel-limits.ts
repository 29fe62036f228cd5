// Kernel limits a testbed outgrows: raised for a run when it needs more, recorded in the ledger
// first (what it was), said on stderr, and put back at teardown and by `overlab clean` — but
// never below what another live run raised it for. Only for providers whose hosts share this
// machine's kernel (netns, docker).
import { readFileSync, writeFileSync } from 'node:fs';
import { entriesOf, type CoreLedgerEntry, type LedgerEntry, type ResourceLedger } from './ledger.js';
import { isAlive, listRuns } from './registry.js';

/** `path` is under /proc/sys; `previous` what it was before the run; `set` what the run made it. */
export type KernelLimitEntry = Extract<CoreLedgerEntry, { kind: 'kernel-limit' }>;

/** The neighbour table's thresholds: soft (gc_thresh2) and hard (gc_thresh3). */
const NEIGH = (n: 2 | 3) => `/proc/sys/net/ipv4/neigh/default/gc_thresh${n}`;

const read = (path: string): number => Number(readFileSync(path, 'utf8').trim());

/** What each threshold must be for `entries` neighbours: the hard limit twice the need, the soft one above it. */
export function neighbourLimitsFor(entries: number): { path: string; value: number }[] {
  return [
    { path: NEIGH(2), value: Math.ceil(entries * 1.25) },
    { path: NEIGH(3), value: entries * 2 },
  ];
}

/** Raises what is too low for `entries` neighbours; returns what it changed. */
export function raiseNeighbourLimits(entries: number, ledger: ResourceLedger): KernelLimitEntry[] {
  const changed: KernelLimitEntry[] = [];
  for (const want of neighbourLimitsFor(entries)) {
    const previous = read(want.path);
    if (previous >= want.value) continue;
    const entry: KernelLimitEntry = { kind: 'kernel-limit', path: want.path, previous, set: want.value };
    ledger.record(entry);
    writeFileSync(want.path, String(want.value));
    changed.push(entry);
  }
  return changed;
}

/** What other live runs raised a limit to (their ledgers' entries), so a restore never undercuts them. */
function neededByOthers(path: string, runId: string, ledgerOf: (runDir: string) => LedgerEntry[]): number {
  let most = 0;
  for (const r of listRuns()) {
    if (r.runId === runId || !isAlive(r.pid, r.pidStartTicks)) continue;
    for (const e of entriesOf<KernelLimitEntry>(ledgerOf(r.runDir), 'kernel-limit', 'path')) if (e.path === path) most = Math.max(most, e.set);
  }
  return most;
}

/** Puts back what the run raised (newest first), unless someone changed it since, or another live run needs it. */
export function restoreKernelLimits(entries: readonly LedgerEntry[], runId: string, ledgerOf: (runDir: string) => LedgerEntry[]): Error[] {
  const failures: Error[] = [];
  for (const e of entriesOf<KernelLimitEntry>(entries, 'kernel-limit', 'path').reverse()) {
    try {
      if (read(e.path) !== e.set) continue;
      writeFileSync(e.path, String(Math.max(e.previous, neededByOthers(e.path, runId, ledgerOf))));
    } catch (err) {
      failures.push(new Error(`restoring ${e.path} to ${e.previous}: ${(err as Error).message}`));
    }
  }
  return failures;
}
