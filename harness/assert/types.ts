// Assertions are pure functions over evidence: pass/fail with expected, actual and the evidence
// files they read.
export interface AssertionResult {
  id: string;
  title: string;
  status: 'passed' | 'failed';
  expected: string;
  actual: string;
  evidence: string[];
  /**
   * How long the work that judged it took (its probes and reads), in ms: stamped by the runner
   * when the check ran. Results judged together from one probe set share that set's time.
   */
  durationMs?: number;
}

/** Stamps the time the work took on every result it produced that has none of its own yet. */
export async function timed(work: () => Promise<AssertionResult[]>): Promise<AssertionResult[]> {
  const t0 = performance.now();
  const results = await work();
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  for (const r of results) r.durationMs ??= ms;
  return results;
}

export function result(id: string, title: string, ok: boolean, expected: string, actual: string, evidence: string[]): AssertionResult {
  return { id, title, status: ok ? 'passed' : 'failed', expected, actual, evidence };
}

/** At most `n` items, then "(+k more)": actual values stay readable on one line. */
export function listSome(items: readonly string[], n = 4): string {
  return items.length <= n ? items.join('; ') : `${items.slice(0, n).join('; ')} (+${items.length - n} more)`;
}
