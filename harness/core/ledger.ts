// ResourceLedger: every resource is recorded (with how to undo it) before it is created, in
// `ledger.jsonl` in the run directory, one JSON object a line, so a run killed at any moment
// can still be cleaned up by `overlab clean`.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type LedgerEntry =
  | { kind: 'netns'; name: string }
  | { kind: 'process'; host: string; pid: number; argv: string[]; startTicks?: string }
  | { kind: 'run-dir'; path: string }
  // Docker provider: every object also carries labels (overlab=1, overlab.run=<run id>, ...).
  | { kind: 'docker-network'; name: string }
  | { kind: 'docker-container'; name: string; host: string }
  /** An image of the content-addressed cache: kept at teardown, removed by `overlab clean --images`. */
  | { kind: 'docker-image'; tag: string; cached: true }
  /** A scratch directory (a root filesystem being built), removed at teardown if still there. */
  | { kind: 'scratch-dir'; path: string };

export const LEDGER_FILE = 'ledger.jsonl';

export class ResourceLedger {
  readonly file: string;
  constructor(runDir: string) {
    this.file = join(runDir, LEDGER_FILE);
  }

  /** Appends before the create runs. Synchronous on purpose: nothing may be created unrecorded. */
  record(...entries: LedgerEntry[]): void {
    if (entries.length === 0) return;
    appendFileSync(this.file, entries.map((e) => JSON.stringify({ ...e, at: new Date().toISOString() })).join('\n') + '\n');
  }

  entries(): LedgerEntry[] {
    return readLedger(this.file);
  }
}

/** Reads a ledger; a torn last line (the writer was killed mid-write) is ignored. */
export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  const out: LedgerEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as LedgerEntry);
    } catch {
      // a partial line from a killed writer: nothing was created after it
    }
  }
  return out;
}
