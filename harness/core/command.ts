// CommandRunner: every command is an argv array spawned without a shell (design.md §3).
import { spawn } from 'node:child_process';
import { CommandError, tail } from './errors.js';

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

export function describeArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/**
 * The environment for the system tools we run. npm and npx put node_modules/.bin first on PATH,
 * and ava's dependency @vercel/nft installs a `nft` there: `nft -f` would run Node File Trace
 * instead of nftables. System tools are looked up on PATH without node_modules/.bin.
 */
export function toolEnv(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => dir && !dir.includes('node_modules'))
    .concat(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  return { ...process.env, PATH: [...new Set(path)].join(':') };
}

/** Spawns local processes. The default runner for the netns provider and for host checks. */
export class LocalRunner implements CommandRunner {
  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const [file, ...args] = argv;
    if (!file) throw new CommandError('empty argv', { argv });
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs, killSignal: 'SIGKILL', env: toolEnv() });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (cause) => {
        reject(new CommandError(`cannot run ${describeArgv(argv)}: ${cause.message}`, { argv, node: options.node }, { cause }));
      });
      child.on('close', (code, signal) => {
        const result: CommandResult = {
          argv,
          exitCode: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          durationMs: performance.now() - started,
        };
        if (result.exitCode === 0 || options.allowFailure) return resolve(result);
        const why = signal ? `was killed by ${signal}${options.timeoutMs ? ` (timeout ${options.timeoutMs} ms)` : ''}` : `exited ${code}`;
        reject(
          new CommandError(`${options.node ? `[${options.node}] ` : ''}${describeArgv(argv)} ${why}: ${tail(result.stderr, 4) || '(no stderr)'}`, {
            argv,
            node: options.node,
            exitCode: code,
            stderrTail: tail(result.stderr),
          }),
        );
      });
      child.stdin.on('error', () => undefined); // the child may exit before reading all of stdin
      child.stdin.end(options.stdin ?? '');
    });
  }
}
