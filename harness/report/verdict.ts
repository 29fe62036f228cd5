// How a report's assertions read for a scenario that reproduces a known failure: a failed
// assertion that the scenario declares (reproduction.expectFailed: ids, or prefixes ending in *)
// is the symptom, not a regression.
import type { RunReport } from './types.js';

export function matchesDeclared(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** The assertion is part of the symptom the scenario declares. */
export function expectedFailure(report: Pick<RunReport, 'reproduction'>, id: string): boolean {
  return (report.reproduction?.expectFailed ?? []).some((p) => matchesDeclared(id, p));
}
