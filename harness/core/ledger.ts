// ResourceLedger: every resource is recorded (with how to undo it) before it is created, in
// `ledger.jsonl` in the run directory, one JSON object a line, so a run killed at any moment
// can still be cleaned up by `overlab clean`.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The entries every provider shares; their undo is the core's (closeRun) or the transport's. */
export type CoreLedgerEntry =
  | { kind: 'process'; host: string; pid: number; argv: string[]; startTicks?: string }
  | { kind: 'run-dir'; path: string }
  /** A scratch directory (a root filesystem being built), removed at teardown if still there. */
  | { kind: 'scratch-dir'; path: string }
  /**
   * A change made on a host the run did not create (a route, an FDB entry, a device on an
   * existing machine), with the argv that undoes it there, run over the provider's transport at
   * teardown (newest first). Nothing else about the host is touched.
   */
  | { kind: 'host-change'; host: string; what: string; undo: string[] }
  /** A kernel limit of this machine raised for the run (core/kernel-limits.ts), put back at teardown. */
  | { kind: 'kernel-limit'; path: string; previous: number; set: number }
  /** Written when teardown finished without a failure: nothing of the run is left to clean. */
  | { kind: 'torn-down' };

/**
 * A provider's own kind of entry (`netns`, `docker-container`, ...): the provider module that
 * lists the kind in its `ledgerKinds` writes it, undoes it at teardown and cleans it after a kill.
 */
export interface ProviderLedgerEntry {
  kind: string;
  [field: string]: unknown;
}

export type LedgerEntry = CoreLedgerEntry | ProviderLedgerEntry;

/** Narrows to one kind of entry by its kind and the string fields it must carry. */
export function entriesOf<T extends { kind: string }>(entries: readonly LedgerEntry[], kind: T['kind'], ...fields: (keyof T & string)[]): (LedgerEntry & T)[] {
  return entries.filter((e): e is LedgerEntry & T => e.kind === kind && fields.every((f) => typeof (e as ProviderLedgerEntry)[f] === 'string'));
}

export type HostChangeEntry = Extract<CoreLedgerEntry, { kind: 'host-change' }>;

export const isHostChange = (e: LedgerEntry): e is HostChangeEntry =>
  e.kind === 'host-change' && typeof (e as ProviderLedgerEntry).host === 'string' && Array.isArray((e as ProviderLedgerEntry).undo);

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
