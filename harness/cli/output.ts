// Terminal output: one plain line per phase and per assertion, then a summary.
import type { AssertionResult } from '../assert/types.js';
import type { PhaseRecord, RunReport } from '../scenario/run.js';
import { join } from 'node:path';

export function printPhase(p: PhaseRecord): void {
  console.log(`${p.status === 'passed' ? '  ok ' : ' ERR '} phase ${p.name} ${p.durationMs} ms`);
}

export function printAssertion(a: AssertionResult): void {
  console.log(`${a.status === 'passed' ? 'PASS' : 'FAIL'} ${a.id}: ${a.title} — ${a.actual}${a.status === 'failed' ? ` (expected: ${a.expected})` : ''}`);
}

export function printSummary(r: RunReport): void {
  const passed = r.assertions.filter((a) => a.status === 'passed').length;
  if (r.error) console.log(`error: ${r.error.name}: ${r.error.message}`);
  const m = r.metrics;
  console.log(
    `${r.scenario} ${r.status.toUpperCase()}: ${passed}/${r.assertions.length} assertions passed; boot ${m.bootMs ?? '-'} ms, teardown ${m.teardownMs ?? '-'} ms, total ${r.durationMs} ms; run ${r.runId}`,
  );
  if (r.reproduction) console.log(`reproduction: ${r.reproduction.verdict}`);
  console.log(`report: ${join(r.runDir, 'report.json')}`);
}
