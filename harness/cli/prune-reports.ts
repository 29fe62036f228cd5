// `overlab clean --reports --older-than 7d`: removes old run directories (and their bundles)
// under the reports directory. Never a run that is up or running (the registry lists it), nor
// one whose ledger says its teardown never finished: that ledger is what `overlab clean` needs
// to remove what the run left, so it stays until clean has done so. Matrix summaries
// (<scenario>-matrix/<when>/) age the same way.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LEDGER_FILE, readLedger } from '../core/ledger.js';
import { REPORTS_DIR } from '../core/paths.js';
import { isAlive, listRuns } from '../core/registry.js';

export interface PruneResult {
  /** Removed: run directories, matrix summaries, bundles. */
  removed: { path: string; ageMs: number }[];
  /** Old enough but kept, with the reason. */
  kept: { path: string; reason: string }[];
}

/** A directory's age: since the newest change to it or to anything directly in it (a kept run re-checked is young again). */
function lastTouched(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const name of readdirSync(dir)) {
    try {
      newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
    } catch {
      // removed meanwhile
    }
  }
  return newest;
}

/** A directory the harness wrote: a run (report.json or its ledger) or a matrix summary. */
function isRunDir(dir: string): boolean {
  return ['report.json', LEDGER_FILE, 'summary.json'].some((f) => existsSync(join(dir, f)));
}

export function pruneReports(olderThanMs: number, options: { reportsDir?: string; now?: number } = {}): PruneResult {
  const root = options.reportsDir ?? REPORTS_DIR;
  const now = options.now ?? Date.now();
  const result: PruneResult = { removed: [], kept: [] };
  if (!existsSync(root)) return result;
  // Runs the registry holds: up (kept), or owned by a live process.
  const live = new Map<string, string>();
  for (const r of listRuns()) {
    if (r.kept) live.set(resolve(r.runDir), `run ${r.runId} is up (kept): overlab down ${r.runId} first`);
    else if (isAlive(r.pid, r.pidStartTicks)) live.set(resolve(r.runDir), `run ${r.runId} is running (pid ${r.pid})`);
  }
  for (const group of readdirSync(root).sort()) {
    const groupDir = join(root, group);
    if (!statSync(groupDir).isDirectory()) continue;
    for (const name of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, name);
      // A bundle removed with its run a moment ago, a file that is not a run: passed over.
      if (!existsSync(dir) || !statSync(dir).isDirectory() || !isRunDir(dir)) continue;
      const ageMs = now - lastTouched(dir);
      if (ageMs < olderThanMs) continue;
      const busy = live.get(resolve(dir));
      if (busy) {
        result.kept.push({ path: dir, reason: busy });
        continue;
      }
      const ledger = join(dir, LEDGER_FILE);
      if (existsSync(ledger) && !readLedger(ledger).some((e) => e.kind === 'torn-down')) {
        result.kept.push({ path: dir, reason: 'its teardown never finished: run `overlab clean` first, which removes what it left' });
        continue;
      }
      rmSync(dir, { recursive: true, force: true });
      result.removed.push({ path: dir, ageMs });
      const bundle = `${dir}.tar.gz`;
      if (existsSync(bundle)) {
        rmSync(bundle, { force: true });
        result.removed.push({ path: bundle, ageMs });
      }
    }
  }
  return result;
}

/** "9.0 d", "5.2 h", "40 min": how old a removed run was. */
export function formatAge(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 24 ? `${(h / 24).toFixed(1)} d` : h >= 1 ? `${h.toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
}
