// Vagrant's command line, run in a run's Vagrant directory (VAGRANT_CWD: spawned with `env`, as
// every process of the harness is, without a shell). `up` reports each machine's progress as
// Vagrant's `==> <machine>: ...` lines come, with the time since the start.
import { runProcess, startProcess, exitError } from '../../core/process.js';
import { HarnessError } from '../../core/errors.js';
import type { CommandResult } from '../../core/command.js';

export const vagrantArgv = (dir: string, args: readonly string[]): string[] => ['env', `VAGRANT_CWD=${dir}`, 'VAGRANT_NO_COLOR=1', 'VAGRANT_CHECKPOINT_DISABLE=1', 'vagrant', ...args];

export function vagrant(dir: string, args: readonly string[], options: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<CommandResult> {
  return runProcess(vagrantArgv(dir, args), { timeoutMs: options.timeoutMs ?? 120_000, allowFailure: options.allowFailure });
}

/** Milestones of a machine's `up` worth a line of progress. */
const MILESTONE = /Creating the container|Container created|Starting container|Creating domain with|Starting domain|Waiting for domain to get an IP|Waiting for machine to boot|Machine booted and ready|Configuring and enabling network|Running provisioner|error|failed/i;

export interface UpTimes {
  /** Machine → ms from the start of `vagrant up` until Vagrant said it was booted and ready. */
  ready: Record<string, number>;
  totalMs: number;
}

export async function vagrantUp(dir: string, provider: string, progress: (line: string) => void, timeoutMs = 10 * 60_000, signal?: AbortSignal): Promise<UpTimes> {
  const t0 = performance.now();
  const argv = vagrantArgv(dir, ['up', '--provider', provider, '--parallel', '--no-color']);
  const p = startProcess(argv, { stdout: 'lines', stderr: 'lines', timeoutMs });
  const tail: string[] = [];
  const ready: Record<string, number> = {};
  const seen = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    const m = /^==> ([^:]+): (.*)$/.exec(line);
    if (!m) return;
    const [, machine, what] = m as unknown as [string, string, string];
    const ms = performance.now() - t0;
    if (/Machine booted and ready/.test(what)) ready[machine] = ms;
    if (MILESTONE.test(what)) progress(`vagrant ${machine}: ${what.trim()} (${(ms / 1000).toFixed(1)} s)`);
  };
  p.onLine(seen);
  p.onStderrLine(seen);
  // Ctrl-C/SIGTERM: VMs take minutes to boot; stop Vagrant now, teardown destroys what it made.
  const abort = () => void p.stop('SIGTERM', 5000);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  const exit = await p.closed;
  signal?.removeEventListener('abort', abort);
  if (signal?.aborted) throw new HarnessError(`vagrant up --provider ${provider} in ${dir} stopped: interrupted`, { argv });
  if (exit.code !== 0) {
    throw new HarnessError(`vagrant up --provider ${provider} in ${dir} failed: ${exitError(argv, exit, '', { timeoutMs }).message}\n${tail.join('\n')}`, { argv, exitCode: exit.code ?? undefined });
  }
  return { ready, totalMs: performance.now() - t0 };
}
