// junit.xml: one <testsuite> per scenario run, one <testcase> per assertion, in the JUnit XML
// dialect that Jenkins (junit plugin), GitLab (artifacts:reports:junit) and GitHub test-report
// actions read: <testsuites> → <testsuite name tests failures errors skipped time timestamp> →
// <properties>, <testcase name classname time> with <failure message type>, <error> or <skipped>,
// and <system-out>. harness/report/junit.xsd describes exactly this shape; a test checks every
// file written against it.
//
// Mapping: a failed assertion is a <failure> whose message and text carry expected and actual;
// a run that could not run (status error) gets a `harness` testcase with an <error>; in a
// scenario that reproduces a known failure, each declared failure is <skipped> ("expected
// failure", as pytest reports xfail) and a `reproduction` testcase carries the verdict: passed
// when reproduced, failed when the symptom did not show, skipped (with the reason) when this
// provider cannot show it. A testcase's time is its assertion's own (durationMs: the probes and
// reads that judged it).
import { hostname } from 'node:os';
import type { AssertionResult } from '../assert/types.js';
import type { RunReport } from './types.js';
import { expectedFailure } from './verdict.js';

interface Case {
  name: string;
  classname: string;
  time: number;
  outcome?: { kind: 'failure' | 'error' | 'skipped'; message: string; type?: string; text?: string };
  out?: string;
}

export function renderJunit(reports: readonly RunReport[], options: { hostname?: string } = {}): string {
  const host = options.hostname ?? hostname();
  const suites = reports.map((r, i) => suiteOf(r, i, host));
  const totals = suites.reduce((t, s) => ({ tests: t.tests + s.tests, failures: t.failures + s.failures, errors: t.errors + s.errors, time: t.time + s.time }), { tests: 0, failures: 0, errors: 0, time: 0 });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="overlab" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${secs(totals.time)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

function suiteOf(r: RunReport, index: number, host: string): { xml: string; tests: number; failures: number; errors: number; time: number } {
  const cases: Case[] = r.assertions.map((a) => caseOf(r, a));
  if (r.reproduction) {
    // Reproduced: the verdict passes. Not reproducible here: the symptom was not shown, so the
    // verdict is skipped with the reason (green would claim a reproduction nobody saw).
    const outcome: Case['outcome'] =
      r.status === 'not-reproducible'
        ? { kind: 'skipped', message: r.reproduction.verdict }
        : r.status === 'reproduced' || r.status === 'error'
          ? undefined
          : { kind: 'failure', type: 'SymptomNotShown', message: r.reproduction.verdict, text: `declared to fail: ${r.reproduction.expectFailed.join(', ')}\n${r.reproduction.verdict}\n` };
    cases.push({
      name: `reproduction: ${r.reproduction.symptom}`,
      classname: `overlab.${r.scenario}`,
      time: 0,
      out: `verdict: ${r.reproduction.verdict}\nroot cause: ${r.reproduction.rootCause}\nfix: ${r.reproduction.fix}\n`,
      ...(outcome ? { outcome } : {}),
    });
  }
  if (r.status === 'error') {
    const failedPhase = r.phases.find((p) => p.status === 'error' || p.status === 'failed');
    const message = r.error ? `${r.error.name}: ${r.error.message}` : 'the harness could not run';
    cases.unshift({
      name: 'harness: the testbed ran',
      classname: `overlab.${r.scenario}`,
      time: r.durationMs / 1000,
      outcome: { kind: 'error', type: r.error?.name ?? 'HarnessError', message: firstLine(message), text: `${message}\n${failedPhase ? `phase: ${failedPhase.name} (${failedPhase.status} after ${failedPhase.durationMs} ms)\n` : ''}run directory: ${r.runDir}\n` },
    });
  }
  const failures = cases.filter((c) => c.outcome?.kind === 'failure').length;
  const errors = cases.filter((c) => c.outcome?.kind === 'error').length;
  const skipped = cases.filter((c) => c.outcome?.kind === 'skipped').length;
  const props: [string, string][] = [
    ['runId', r.runId],
    ['scenario', r.scenario],
    ['provider', r.provider],
    ['status', r.status],
    ['startedAt', r.startedAt],
    ['runDir', r.runDir],
    ...(r.artifacts.html ? ([['report.html', r.artifacts.html]] as [string, string][]) : []),
    ...Object.entries(r.metrics).map(([k, v]): [string, string] => [`metrics.${k}`, String(v)]),
  ];
  const lines = [
    `  <testsuite name="${attr(r.scenario)}" id="${index}" package="overlab" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(r.durationMs / 1000)}" timestamp="${attr(timestamp(r.startedAt))}" hostname="${attr(host)}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="${secs(c.time)}"`;
    if (!c.outcome && !c.out) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (c.outcome) {
      const o = c.outcome;
      lines.push(`      <${o.kind} message="${attr(o.message)}"${o.type ? ` type="${attr(o.type)}"` : ''}>${text(o.text ?? '')}</${o.kind}>`);
    }
    if (c.out) lines.push(`      <system-out>${text(c.out)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push(`    <system-out>${text(`overlab run ${r.runId} of ${r.scenario} on ${r.provider}: ${r.status}\n${r.artifacts.html ? `report: ${r.runDir}/${r.artifacts.html}\n` : ''}`)}</system-out>`);
  lines.push('  </testsuite>');
  return { xml: lines.join('\n'), tests: cases.length, failures, errors, time: r.durationMs / 1000 };
}

function caseOf(r: RunReport, a: AssertionResult): Case {
  const c: Case = {
    name: `${a.id}: ${a.title}`,
    classname: `overlab.${r.scenario}.${a.id.replace(/\[.*$/, '')}`,
    time: (a.durationMs ?? 0) / 1000,
    out: `expected: ${a.expected}\nactual: ${a.actual}\nevidence: ${a.evidence.join(', ') || '(none)'}\n`,
  };
  if (a.status === 'failed') {
    c.outcome =
      r.reproduction && expectedFailure(r, a.id)
        ? { kind: 'skipped', message: `expected failure: part of the declared symptom (${r.reproduction.symptom})` }
        : { kind: 'failure', type: 'AssertionFailed', message: `expected ${a.expected}; actual ${a.actual}`, text: `${a.title}\nexpected: ${a.expected}\nactual: ${a.actual}\nevidence: ${a.evidence.join(', ') || '(none)'}\n` };
  }
  return c;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** JUnit timestamps carry no zone (the Ant format): the UTC time, to the second. */
function timestamp(iso: string): string {
  return iso.replace(/\.\d+Z$|Z$/, '');
}

function secs(s: number): string {
  return (Math.max(0, s) || 0).toFixed(3);
}

/** Characters XML 1.0 cannot carry at all (control characters other than tab, LF, CR). */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
