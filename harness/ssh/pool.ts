// One SSH connection per host, opened on first use and reused by every command after it, with
// at most `maxChannels` commands at once on it (OpenSSH's MaxSessions is 10) queued by p-queue.
// A connection that drops is opened again by the next command; `close` ends them all.
import PQueue from 'p-queue';
import type ssh2 from 'ssh2';
import type { CommandResult, RunOptions } from '../core/command.js';
import { openConnection, type OpenConnection } from './connect.js';
import { execOver, spawnOver, type RemoteProcess } from './session.js';
import type { SshTarget } from './target.js';
import { SshConnectionLostError } from './errors.js';

/** Below OpenSSH's MaxSessions (10), leaving room for long-running processes' channels. */
const DEFAULT_MAX_CHANNELS = 6;

class HostConnection {
  private open?: Promise<OpenConnection>;
  readonly queue: PQueue;
  constructor(readonly target: SshTarget, maxChannels: number) {
    this.queue = new PQueue({ concurrency: maxChannels });
  }

  client(): Promise<ssh2.Client> {
    if (!this.open) {
      const opening = openConnection(this.target);
      this.open = opening;
      opening.then(
        ({ client }) => client.on('close', () => this.open === opening && (this.open = undefined)),
        () => this.open === opening && (this.open = undefined),
      );
    }
    return this.open.then((o) => o.client);
  }

  async close(): Promise<void> {
    const o = await this.open?.catch(() => undefined);
    this.open = undefined;
    if (!o) return;
    await new Promise<void>((resolve) => {
      o.client.once('close', () => resolve());
      o.client.end();
      setTimeout(resolve, 1000).unref();
    });
    await o.proxy?.stop('SIGTERM', 500);
  }
}

export class SshPool {
  private readonly hosts = new Map<string, HostConnection>();
  constructor(
    targets: readonly SshTarget[],
    private readonly maxChannels = DEFAULT_MAX_CHANNELS,
  ) {
    for (const t of targets) this.hosts.set(t.name, new HostConnection(t, maxChannels));
  }

  target(name: string): SshTarget {
    return this.host(name).target;
  }

  private host(name: string): HostConnection {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no SSH target named ${name}`);
    return h;
  }

  /** Connects (or fails with the typed reason) without running anything. */
  async connect(name: string): Promise<void> {
    await this.host(name).client();
  }

  exec(name: string, argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const h = this.host(name);
    return h.queue.add(async () => execOver(await h.client(), h.target, argv, h.target.sudo, options)) as Promise<CommandResult>;
  }

  /** A long-running command: holds a channel for its whole life, outside the queue's bound. */
  async spawn(name: string, argv: readonly string[], onStdout: (line: string) => void, onStderr: (chunk: Buffer) => void, onData?: (chunk: Buffer) => void): Promise<RemoteProcess> {
    const h = this.host(name);
    return spawnOver(await h.client(), h.target, argv, h.target.sudo, onStdout, onStderr, onData);
  }

  /** SFTP on the host's connection: the session is opened per call and ended after it. */
  async sftp<T>(name: string, use: (sftp: ssh2.SFTPWrapper) => Promise<T>): Promise<T> {
    const h = this.host(name);
    const client = await h.client();
    const sftp = await new Promise<ssh2.SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(new SshConnectionLostError(h.target, `cannot start SFTP: ${err.message}`, { cause: err })) : resolve(s))));
    try {
      return await use(sftp);
    } finally {
      sftp.end();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((h) => h.close()));
  }
}
