// CommandRunner: every command is an argv array spawned without a shell (design.md §3).
import { runProcess } from './process.js';

export interface CommandResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  /** Written to the child's stdin, then stdin is closed. */
  stdin?: string;
  timeoutMs?: number;
  /** Return the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  /** Named in errors, e.g. the node a command ran on. */
  node?: string;
}

export interface CommandRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

// Where commands are spawned (process.ts); re-exported because most callers know them from here.
export { describeArgv, toolEnv } from './process.js';

/** Runs commands as local processes: the default runner for the netns provider and for host checks. */
export class LocalRunner implements CommandRunner {
  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return runProcess(argv, options);
  }
}
