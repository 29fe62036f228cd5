// One `tmsh -c '...'`: every command is parsed before any runs (a typo anywhere runs nothing),
// then they run in order: a `create cli transaction; ...; submit cli transaction` block as one
// all-or-nothing change, a change outside a transaction as its own, reads and
// `run sys failover standby` as they come. The output of the reads is returned.
import type { ChangeCommand, FaceCommand, ReadCommand } from './commands.js';
import { commit } from './commit.js';
import { booted } from './boot.js';
import { TmshFaceError } from './errors.js';
import { failoverStandby } from './ha.js';
import type { Kernel } from './kernel.js';
import { parseCommands } from './parse.js';
import { Reader } from './show.js';
import type { FaceStore } from './store.js';
import { checkTransaction } from './transaction.js';
import { readSimFailoverStatus } from '../sim/observe.js';

type Change = { text: string; command: ChangeCommand };
export type Unit = { kind: 'changes'; changes: Change[] } | { kind: 'read'; text: string; command: ReadCommand } | { kind: 'failover-standby' };

/** Groups the commands into what runs as one; refuses a transaction that is not closed, nested or holds a read. Pure. */
export function group(commands: readonly FaceCommand[]): Unit[] {
  const units: Unit[] = [];
  let open: Change[] | undefined;
  for (const c of commands) {
    if (c.kind === 'begin') {
      if (open) throw new TmshFaceError(`tmsh: "${c.text}": a cli transaction is already open (transactions do not nest)`);
      open = [];
    } else if (c.kind === 'submit') {
      if (!open) throw new TmshFaceError(`tmsh: "${c.text}": no cli transaction is open ("create cli transaction" first)`);
      units.push({ kind: 'changes', changes: open });
      open = undefined;
    } else if (c.kind === 'change') {
      if (open) open.push({ text: c.text, command: c.command });
      else units.push({ kind: 'changes', changes: [{ text: c.text, command: c.command }] });
    } else if (open) {
      throw new TmshFaceError(`tmsh: "${c.text}": only create, modify and delete commands go inside a cli transaction`);
    } else if (c.kind === 'read') units.push({ kind: 'read', text: c.text, command: c.command });
    else units.push({ kind: 'failover-standby' });
  }
  if (open) throw new TmshFaceError(`tmsh: the cli transaction of ${open.length} command(s) is never submitted ("submit cli transaction"); nothing was applied`);
  return units;
}

/** `readsOnly`: why this unit refuses changes and failover (a sim unit's face: sim/face-files.ts); nothing runs then. */
export async function runSession(text: string, store: FaceStore, k: Kernel, options: { readsOnly?: string } = {}): Promise<string> {
  const units = group(parseCommands(text));
  const change = options.readsOnly ? units.find((u) => u.kind !== 'read') : undefined;
  if (change) throw new TmshFaceError(`tmsh: ${change.kind === 'failover-standby' ? '"run sys failover standby"' : `"${change.kind === 'changes' ? change.changes[0]!.text : ''}"`}: ${options.readsOnly}`);
  const out: string[] = [];
  // Reads one after another share one reading of the kernel; a change or a failover starts a new one.
  let reader: Reader | undefined;
  for (const u of units) {
    if (u.kind === 'read') {
      out.push(await store.locked(async () => (reader ??= new Reader(k, await booted(store, k))).answer(u.command)));
      continue;
    }
    reader = undefined;
    if (u.kind === 'failover-standby') await failoverStandby(store, k);
    else
      await store.locked(async () => {
        const from = await booted(store, k);
        const checked = checkTransaction(from, u.changes, store.unit());
        if (!checked.steps.length) return;
        await commit(k, from, checked, (await readSimFailoverStatus(k.node)) === 'ACTIVE');
        store.writeConfig(checked.config);
      });
  }
  return out.join('');
}
