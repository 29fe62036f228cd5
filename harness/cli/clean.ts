// `overlab clean`: removes what carries our marks. Runs come from the registry and from the
// ledgers in the reports directory; each run's namespaces come from its ledger and from its own
// names (`ol-<run>` and `ol-<run>.*`). Nothing is matched by a broad pattern.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner } from '../core/command.js';
import { LEDGER_FILE, ResourceLedger, readLedger, type LedgerEntry } from '../core/ledger.js';
import { REPORTS_DIR } from '../core/paths.js';
import { isAlive, listRuns, unregisterRun, type RunRecord } from '../core/registry.js';
import { createProvider } from '../providers/registry.js';
import { belongsToRun } from '../providers/netns/names.js';

export interface CleanResult {
  runId: string;
  removed: number;
  skipped?: string;
  errors: string[];
}

function ledgersInReports(): { runId: string; scenario: string; runDir: string }[] {
  if (!existsSync(REPORTS_DIR)) return [];
  const out: { runId: string; scenario: string; runDir: string }[] = [];
  for (const scenario of readdirSync(REPORTS_DIR)) {
    const dir = join(REPORTS_DIR, scenario);
    let runs: string[];
    try {
      runs = readdirSync(dir);
    } catch {
      continue;
    }
    for (const runId of runs) if (existsSync(join(dir, runId, LEDGER_FILE))) out.push({ runId, scenario, runDir: join(dir, runId) });
  }
  return out;
}

async function netnsList(): Promise<string[]> {
  const r = await new LocalRunner().run(['ip', '-j', 'netns', 'list'], { allowFailure: true });
  if (r.exitCode !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}

export async function clean(options: { force?: boolean; runId?: string } = {}): Promise<CleanResult[]> {
  const records = new Map<string, RunRecord | { runId: string; scenario: string; runDir: string; provider: string }>();
  for (const l of ledgersInReports()) records.set(l.runId, { ...l, provider: 'netns' });
  for (const r of listRuns()) records.set(r.runId, r);
  const namespaces = await netnsList();
  const results: CleanResult[] = [];
  for (const record of records.values()) {
    if (options.runId && record.runId !== options.runId) continue;
    if ('pid' in record && !record.kept && record.pid !== process.pid && isAlive(record.pid) && !options.force) {
      results.push({ runId: record.runId, removed: 0, skipped: `run in progress (pid ${record.pid}); stop it or use --force`, errors: [] });
      continue;
    }
    const entries: LedgerEntry[] = readLedger(join(record.runDir, LEDGER_FILE));
    const listed = new Set(entries.flatMap((e) => (e.kind === 'netns' ? [e.name] : [])));
    for (const ns of namespaces) if (belongsToRun(ns, record.runId) && !listed.has(ns)) entries.push({ kind: 'netns', name: ns });
    const present = entries.filter((e) => e.kind !== 'netns' || namespaces.includes(e.name));
    const provider = createProvider(record.provider, { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
    const failures = await provider.teardown(present);
    if (failures.length === 0) unregisterRun(record.runId);
    const removed = present.filter((e) => e.kind === 'netns').length;
    if (removed > 0 || failures.length > 0 || 'pid' in record) results.push({ runId: record.runId, removed, errors: failures.map((f) => f.message) });
  }
  return results;
}
