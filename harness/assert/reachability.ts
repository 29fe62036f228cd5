import type { PingResult } from '../probes/ping.js';
import type { ExpectedProbes } from './departed.js';
import { listSome, result, type AssertionResult } from './types.js';

/**
 * Every probe in the matrix got a reply. `departed`: how the matrix was judged after nodes left
 * (assert/departed.ts): the probes no longer expected were taken out, and the expectation names
 * them and those still expected because a unit still holds their node. A matrix that had only
 * probes no longer expected passes: nothing was left to reach.
 */
export function assertReachability(id: string, title: string, matrix: readonly PingResult[], evidence: string[], departed?: Omit<ExpectedProbes, 'expected'>): AssertionResult {
  const failed = matrix.filter((p) => !p.ok);
  const excused = departed?.notExpected.length ?? 0;
  const replies = `${matrix.length}/${matrix.length} replies`;
  return result(
    id,
    title,
    (matrix.length > 0 || excused > 0) && failed.length === 0,
    `${replies}${departed && (excused || departed.stillHeld.length) ? ` (${departureNote(departed)})` : ''}`,
    failed.length === 0 ? replies : `${matrix.length - failed.length}/${matrix.length} replies; no reply: ${listSome(failed.map((f) => `${f.from} -> ${f.to} (${f.detail})`))}`,
    evidence,
  );
}

function departureNote(d: Omit<ExpectedProbes, 'expected'>): string {
  const count = (n: number) => `${n} probe${n === 1 ? '' : 's'}`;
  const left = `${d.left.join(', ')}, which left flannel's registry`;
  return [
    ...(d.notExpected.length ? [`not expected: ${count(d.notExpected.length)} from or to ${left}`] : []),
    ...(d.stillHeld.length ? [`still expected: ${count(d.stillHeld.length)} to pods of ${left} but which a unit still holds (a static FDB record toward its VTEP, or static ARP)`] : []),
  ].join('; ');
}
