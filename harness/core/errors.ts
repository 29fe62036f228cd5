// One error family for the whole harness. Every error carries the context a user needs to act
// (node, argv, exit code, stderr tail) and the original `cause`, and maps to an exit code:
// 2 means "the harness could not run" (design.md §4).

export interface ErrorContext {
  node?: string;
  argv?: readonly string[];
  exitCode?: number | null;
  stderrTail?: string;
  file?: string;
  line?: number;
  field?: string;
}

export class HarnessError extends Error {
  readonly exitCode: number = 2;
  readonly context: ErrorContext;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** A scenario file (or a spec built in code) that is not valid. */
export class SpecError extends HarnessError {
  /** Each problem found; the message joins them. */
  readonly problems: readonly SpecProblem[];
  constructor(problems: readonly SpecProblem[]) {
    super(problems.map(formatSpecProblem).join('\n'), problems[0] ? { file: problems[0].file, line: problems[0].line, field: problems[0].field } : {});
    this.problems = problems;
  }
}

export interface SpecProblem {
  file: string;
  line?: number;
  /** A path such as `nodes[2].name`. */
  field: string;
  message: string;
}

export function formatSpecProblem(p: SpecProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.field || '(top level)'}: ${p.message}`;
}

/** A prerequisite is missing; `fixes` says how to get each one. */
export class PreflightError extends HarnessError {
  readonly missing: readonly { what: string; fix: string }[];
  constructor(missing: readonly { what: string; fix: string }[]) {
    super('missing prerequisites:\n' + missing.map((m) => `  - ${m.what}: ${m.fix}`).join('\n'));
    this.missing = missing;
  }
}

/** A command exited non-zero, was killed, or could not be spawned. */
export class CommandError extends HarnessError {
  constructor(message: string, context: ErrorContext, options?: { cause?: unknown }) {
    super(message, context, options);
  }
}

export class WaitTimeoutError extends HarnessError {
  readonly waitedFor: string;
  readonly lastSeen: string;
  constructor(waitedFor: string, timeoutMs: number, lastSeen: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${waitedFor}; last seen: ${lastSeen}`);
    this.waitedFor = waitedFor;
    this.lastSeen = lastSeen;
  }
}

/** Teardown kept going past failures; this lists every one of them. */
export class TeardownError extends HarnessError {
  readonly failures: readonly Error[];
  constructor(failures: readonly Error[]) {
    super('teardown failed for ' + failures.length + ' resource(s):\n' + failures.map((f) => '  - ' + f.message).join('\n'));
    this.failures = failures;
  }
}

/** A run or name the user referred to does not exist. */
export class NotFoundError extends HarnessError {}

/** The run was interrupted by a signal; teardown has run. */
export class InterruptedError extends HarnessError {
  readonly signal: string;
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
  }
}

export function tail(text: string, lines = 8): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * A capture file that cannot be read: not a pcap/pcapng file, corrupt, or cut short. `offset` is
 * the byte in the file where reading stopped; `expected` says what should have been there.
 */
export class PcapError extends HarnessError {
  readonly offset: number;
  readonly expected: string;
  /** Whole packets read before the problem. */
  readonly packetsBefore: number;
  /** The file ends inside its last record (as opposed to corrupt data in the middle). */
  readonly truncated: boolean;
  constructor(message: string, details: { file?: string; offset: number; expected: string; packetsBefore: number; truncated: boolean }) {
    super(message, details.file !== undefined ? { file: details.file } : {});
    this.offset = details.offset;
    this.expected = details.expected;
    this.packetsBefore = details.packetsBefore;
    this.truncated = details.truncated;
  }
}
