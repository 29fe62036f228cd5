// `overlab scenario --all [--parallel N]`: runs the whole library, each run isolated by its own
// run id (its own namespaces, so identical subnets never meet), and prints one table.
import PQueue from 'p-queue';
import { loadScenario, scenarioNames } from '../scenario/resolve.js';
import { exitCodeOf, runScenario } from '../scenario/run.js';
import type { RunReport } from '../report/types.js';

const GROUP_ORDER = ['reference', 'baseline', 'reproduction', 'other'];

export async function runAll(options: { parallel: number; provider?: string; signal?: AbortSignal; names?: string[] }): Promise<{ reports: RunReport[]; code: number }> {
  const specs = (options.names ?? scenarioNames()).map((name) => loadScenario(name));
  specs.sort((a, b) => GROUP_ORDER.indexOf(a.group ?? 'other') - GROUP_ORDER.indexOf(b.group ?? 'other'));
  const queue = new PQueue({ concurrency: Math.max(1, options.parallel) });
  const started = performance.now();
  const reports = (await Promise.all(
    specs.map((spec) =>
      queue.add(async () => {
        const report = await runScenario(spec, { provider: options.provider, signal: options.signal });
        console.log(`${report.status.padEnd(16)} ${spec.name} (${(report.durationMs / 1000).toFixed(1)} s)`);
        return report;
      }),
    ),
  )) as RunReport[];
  printTable(reports, specs.map((s) => s.group ?? 'other'));
  console.log(`${reports.length} scenarios in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${options.parallel} at once`);
  const codes = reports.map((r) => exitCodeOf(r.status));
  return { reports, code: codes.includes(2) ? 2 : codes.includes(1) ? 1 : 0 };
}

function printTable(reports: readonly RunReport[], groups: readonly string[]): void {
  const rows = reports.map((r, i) => {
    const passed = r.assertions.filter((a) => a.status === 'passed').length;
    const outage = r.metrics.failoverOutageMs;
    return [
      groups[i] ?? '',
      r.scenario,
      r.status,
      `${passed}/${r.assertions.length}`,
      outage === undefined ? '-' : outage < 0 ? 'no recovery' : `${outage.toFixed(0)} ms`,
      `${(r.durationMs / 1000).toFixed(1)} s`,
      r.error ? `${r.error.name}: ${r.error.message.split('\n')[0]}` : (r.reproduction?.verdict ?? ''),
    ];
  });
  const head = ['group', 'scenario', 'status', 'passed', 'outage', 'wall', 'verdict'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(60, (r[i] ?? '').length))));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  console.log('\n' + fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}
