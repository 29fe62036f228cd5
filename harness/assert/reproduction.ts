// Judges a reproduction scenario: the symptom it declares is exactly the set of assertions that
// must fail. `reproduced` when each expected pattern matches a failed assertion and nothing else
// failed; `failed` when the symptom did not show (or something else broke); `not-reproducible`
// when the scenario says this provider cannot show the symptom and the run agrees.
import type { AssertionResult } from './types.js';

export interface ReproductionSpec {
  expectFailed: string[];
  notReproducible?: string;
}

export function matchesPattern(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

export function judgeReproduction(spec: ReproductionSpec, assertions: readonly AssertionResult[]): { status: 'reproduced' | 'failed' | 'not-reproducible'; verdict: string } {
  const failed = assertions.filter((a) => a.status === 'failed');
  const missing = spec.expectFailed.filter((p) => !failed.some((a) => matchesPattern(a.id, p)));
  const unexpected = failed.filter((a) => !spec.expectFailed.some((p) => matchesPattern(a.id, p)));
  if (missing.length === 0 && unexpected.length === 0) {
    if (spec.notReproducible) return { status: 'not-reproducible', verdict: `not reproducible on this provider: ${spec.notReproducible}` };
    return { status: 'reproduced', verdict: spec.expectFailed.length ? `symptom shown: ${failed.map((a) => a.id).join(', ')} failed as declared` : 'symptom shown' };
  }
  const parts: string[] = [];
  if (missing.length) parts.push(`expected to fail but passed: ${missing.join(', ')}`);
  if (unexpected.length) parts.push(`failed but not part of the declared symptom: ${unexpected.map((a) => a.id).join(', ')}`);
  return { status: 'failed', verdict: `the declared symptom did not show: ${parts.join('; ')}` };
}
