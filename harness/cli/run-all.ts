// `overlab scenario --all [--parallel N]`: runs the whole library, each run isolated by its own
// run id (its own namespaces, so identical subnets never meet), and prints one table.
import PQueue from 'p-queue';
import { loadScenario, scenarioNames } from '../scenario/resolve.js';
import { validateSpec } from '../spec/load.js';
import { exitCodeOf, runScenario } from '../scenario/run.js';
import type { RunReport } from '../report/types.js';
import { formatTable, pad } from '../core/table.js';
import { outageText } from '../report/verdict.js';

const GROUP_ORDER = ['reference', 'baseline', 'reproduction', 'other'];

export async function runAll(options: { parallel: number; provider?: string; agent?: string; signal?: AbortSignal; names?: string[] }): Promise<{ reports: RunReport[]; code: number }> {
  // --agent: every scenario's flannel.agent overridden (e.g. the whole library on real flanneld).
  const specs = (options.names ?? scenarioNames()).map((name) => loadScenario(name)).map((spec) => (options.agent ? validateSpec({ ...spec, flannel: { ...spec.flannel, agent: options.agent } }, `${spec.name} with --agent ${options.agent}`) : spec));
  specs.sort((a, b) => GROUP_ORDER.indexOf(a.group ?? 'other') - GROUP_ORDER.indexOf(b.group ?? 'other'));
  const queue = new PQueue({ concurrency: Math.max(1, options.parallel) });
  const started = performance.now();
  const reports = (await Promise.all(
    specs.map((spec) =>
      queue.add(async () => {
        // A scenario that cannot start here (a missing prerequisite, an agent this provider
        // lacks) is an error row; the others still run and tear down before the table.
        const report = await runScenario(spec, { provider: options.provider, signal: options.signal }).catch((e: unknown) => notRun(spec.name, options.provider ?? spec.provider ?? 'netns', e as Error));
        console.log(`${pad(report.status, 16)} ${spec.name} (${(report.durationMs / 1000).toFixed(1)} s)`);
        return report;
      }),
    ),
  )) as RunReport[];
  console.log('\n' + formatRunTable(reports, specs.map((s) => s.group ?? 'other')));
  console.log(`${reports.length} scenarios in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${options.parallel} at once`);
  const codes = reports.map((r) => exitCodeOf(r.status));
  return { reports, code: codes.includes(2) ? 2 : codes.includes(1) ? 1 : 0 };
}

/** The report of a run that never started: status error, with the reason. */
export function notRun(scenario: string, provider: string, e: Error): RunReport {
  return {
    schemaVersion: 1,
    scenario,
    provider,
    runId: '-',
    status: 'error',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    phases: [],
    topology: { nodes: [], bigips: [] },
    assertions: [],
    metrics: {},
    artifacts: { pcaps: [] },
    runDir: '',
    error: { name: e.name, message: e.message },
  };
}

/** One row per run; a verdict or error longer than 60 characters does not widen its column. */
export function formatRunTable(reports: readonly RunReport[], groups: readonly string[]): string {
  const rows = reports.map((r, i) => {
    const passed = r.assertions.filter((a) => a.status === 'passed').length;
    const outage = outageText(r, (ms) => `${ms.toFixed(0)} ms`);
    return [
      groups[i] ?? '',
      r.scenario,
      r.status,
      `${passed}/${r.assertions.length}`,
      outage ?? '-',
      `${(r.durationMs / 1000).toFixed(1)} s`,
      r.error ? `${r.error.name}: ${r.error.message.split('\n')[0]}` : (r.reproduction?.verdict ?? ''),
    ];
  });
  return formatTable([['group', 'scenario', 'status', 'passed', 'outage', 'wall', 'verdict'], ...rows], { rule: true, maxWidth: 60 });
}
