import type { PingResult } from '../probes/ping.js';
import { listSome, result, type AssertionResult } from './types.js';

/** Every probe in the matrix got a reply. */
export function assertReachability(id: string, title: string, matrix: readonly PingResult[], evidence: string[]): AssertionResult {
  const failed = matrix.filter((p) => !p.ok);
  return result(
    id,
    title,
    matrix.length > 0 && failed.length === 0,
    `${matrix.length}/${matrix.length} replies`,
    failed.length === 0 ? `${matrix.length}/${matrix.length} replies` : `${matrix.length - failed.length}/${matrix.length} replies; no reply: ${listSome(failed.map((f) => `${f.from} -> ${f.to} (${f.detail})`))}`,
    evidence,
  );
}
