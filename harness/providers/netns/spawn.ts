// Long-running processes inside a namespace: started through nsenter (core/process.ts), recorded
// in the ledger with their pid, stopped with a signal and a bounded wait.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ResourceLedger } from '../../core/ledger.js';
import { CommandError } from '../../core/errors.js';
import { startProcess, type Exit } from '../../core/process.js';
import type { ManagedProcess, SpawnOptions } from '../types.js';

/** ManagedProcess reports an exit as its code, else the signal's name, else -1 (could not start). */
const exitValue = (e: Exit): number | string => e.code ?? e.signal ?? -1;

export function spawnManaged(host: string, fullArgv: readonly string[], ledger: ResourceLedger, options: SpawnOptions = {}): ManagedProcess {
  if (fullArgv.length === 0) throw new CommandError('empty argv', { argv: fullArgv, node: host });
  // Always detached, in its own process group, so a terminal's Ctrl-C reaches only overlab,
  // which then tears down in order.
  // A log file is opened here and handed to the process, which holds it from then on.
  const log = options.logFile ? (mkdirSync(dirname(options.logFile), { recursive: true }), openSync(options.logFile, 'a')) : undefined;
  let p: ReturnType<typeof startProcess>;
  try {
    p = startProcess(fullArgv, { detached: true, stdout: log ?? (options.captureStdout ? 'lines' : 'ignore'), stderr: log ?? (options.captureStderr ? 'lines' : 'ignore') });
  } finally {
    if (log !== undefined) closeSync(log);
  }
  if (p.pid === undefined) throw new CommandError(`cannot start ${fullArgv.join(' ')}`, { argv: fullArgv, node: host });
  // The namespace it lives in is already in the ledger (teardown kills everything inside it);
  // the pid is recorded too, for the report and for a clean after a crash.
  ledger.record({ kind: 'process', host, pid: p.pid, argv: [...fullArgv] });
  // Unref'd so a kept run (overlab up) leaves it running when we exit.
  if (options.detached) p.child.unref();
  const exited = p.exited.then(exitValue);
  return {
    host,
    pid: p.pid,
    argv: fullArgv,
    exited,
    onLine: p.onLine,
    onStderrLine: p.onStderrLine,
    stop: async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 2000) => exitValue(await p.stop(signal, timeoutMs)),
  };
}
