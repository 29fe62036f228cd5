// Long-running processes inside a namespace: started through nsenter, recorded in the ledger
// with their pid, stopped with a signal and a bounded wait.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ResourceLedger } from '../../core/ledger.js';
import { CommandError } from '../../core/errors.js';
import { toolEnv } from '../../core/command.js';
import type { ManagedProcess, SpawnOptions } from '../types.js';

export function spawnManaged(host: string, fullArgv: readonly string[], ledger: ResourceLedger, options: SpawnOptions = {}): ManagedProcess {
  const [file, ...args] = fullArgv;
  if (!file) throw new CommandError('empty argv', { argv: fullArgv, node: host });
  const child = spawn(file, args, { detached: true, env: toolEnv(), stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', options.captureStderr ? 'pipe' : 'ignore'] });
  if (child.pid === undefined) throw new CommandError(`cannot start ${fullArgv.join(' ')}`, { argv: fullArgv, node: host });
  // The namespace it lives in is already in the ledger (teardown kills everything inside it);
  // the pid is recorded too, for the report and for a clean after a crash.
  ledger.record({ kind: 'process', host, pid: child.pid, argv: [...fullArgv] });
  // Detached in its own process group, so a terminal's Ctrl-C reaches only overlab, which then
  // tears down in order; unref'd so a kept run (overlab up) leaves it running when we exit.
  if (options.detached) child.unref();
  const listeners: ((line: string) => void)[] = [];
  const errListeners: ((line: string) => void)[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => listeners.forEach((l) => l(line)));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => errListeners.forEach((l) => l(line)));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.on('error', () => resolve(-1));
  });
  return {
    host,
    pid: child.pid,
    argv: fullArgv,
    exited,
    onLine: (l) => listeners.push(l),
    onStderrLine: (l) => errListeners.push(l),
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 2000) {
      try {
        process.kill(child.pid!, signal);
      } catch {
        return exited;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
