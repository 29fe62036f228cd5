// Writes a run's report files: report.html and junit.xml rendered from the report and the
// evidence in the run directory, then report.json (which names them). A rendering failure never
// costs the run its report.json: it is reported on stderr and the JSON is written without it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { Topology } from '../spec/topology.js';
import type { RunReport } from './types.js';
import { enrichReport } from './enrich.js';
import { loadEvidence } from './evidence.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { RunReportSchema } from './schema.js';
import { HarnessError } from '../core/errors.js';

export const HTML_FILE = 'report.html';
export const JUNIT_FILE = 'junit.xml';
export const JSON_FILE = 'report.json';

export interface Rendered {
  html?: string;
  junit?: string;
  problems: string[];
}

/** Renders report.html and junit.xml into the run directory and records them in report.artifacts. */
export function renderRunFiles(runDir: string, report: RunReport): Rendered {
  const problems: string[] = [];
  const out: Rendered = { problems };
  try {
    writeAtomic(join(runDir, JUNIT_FILE), renderJunit([{ ...report, artifacts: { ...report.artifacts, html: HTML_FILE } }]));
    report.artifacts.junit = out.junit = JUNIT_FILE;
  } catch (e) {
    problems.push(`junit.xml: ${(e as Error).stack ?? e}`);
  }
  try {
    report.artifacts.html = HTML_FILE;
    writeAtomic(join(runDir, HTML_FILE), renderHtml(report, loadEvidence(runDir, report)));
    out.html = HTML_FILE;
  } catch (e) {
    delete report.artifacts.html;
    problems.push(`report.html: ${(e as Error).stack ?? e}`);
  }
  return out;
}

export function writeReportJson(runDir: string, report: RunReport): void {
  writeAtomic(join(runDir, JSON_FILE), JSON.stringify(report, null, 2) + '\n');
}

/**
 * The end of a run (scenario/run.ts): adds the plan's view of the topology, renders the HTML and
 * JUnit, writes report.json. Never throws for a rendering problem; report.json is always written.
 */
export function writeRunReport(report: RunReport, plan?: { topology: Topology }, description?: string): RunReport {
  if (plan) {
    try {
      enrichReport(report, plan.topology, description);
    } catch (e) {
      process.stderr.write(`overlab: could not describe the topology in the report: ${(e as Error).message}\n`);
    }
  }
  const rendered = renderRunFiles(report.runDir, report);
  for (const p of rendered.problems) process.stderr.write(`overlab: could not render ${p}\n`);
  writeReportJson(report.runDir, report);
  return report;
}

/** Reads and checks a run directory's report.json (for `overlab report`). */
export function readReport(runDir: string): RunReport {
  const file = join(runDir, JSON_FILE);
  if (!existsSync(file)) throw new HarnessError(`${runDir} has no report.json`, { file });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HarnessError(`${file} is not JSON: ${(e as Error).message}`, { file }, { cause: e });
  }
  if (!Value.Check(RunReportSchema, value)) {
    const problems = [...Value.Errors(RunReportSchema, value)].slice(0, 8).map((err) => `  ${err.path || '/'}: ${err.message}`);
    throw new HarnessError(`${file} does not match the report schema (harness/report/report.schema.json):\n${problems.join('\n')}`, { file });
  }
  return value as RunReport;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
