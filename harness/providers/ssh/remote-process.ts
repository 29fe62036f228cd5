// A long-running process on a machine reached over SSH, as the ManagedProcess the probes and
// daemons use: started at once (its pid arrives a moment later, and is recorded in the ledger
// with its start time), lines as they come, an optional local log file fed from the channel,
// and stop = a signal to exactly that process (pid and start time), then KILL after the wait.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { ResourceLedger } from '../../core/ledger.js';
import type { ManagedProcess, SpawnOptions } from '../types.js';
import type { SshPool } from '../../ssh/pool.js';
import { killIfSame, type RemoteProcess } from '../../ssh/session.js';
import type { SshProcessEntry } from './ledger.js';

export function spawnRemote(pool: SshPool, machine: string, host: string, argv: readonly string[], ledger: ResourceLedger, options: SpawnOptions): ManagedProcess {
  const outListeners: ((l: string) => void)[] = [];
  const errListeners: ((l: string) => void)[] = [];
  const stderr = new PassThrough();
  createInterface({ input: stderr }).on('line', (l) => errListeners.forEach((f) => f(l)));
  const log = options.logFile ? (mkdirSync(dirname(options.logFile), { recursive: true }), openSync(options.logFile, 'a')) : undefined;
  const toLog = (chunk: Buffer) => log !== undefined && writeSync(log, chunk);
  let pid = 0;
  const started: Promise<RemoteProcess | undefined> = pool
    .spawn(machine, argv, (l) => outListeners.forEach((f) => f(l)), (chunk) => (toLog(chunk), stderr.write(chunk)), toLog)
    .then(
      (p) => {
        pid = p.pid;
        ledger.record({ kind: 'ssh-process', host, machine, pid: p.pid, startTicks: p.startTicks, argv: [...argv] } satisfies SshProcessEntry);
        return p;
      },
      (e: Error) => {
        errListeners.forEach((f) => f(e.message));
        return undefined;
      },
    );
  const exited = started.then((p) => (p ? p.exited : -1)).finally(() => {
    stderr.end();
    if (log !== undefined) closeSync(log);
  });
  const signal = async (p: RemoteProcess, sig: string) => pool.exec(machine, killIfSame(p.pid, p.startTicks, sig), { timeoutMs: 5000 }).catch(() => undefined);
  return {
    host,
    get pid() {
      return pid;
    },
    argv,
    exited,
    onLine: (l) => outListeners.push(l),
    onStderrLine: (l) => errListeners.push(l),
    async stop(sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 2000) {
      const p = await started;
      if (!p) return exited;
      await signal(p, sig.replace(/^SIG/, ''));
      const timer = setTimeout(() => void signal(p, 'KILL'), timeoutMs);
      const r = await Promise.race([exited, new Promise<string>((res) => setTimeout(res, timeoutMs + 3000, 'SIGKILL'))]);
      clearTimeout(timer);
      p.channel.close();
      return r;
    },
  };
}
