// The netns provider's part of `overlab clean`: a run's namespaces come from its ledger and from
// its own names (`ol-<run>` and `ol-<run>.*`, never a broader pattern); teardown removes them
// with every process inside.
import { LocalRunner } from '../../core/command.js';
import { ResourceLedger } from '../../core/ledger.js';
import type { CleanOutcome, CleanTarget } from '../types.js';
import { NetnsProvider } from './provider.js';
import { belongsToRun, type NetnsEntry } from './names.js';

async function netnsList(): Promise<string[]> {
  const r = await new LocalRunner().run(['ip', '-j', 'netns', 'list'], { allowFailure: true });
  if (r.exitCode !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}

export async function cleanNetnsRun(run: CleanTarget): Promise<CleanOutcome> {
  const namespaces = await netnsList();
  const entries = [...run.entries];
  const listed = new Set(entries.flatMap((e) => (e.kind === 'netns' && typeof e.name === 'string' ? [e.name] : [])));
  for (const ns of namespaces) if (belongsToRun(ns, run.runId) && !listed.has(ns)) entries.push({ kind: 'netns', name: ns } satisfies NetnsEntry);
  const present = entries.filter((e) => e.kind !== 'netns' || namespaces.includes(String(e.name)));
  const provider = new NetnsProvider({ runId: run.runId, ledger: new ResourceLedger(run.runDir) });
  const failures = await provider.teardown(present);
  return { runId: run.runId, removed: present.filter((e) => e.kind === 'netns').length, what: 'namespace(s)', errors: failures.map((f) => f.message) };
}
