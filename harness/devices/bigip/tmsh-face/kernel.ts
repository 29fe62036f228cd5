// The unit's kernel as the face reaches it: the face runs inside the unit (its network namespace
// or container, as root), so every command is a local process (core/process.ts). nftables
// rulesets go through files in the state directory: `nft -f -` is not reliable from every parent
// (see the netns provider), and the files show what was loaded.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult, RunOptions } from '../../../core/command.js';
import { runProcess } from '../../../core/process.js';
import type { IpLine } from '../../linux/commands.js';
import { parseLinks, type LinkInfo } from '../../linux/parse.js';
import type { NodeHandle } from '../../../providers/types.js';
import { TmshFaceError } from './errors.js';

export interface Kernel {
  readonly node: NodeHandle;
  /** One `ip -batch -` (with -force: every line is tried, errors ignored). */
  ip(lines: readonly IpLine[], options?: { force?: boolean }): Promise<void>;
  bridge(lines: readonly IpLine[], options?: { force?: boolean }): Promise<void>;
  /** Replaces the table `table` by `ruleset` in one transaction, or removes it (ruleset undefined). */
  nftTable(table: string, ruleset: string | undefined): Promise<void>;
  /** `ip -j -d link show dev <dev>`, or undefined when there is no such device. */
  link(dev: string): Promise<LinkInfo | undefined>;
}

/** A NodeHandle for the unit the face runs in: commands are local processes. */
export function localNode(unit: string): NodeHandle {
  return { id: unit, location: 'local', exec: (argv: readonly string[], options?: RunOptions): Promise<CommandResult> => runProcess(argv, { node: unit, ...options }) };
}

const batch = (lines: readonly IpLine[]) => lines.map((l) => l.join(' ')).join('\n') + '\n';

export function localKernel(unit: string, stateDir: string): Kernel {
  const node = localNode(unit);
  const tool = (name: 'ip' | 'bridge') => async (lines: readonly IpLine[], options: { force?: boolean } = {}) => {
    if (!lines.length) return;
    const r = await node.exec([name, ...(options.force ? ['-force'] : []), '-batch', '-'], { stdin: batch(lines), allowFailure: true });
    if (r.exitCode !== 0 && !options.force) throw batchError(name, lines, r.stderr);
  };
  return {
    node,
    ip: tool('ip'),
    bridge: tool('bridge'),
    async nftTable(table, ruleset) {
      const dir = join(stateDir, 'nft');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${table}.nft`);
      // Declaring the table first makes the delete valid whether or not it exists; all in one transaction.
      writeFileSync(file, `table ip ${table}\ndelete table ip ${table}\n${ruleset ?? ''}`);
      await node.exec(['nft', '-f', file]);
    },
    async link(dev) {
      const r = await node.exec(['ip', '-j', '-d', 'link', 'show', 'dev', dev], { allowFailure: true });
      return r.exitCode === 0 ? parseLinks(r.stdout)[0] : undefined;
    },
  };
}

/** `ip -batch` stops at the first refused line and says which (`Command failed -:N`): name it with the kernel's reason. */
export function batchError(tool: string, lines: readonly IpLine[], stderr: string): TmshFaceError {
  const n = Number(/Command failed -:(\d+)/.exec(stderr)?.[1]);
  const line = lines[n - 1];
  const reason = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Command failed')).join(' ') || '(no reason given)';
  return new TmshFaceError(`${tool} ${line ? line.join(' ') : `-batch (${lines.length} lines)`}: ${reason}`);
}
