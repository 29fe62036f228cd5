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
import { sweepDocker, type DockerRunSweep } from '../providers/docker/sweep.js';

export interface CleanResult {
  runId: string;
  removed: number;
  /** What `removed` counts, when not namespaces. */
  what?: string;
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

const dockerRemoved = (r: DockerRunSweep): number => r.containers.length + r.networks.length;

export async function clean(options: { force?: boolean; runId?: string; images?: boolean } = {}): Promise<CleanResult[]> {
  const records = new Map<string, RunRecord | { runId: string; scenario: string; runDir: string; provider: string }>();
  for (const l of ledgersInReports()) records.set(l.runId, { ...l, provider: 'netns' });
  for (const r of listRuns()) records.set(r.runId, r);
  const namespaces = await netnsList();
  const results: CleanResult[] = [];
  const handled = new Set<string>();
  for (const record of records.values()) {
    if (options.runId && record.runId !== options.runId) continue;
    if ('pid' in record && !record.kept && record.pid !== process.pid && isAlive(record.pid) && !options.force) {
      results.push({ runId: record.runId, removed: 0, skipped: `run in progress (pid ${record.pid}); stop it or use --force`, errors: [] });
      continue;
    }
    const entries: LedgerEntry[] = readLedger(join(record.runDir, LEDGER_FILE));
    if (record.provider === 'docker' || entries.some((e) => e.kind.startsWith('docker-'))) {
      // Docker runs: containers and networks by label (the owner was checked above), then the rest of the ledger.
      const sweep = await sweepDocker({ force: true, runId: record.runId });
      const swept = sweep.runs.find((r) => r.runId === record.runId);
      const provider = createProvider('docker', { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
      const failures = [...(swept?.errors ?? []), ...(await provider.teardown(entries.filter((e) => e.kind === 'scratch-dir'))).map((f) => f.message)];
      if (!sweep.reachable && entries.some((e) => e.kind === 'docker-container' || e.kind === 'docker-network')) {
        failures.push('cannot reach the Docker daemon: the containers and networks its ledger lists may still be there (start dockerd and clean again)');
      }
      if (failures.length === 0) unregisterRun(record.runId);
      handled.add(record.runId);
      const removed = swept ? dockerRemoved(swept) : 0;
      if (removed > 0 || failures.length > 0 || 'pid' in record) results.push({ runId: record.runId, removed, what: 'container(s) and network(s)', errors: failures });
      continue;
    }
    const listed = new Set(entries.flatMap((e) => (e.kind === 'netns' ? [e.name] : [])));
    for (const ns of namespaces) if (belongsToRun(ns, record.runId) && !listed.has(ns)) entries.push({ kind: 'netns', name: ns });
    const present = entries.filter((e) => e.kind !== 'netns' || namespaces.includes(e.name));
    const provider = createProvider(record.provider, { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
    const failures = await provider.teardown(present);
    if (failures.length === 0) unregisterRun(record.runId);
    const removed = present.filter((e) => e.kind === 'netns').length;
    if (removed > 0 || failures.length > 0 || 'pid' in record) results.push({ runId: record.runId, removed, errors: failures.map((f) => f.message) });
  }
  // Docker objects of runs no registry or ledger here knows (another state directory, a deleted
  // report): found by label; a run whose owner process is alive is left alone unless forced.
  const sweep = await sweepDocker({ force: options.force, runId: options.runId, images: options.images });
  for (const r of sweep.runs) {
    if (handled.has(r.runId) || results.some((x) => x.runId === r.runId)) continue;
    if (r.skipped) results.push({ runId: r.runId, removed: 0, skipped: r.skipped, errors: [] });
    else if (dockerRemoved(r) > 0 || r.errors.length > 0) results.push({ runId: r.runId, removed: dockerRemoved(r), what: 'container(s) and network(s)', errors: r.errors });
  }
  if (sweep.images.length > 0 || sweep.errors.length > 0) results.push({ runId: 'docker images', removed: sweep.images.length, what: 'image(s)', errors: sweep.errors });
  return results;
}
