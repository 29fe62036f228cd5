// Assertions are pure functions over evidence: pass/fail with expected, actual and the evidence
// files they read.
export interface AssertionResult {
  id: string;
  title: string;
  status: 'passed' | 'failed';
  expected: string;
  actual: string;
  evidence: string[];
}

export function result(id: string, title: string, ok: boolean, expected: string, actual: string, evidence: string[]): AssertionResult {
  return { id, title, status: ok ? 'passed' : 'failed', expected, actual, evidence };
}

/** At most `n` items, then "(+k more)": actual values stay readable on one line. */
export function listSome(items: readonly string[], n = 4): string {
  return items.length <= n ? items.join('; ') : `${items.slice(0, n).join('; ')} (+${items.length - n} more)`;
}
