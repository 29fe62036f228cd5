// The face's files in $OVERLAB_TMSH_STATE_DIR: unit.json (the harness writes it), config.json
// (the objects; written atomically: a temporary file, fsync, rename) and config.lock (held while
// one invocation reads, applies and writes, so concurrent tmsh commands and the HA daemon take
// turns; a lock whose process is gone is taken over).
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../../../core/registry.js';
import { TmshFaceError } from './errors.js';
import type { FaceConfig } from './objects.js';
import { parseUnitConfig, type UnitConfig } from './unit.js';

export const STATE_DIR_ENV = 'OVERLAB_TMSH_STATE_DIR';
/** When set, the face answers reads only and prints this as the reason for refusing anything else. */
export const READS_ONLY_ENV = 'OVERLAB_TMSH_READS_ONLY';
const LOCK_WAIT_MS = 10_000;

export function stateDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env[STATE_DIR_ENV];
  if (!dir) throw new TmshFaceError(`tmsh: ${STATE_DIR_ENV} is not set: it is the directory of this unit's unit.json (written by the harness) and config.json`);
  return dir;
}

export class FaceStore {
  readonly unitFile: string;
  readonly configFile: string;
  readonly lockFile: string;
  constructor(readonly dir: string) {
    this.unitFile = join(dir, 'unit.json');
    this.configFile = join(dir, 'config.json');
    this.lockFile = join(dir, 'config.lock');
  }

  unit(): UnitConfig {
    let text: string;
    try {
      text = readFileSync(this.unitFile, 'utf8');
    } catch (e) {
      throw new TmshFaceError(`tmsh: cannot read ${this.unitFile} (the harness writes it before the face runs): ${(e as Error).message}`);
    }
    return parseUnitConfig(text, this.unitFile);
  }

  /** The configuration, or undefined before the unit's first command (it has not booted yet). */
  config(): FaceConfig | undefined {
    if (!existsSync(this.configFile)) return undefined;
    const c = JSON.parse(readFileSync(this.configFile, 'utf8')) as FaceConfig;
    if (c.version !== 1 || !Array.isArray(c.objects)) throw new TmshFaceError(`tmsh: ${this.configFile} is not a configuration this face wrote (version ${String(c.version)})`);
    return c;
  }

  writeConfig(c: FaceConfig): void {
    const tmp = `${this.configFile}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(c, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.configFile);
  }

  /** Runs `f` holding config.lock; waits (bounded) for another holder. */
  async locked<T>(f: () => Promise<T>): Promise<T> {
    await this.lock();
    try {
      return await f();
    } finally {
      rmSync(this.lockFile, { force: true });
    }
  }

  private async lock(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    // The lock is a hard link to a file that already holds our pid: it appears with its content, or not at all.
    const mine = `${this.lockFile}.${process.pid}`;
    writeFileSync(mine, `${process.pid}\n`);
    try {
      for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
        try {
          linkSync(mine, this.lockFile);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new TmshFaceError(`tmsh: cannot create ${this.lockFile}: ${(e as Error).message}`);
        }
        const holder = this.holder();
        // Its process is gone (killed mid-command): take the lock over.
        if (holder !== undefined && !isAlive(holder)) {
          if (this.holder() === holder) rmSync(this.lockFile, { force: true });
          continue;
        }
        if (Date.now() > deadline) throw new TmshFaceError(`tmsh: ${this.lockFile} has been held by process ${holder ?? '(unknown)'} for more than ${LOCK_WAIT_MS / 1000} s; another tmsh command is still running`);
        await new Promise((r) => setTimeout(r, delay));
      }
    } finally {
      rmSync(mine, { force: true });
    }
  }

  private holder(): number | undefined {
    try {
      const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}
