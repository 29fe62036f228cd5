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

/**
 * The failover's outcome as a report says it: its `failover` field, or for a report.json written
 * before that field existed, the old metrics convention (failoverOutageMs -1: never recovered).
 */
export function failoverOutcome(report: Pick<RunReport, 'failover' | 'metrics'>): { recovered: boolean; outageMs?: number } | undefined {
  if (report.failover) return report.failover;
  const ms = report.metrics.failoverOutageMs;
  if (ms === undefined) return undefined;
  return ms < 0 ? { recovered: false } : { recovered: true, outageMs: ms };
}

/** "42 ms" or "never recovered" (undefined when the run judged no failover). */
export function outageText(report: Pick<RunReport, 'failover' | 'metrics'>, format: (ms: number) => string = (ms) => `${Math.round(ms)} ms`): string | undefined {
  const o = failoverOutcome(report);
  if (!o) return undefined;
  return o.recovered && o.outageMs !== undefined ? format(o.outageMs) : 'never recovered';
}
