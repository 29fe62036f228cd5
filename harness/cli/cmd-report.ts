// `overlab report <run-dir>...`: renders report.html and junit.xml again from a run's report.json
// and evidence (after an upgrade, or for a run copied from elsewhere), optionally bundles the run
// directory, and with --junit writes one JUnit file with a testsuite per run (for CI jobs that
// run several scenarios). A run is named by its directory, by <scenario>/<run-id>, by its run id,
// or by a scenario name (its latest run that ran checks: not a `kept` one), all under the reports directory.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { HarnessError, NotFoundError } from '../core/errors.js';
import { REPORTS_DIR } from '../core/paths.js';
import { bundleRun } from '../report/bundle.js';
import { renderJunit } from '../report/junit.js';
import type { RunReport } from '../report/types.js';
import { readReport, renderRunFiles, writeReportJson } from '../report/write.js';

interface ReportArgs {
  runs: string[];
  bundle: boolean;
  junit?: string;
}

/** Finds a run directory (one holding report.json) from what the user typed. */
export function resolveRunDir(what: string, reportsDir: string = REPORTS_DIR): string {
  const candidates = [resolve(what), join(reportsDir, what)];
  for (const c of candidates) if (existsSync(join(c, 'report.json'))) return c;
  // A run id: reports/<scenario>/<id>.
  if (/^[0-9a-f]{4,}$/.test(what) && existsSync(reportsDir)) {
    for (const scenario of readdirSync(reportsDir)) {
      const dir = join(reportsDir, scenario, what);
      if (existsSync(join(dir, 'report.json'))) return dir;
    }
  }
  // A scenario name: its most recent run.
  for (const c of candidates) {
    if (!existsSync(c) || !statSync(c).isDirectory()) continue;
    const runs = readdirSync(c)
      .map((name) => join(c, name))
      .filter((dir) => existsSync(join(dir, 'report.json')) && !isKeptWithoutChecks(dir))
      .sort((a, b) => statSync(join(b, 'report.json')).mtimeMs - statSync(join(a, 'report.json')).mtimeMs);
    if (runs[0]) return runs[0];
  }
  throw new NotFoundError(`no run "${what}": give a run directory (one with report.json), <scenario>/<run-id>, a run id or a scenario name under ${reportsDir}`);
}

/** A run that only booted and stayed up (status kept): not a scenario's latest result. */
function isKeptWithoutChecks(runDir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { status?: string }).status === 'kept';
  } catch {
    return false;
  }
}

/** Re-renders one run; returns its report with artifacts updated (report.json rewritten). */
export async function rerender(runDir: string, options: { bundle?: boolean } = {}): Promise<{ report: RunReport; problems: string[] }> {
  const report = readReport(runDir);
  // The report may have moved with its directory (a bundle unpacked elsewhere): links are relative.
  report.runDir = runDir;
  if (options.bundle) report.artifacts.bundle = `../${basename(runDir)}.tar.gz`;
  const rendered = renderRunFiles(runDir, report);
  writeReportJson(runDir, report);
  if (options.bundle) await bundleRun(runDir);
  return { report, problems: rendered.problems };
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <runs..>',
  describe: 'render report.html and junit.xml again from a run\'s report.json and evidence',
  builder: (y) =>
    y
      .positional('runs', { type: 'string', array: true, demandOption: true, describe: 'run directories, <scenario>/<run-id>, run ids, or scenario names (latest run)' })
      .option('bundle', { type: 'boolean', default: false, describe: 'also write <run-dir>.tar.gz beside each run directory' })
      .option('junit', { type: 'string', describe: 'also write one JUnit file with a testsuite per run to this path' }),
  handler: async (args) => {
    const reports: RunReport[] = [];
    let failures = 0;
    for (const what of args.runs) {
      const runDir = resolveRunDir(what);
      const { report, problems } = await rerender(runDir, { bundle: args.bundle });
      reports.push(report);
      for (const p of problems) process.stderr.write(`overlab: could not render ${p}\n`);
      failures += problems.length;
      console.log(`${report.scenario} ${report.runId} (${report.status}):`);
      if (report.artifacts.html) console.log(`  html:   ${join(runDir, report.artifacts.html)}`);
      if (report.artifacts.junit) console.log(`  junit:  ${join(runDir, report.artifacts.junit)}`);
      if (report.artifacts.bundle) console.log(`  bundle: ${resolve(runDir, report.artifacts.bundle)}${args.bundle ? '' : ' (written earlier; --bundle writes it again)'}`);
    }
    if (args.junit) {
      writeFileSync(args.junit, renderJunit(reports));
      console.log(`junit: ${resolve(args.junit)} (${reports.length} testsuite${reports.length === 1 ? '' : 's'})`);
    }
    if (failures) throw new HarnessError(`${failures} file(s) could not be rendered (see above)`);
  },
};

/** `overlab scenario --bundle`: records the bundle in the report, renders again, then packs the run directory. */
export async function bundleAfterRun(report: RunReport): Promise<string> {
  report.artifacts.bundle = `../${basename(report.runDir)}.tar.gz`;
  const rendered = renderRunFiles(report.runDir, report);
  for (const p of rendered.problems) process.stderr.write(`overlab: could not render ${p}\n`);
  writeReportJson(report.runDir, report);
  return (await bundleRun(report.runDir)).path;
}
