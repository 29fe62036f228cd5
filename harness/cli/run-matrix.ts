// `overlab scenario <s> --matrix path=v1,v2 ...`: every combination run (--parallel N at once,
// each isolated by its own run id), one table in the terminal, and in reports/<s>-matrix/<when>/
// one junit.xml with a testsuite per combination, a summary page and summary.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import PQueue from 'p-queue';
import type { ScenarioSpec } from '../spec/schema.js';
import { combinations, parseMatrix } from '../scenario/matrix.js';
import { exitCodeOf, runScenario, type RunOptions } from '../scenario/run.js';
import type { RunReport } from '../report/types.js';
import { renderJunit } from '../report/junit.js';
import { esc } from '../report/html-util.js';
import { REPORTS_DIR } from '../core/paths.js';
import { pad } from '../core/table.js';
import { formatRunTable, notRun } from './run-all.js';

export async function runMatrix(base: ScenarioSpec, words: readonly string[], options: Pick<RunOptions, 'provider' | 'providerOptions' | 'signal'> & { parallel: number }): Promise<{ code: number; dir: string; reports: RunReport[]; labels: string[] }> {
  const combos = combinations(base, parseMatrix(words));
  const provider = options.provider ?? base.provider ?? 'netns';
  const queue = new PQueue({ concurrency: Math.max(1, options.parallel) });
  const started = performance.now();
  console.log(`${base.name}: ${combos.length} combinations on ${provider}, ${options.parallel} at once`);
  const reports = (await Promise.all(
    combos.map((c) =>
      queue.add(async () => {
        const report = c.spec ? await runScenario(c.spec, { provider: options.provider, providerOptions: options.providerOptions, signal: options.signal }).catch((e: unknown) => notRun(c.spec!.name, provider, e as Error)) : notRun(base.name, provider, c.error!);
        console.log(`${pad(report.status, 16)} ${c.label} (${(report.durationMs / 1000).toFixed(1)} s)`);
        return report;
      }),
    ),
  )) as RunReport[];
  const labels = combos.map((c) => c.label);
  console.log('\n' + formatRunTable(reports, labels).replace(/^group/, 'combination'));
  const dir = join(REPORTS_DIR, `${base.name}-matrix`, new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'junit.xml'), renderJunit(reports));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ scenario: base.name, provider, matrix: words, combinations: reports.map((r, i) => ({ label: labels[i], status: r.status, runId: r.runId, runDir: r.runDir, passed: r.assertions.filter((a) => a.status === 'passed').length, assertions: r.assertions.length, error: r.error?.message })) }, null, 2) + '\n');
  writeFileSync(join(dir, 'index.html'), summaryPage(base.name, words, reports, labels, dir));
  const wall = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${combos.length} combinations in ${wall} s wall; junit: ${join(dir, 'junit.xml')}; summary: ${join(dir, 'index.html')}`);
  const codes = reports.map((r) => exitCodeOf(r.status));
  return { code: codes.includes(2) ? 2 : codes.includes(1) ? 1 : 0, dir, reports, labels };
}

function summaryPage(name: string, words: readonly string[], reports: readonly RunReport[], labels: readonly string[], dir: string): string {
  const rows = reports.map((r, i) => {
    const passed = r.assertions.filter((a) => a.status === 'passed').length;
    const link = r.runDir ? `<a href="${esc(relative(dir, join(r.runDir, 'report.html')))}">${esc(r.runId)}</a>` : '-';
    const failed = r.assertions.filter((a) => a.status !== 'passed').map((a) => a.id).join(', ');
    return `<tr class="${esc(r.status)}"><td>${esc(labels[i])}</td><td>${esc(r.status)}</td><td>${passed}/${r.assertions.length}</td><td>${esc(r.error?.message.split('\n')[0] ?? failed)}</td><td>${link}</td></tr>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(name)} matrix</title><style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}.passed td:nth-child(2){color:#1a7f37}.failed td:nth-child(2),.error td:nth-child(2){color:#cf222e}</style></head><body><h1>${esc(name)}: ${reports.length} combinations</h1><p><code>--matrix ${esc(words.join(' '))}</code></p><table><tr><th>combination</th><th>status</th><th>passed</th><th>failed checks or error</th><th>run</th></tr>${rows.join('')}</table></body></html>\n`;
}
