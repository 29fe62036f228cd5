// Terminal output of a run. On a terminal: one status line that updates in place (the phase
// running, its elapsed time and the run's), a line per finished phase, failed assertions as
// they come, and a summary table at the end. When stdout is not a terminal, or CI=true, or
// TERM=dumb: plain lines only (one per phase, one per failed assertion), then the same table.
import type { AssertionResult } from '../assert/types.js';
import type { PhaseRecord, RunReport } from '../report/types.js';
import { expectedFailure } from '../report/verdict.js';
import { join } from 'node:path';
import type { ScenarioSpec } from '../spec/schema.js';
import { stepName } from '../scenario/steps/index.js';
import { pad, tableLines, visibleLength } from '../core/table.js';

export interface OutputOptions {
  /** Where to write (default process.stdout). */
  stream?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  /** Force live (updating) output on or off; default: a TTY, not CI=true, not TERM=dumb. */
  live?: boolean;
  /** Force colours on or off; default: live output and no NO_COLOR. */
  color?: boolean;
}

export interface Progress {
  /** RunOptions.onPhase */
  phase(p: PhaseRecord): void;
  /** RunOptions.onAssertion */
  assertion(a: AssertionResult): void;
  /** Stops the status line (call before printing anything else). */
  stop(): void;
}

export function isLive(stream: { isTTY?: boolean } = process.stdout): boolean {
  return Boolean(stream.isTTY) && process.env.CI !== 'true' && process.env.TERM !== 'dumb';
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function palette(on: boolean) {
  const c = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: c('32'), red: c('31'), yellow: c('33'), magenta: c('35'), cyan: c('36'), dim: c('2'), bold: c('1') };
}

/**
 * Live progress for one run. `steps` are the phase names the run is expected to go through, in
 * order (stepName of each scenario step); the status line names the one running now.
 */
export function createProgress(title: string, steps: readonly string[], options: OutputOptions = {}): Progress {
  const out = options.stream ?? process.stdout;
  const live = options.live ?? isLive(out);
  const col = palette(options.color ?? (live && !process.env.NO_COLOR));
  const t0 = performance.now();
  let phaseStart = t0;
  let index = 0;
  let passed = 0;
  let failed = 0;
  let frame = 0;
  let shown = false;
  const width = () => Math.max(40, ((out as { columns?: number }).columns || 100) - 1);
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const clear = () => {
    if (shown) out.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (!live) return;
    const now = performance.now();
    const name = steps[index] ?? 'finishing';
    const counts = passed + failed > 0 ? `  ${col.green(`${passed} passed`)}${failed ? `, ${col.red(`${failed} failed`)}` : ''}` : '';
    const head = `${col.cyan(SPINNER[frame++ % SPINNER.length]!)} ${col.dim(`[${Math.min(index + 1, steps.length)}/${steps.length}]`)} ${col.bold(truncate(name, 40))}  ${secs(now - phaseStart)}${counts}`;
    const tail = `  ${col.dim(`${title} · ${secs(now - t0)}`)}`;
    // Never wrap: a wrapped status line cannot be redrawn in place.
    out.write(`\r\x1b[2K${visibleLength(head + tail) <= width() ? head + tail : head}`);
    shown = true;
  };
  const print = (line: string) => {
    clear();
    out.write(line + '\n');
    draw();
  };
  const timer = live ? setInterval(draw, 100) : undefined;
  timer?.unref();
  if (live) draw();
  else out.write(`${title}: ${steps.length} steps\n`);

  return {
    phase(p) {
      const elapsed = performance.now() - t0;
      const mark = p.status === 'passed' ? col.green('✓') : p.status === 'skipped' ? col.dim('-') : col.red('✗');
      const word = live ? mark : p.status === 'passed' ? '  ok ' : p.status === 'skipped' ? ' skip' : ' ERR ';
      // Move on to the next expected phase (resynchronise by name when the run skipped some).
      const at = steps.indexOf(p.name, index);
      index = (at >= 0 ? at : index) + 1;
      phaseStart = performance.now();
      print(`${word} ${live ? '' : 'phase '}${pad(p.name, 18)} ${pad(fmt(p.durationMs), 9, 'right')}${p.status !== 'passed' && p.status !== 'skipped' ? `  ${col.red(p.status)}` : ''}  ${col.dim(`t+${secs(elapsed)}`)}`);
    },
    assertion(a) {
      if (a.status === 'passed') passed++;
      else failed++;
      // A log gets every verdict as it comes (one line each); a terminal only the failures, with
      // what was expected: the passes are in the summary table.
      if (!live) print(`${a.status === 'passed' ? 'PASS' : 'FAIL'} ${a.id}: ${a.title} — ${a.actual}${a.status === 'failed' ? ` (expected: ${a.expected})` : ''}`);
      else if (a.status === 'failed') print(`${col.red('FAIL')} ${a.id}: ${a.actual}\n     ${col.dim(`expected: ${a.expected}`)}`);
      else draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

/** The summary after a run: a table of assertions, the verdict, the metrics, and where the report is. */
export function formatSummary(r: RunReport, options: { color?: boolean; width?: number } = {}): string {
  const col = palette(options.color ?? false);
  const width = options.width ?? 120;
  const lines: string[] = [];
  const rows = summaryRows(r);
  if (rows.length) {
    // Ids are cut to 44 characters, so what was found keeps most of a narrow terminal.
    const idW = Math.min(44, Math.max(9, ...rows.map((x) => x.id.length)));
    const actualW = Math.max(20, width - idW - 10);
    const word = (s: Row['status']) => (s === 'PASS' ? col.green('PASS') : s === 'XFAIL' ? col.magenta('XFAIL') : col.red('FAIL'));
    const [head, ...body] = tableLines([['RESULT', 'ASSERTION', 'ACTUAL'], ...rows.map((row) => [word(row.status), truncate(row.id, idW), truncate(row.actual, actualW)])]);
    lines.push('', col.dim(head!));
    rows.forEach((row, i) => {
      lines.push(body[i]!);
      if (row.status === 'FAIL') lines.push(`${' '.repeat(8 + idW)}${col.dim(truncate(`expected: ${row.expected}`, actualW))}`);
    });
  }
  lines.push('');
  if (r.error) lines.push(col.red(`error: ${r.error.name}: ${r.error.message}`));
  if (r.reproduction) lines.push(`reproduction: ${r.reproduction.verdict}`);
  const passed = r.assertions.filter((a) => a.status === 'passed').length;
  const status = r.status.toUpperCase();
  const verdict = r.status === 'passed' ? col.green(status) : r.status === 'reproduced' || r.status === 'not-reproducible' || r.status === 'kept' ? col.magenta(status) : col.red(status);
  const m = r.metrics;
  // One line that scripts may read: "<scenario> <STATUS>: n/m assertions passed; boot x ms,
  // teardown y ms, total z ms; ...; run <id>".
  const extra = [
    m.failoverOutageMs !== undefined ? `outage ${m.failoverOutageMs < 0 ? 'never recovered' : `${round(m.failoverOutageMs)} ms`}` : '',
    m.probesSent !== undefined ? `probes lost ${m.probesLost ?? 0}/${m.probesSent}` : '',
  ].filter(Boolean);
  lines.push(
    `${col.bold(r.scenario)} ${verdict}: ${passed}/${r.assertions.length} assertions passed; boot ${m.bootMs !== undefined ? round(m.bootMs) : '-'} ms, teardown ${m.teardownMs !== undefined ? round(m.teardownMs) : '-'} ms, total ${round(r.durationMs)} ms${extra.length ? `; ${extra.join(', ')}` : ''}${r.agent ? `; flannel: ${r.agent.kind}${r.agent.flanneld ? ` ${r.agent.flanneld}` : ''}` : ''}; run ${r.runId}`,
  );
  const files: [string, string | undefined][] = [
    ['html:', r.artifacts.html ? join(r.runDir, r.artifacts.html) : undefined],
    ['junit:', r.artifacts.junit ? join(r.runDir, r.artifacts.junit) : undefined],
    ['report:', join(r.runDir, 'report.json')],
    ['bundle:', r.artifacts.bundle ? join(r.runDir, r.artifacts.bundle) : undefined],
  ];
  lines.push(...tableLines(files.flatMap(([label, file]) => (file ? [[col.dim(label), file]] : [])), { gap: ' ' }));
  return lines.join('\n');
}

interface Row {
  status: 'PASS' | 'FAIL' | 'XFAIL';
  id: string;
  actual: string;
  expected: string;
}

/** Every failed assertion; passed ones one by one, or per check with a count when there are many. */
function summaryRows(r: RunReport): Row[] {
  const many = r.assertions.length > 24;
  const rows: Row[] = [];
  const familyDone = new Set<string>();
  for (const a of r.assertions) {
    if (a.status === 'failed') {
      rows.push({ status: expectedFailure(r, a.id) ? 'XFAIL' : 'FAIL', id: a.id, actual: a.actual, expected: a.expected });
      continue;
    }
    if (!many) {
      rows.push({ status: 'PASS', id: a.id, actual: a.actual, expected: a.expected });
      continue;
    }
    const fam = a.id.replace(/\[.*$/, '');
    if (familyDone.has(fam)) continue;
    familyDone.add(fam);
    const members = r.assertions.filter((x) => x.status === 'passed' && x.id.replace(/\[.*$/, '') === fam);
    rows.push({ status: 'PASS', id: members.length > 1 ? `${fam} (${members.length})` : a.id, actual: members.length > 1 ? `all ${members.length} passed` : a.actual, expected: '' });
  }
  return rows;
}

export function printSummary(r: RunReport, options: OutputOptions = {}): void {
  const out = options.stream ?? process.stdout;
  const color = options.color ?? (isLive(out) && !process.env.NO_COLOR);
  // A terminal gets lines cut to its width; a log (not a TTY) gets them whole.
  out.write(formatSummary(r, { color, width: (out as { isTTY?: boolean }).isTTY ? ((out as { columns?: number }).columns || 120) : Infinity }) + '\n');
}

/** One plain line per phase (for `overlab up`, which has no assertions). */
export function printPhase(p: PhaseRecord): void {
  console.log(`${p.status === 'passed' ? '  ok ' : ' ERR '} phase ${p.name} ${p.durationMs} ms`);
}

export function printAssertion(a: AssertionResult): void {
  console.log(`${a.status === 'passed' ? 'PASS' : 'FAIL'} ${a.id}: ${a.title} — ${a.actual}${a.status === 'failed' ? ` (expected: ${a.expected})` : ''}`);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function fmt(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Cuts a plain (uncoloured) string to n characters. */
function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, Math.max(0, n - 1)) + '…';
}

/** The phases a run of `spec` goes through, by name (as RunOptions.onPhase will report them). */
export function plannedPhases(spec: Pick<ScenarioSpec, 'steps'>): string[] {
  return (spec.steps ?? ['boot', 'configure', 'assert', 'teardown']).map(stepName);
}
