// tmsh command words -> typed commands of the subset (commands.ts). Anything else is refused
// with the command, what is wrong and what this unit accepts. Pure.
import { OBJECT_PATHS, type ChangeCommand, type FaceCommand, type FdbRecord, type ObjectType, type ReadCommand } from './commands.js';
import { TmshFaceError } from './errors.js';
import { PropertyError, readObject, Words } from './properties.js';
import { isBlock, itemsText, tokenise, type CommandWords, type Item } from './tokens.js';
import * as v from './values.js';

/** Every command form this unit accepts, for "accepted: ..." messages. */
export const ACCEPTED = [
  'create cli transaction',
  'submit cli transaction',
  ...Object.values(OBJECT_PATHS).map((p) => `create ${p} <name> ...`),
  ...Object.values(OBJECT_PATHS).map((p) => `delete ${p} <name>`),
  'modify net fdb tunnel <tunnel> records add { <mac> { endpoint <ip> } ... }',
  'modify net fdb tunnel <tunnel> records delete { all }',
  'modify net tunnels tunnel <tunnel> key <n>',
  'show cm failover-status',
  'show net fdb tunnel <tunnel>',
  'show net fdb',
  'show net arp',
  'show net tunnels tunnel <tunnel> all-properties',
  'list net tunnels tunnel <tunnel>',
  'list net self',
  'list net vlan',
  'run sys failover standby',
] as const;

const PATHS = Object.entries(OBJECT_PATHS).map(([type, path]) => ({ type: type as ObjectType, words: path.split(' ') }));

/** Parses a whole `-c` argument. */
export function parseCommands(text: string): FaceCommand[] {
  return tokenise(text).map(parseCommand);
}

export function parseCommand(c: CommandWords): FaceCommand {
  const fail = (why: string): never => {
    throw new TmshFaceError(`tmsh: "${shorten(c.text)}": ${why}`);
  };
  const words = c.items.map((i) => (isBlock(i) ? undefined : i));
  const is = (...expected: string[]) => expected.length === c.items.length && expected.every((e, i) => words[i] === e);
  const starts = (...expected: string[]) => expected.every((e, i) => words[i] === e);
  const base = { text: c.text };
  try {
    if (is('create', 'cli', 'transaction')) return { ...base, kind: 'begin' };
    if (is('submit', 'cli', 'transaction')) return { ...base, kind: 'submit' };
    if (is('run', 'sys', 'failover', 'standby')) return { ...base, kind: 'failover-standby' };
    if (words[0] === 'show' || words[0] === 'list') return { ...base, kind: 'read', command: parseRead(c.items, fail) };
    if (starts('modify', 'net', 'fdb', 'tunnel')) return { ...base, kind: 'change', command: parseFdbModify(c.items) };
    if (starts('modify', 'net', 'tunnels', 'tunnel')) {
      const w = new Words(c.items, 4);
      const tunnel = w.value('a tunnel name', v.objectName);
      w.keyword('key', '"key <n>" (the only property this unit modifies on a tunnel)');
      const key = w.value('a VNI', (r) => v.integer(r, 0, 16777215));
      if (!w.done) throw new PropertyError(`expected nothing after "key ${key}", found "${itemsText(c.items.slice(w.at))}"`);
      return { ...base, kind: 'change', command: { change: 'tunnel-key', tunnel, key } };
    }
    if (words[0] === 'create' || words[0] === 'delete') {
      const path = PATHS.find((p) => p.words.every((w, i) => words[i + 1] === w));
      if (!path) fail(`"${itemsText(c.items.slice(1, 3))}" is not an object type this unit has; accepted: ${Object.values(OBJECT_PATHS).join(', ')}`);
      const at = 1 + path!.words.length;
      const w = new Words(c.items, at);
      const name = w.value(`a ${OBJECT_PATHS[path!.type]} name`, v.objectName);
      if (words[0] === 'delete') {
        if (!w.done) throw new PropertyError(`expected nothing after the name, found "${itemsText(c.items.slice(w.at))}"`);
        return { ...base, kind: 'change', command: { change: 'delete', type: path!.type, name } };
      }
      return { ...base, kind: 'change', command: { change: 'create', object: readObject(path!.type, name, c.items, w.at) } };
    }
  } catch (e) {
    if (e instanceof PropertyError) fail(e.message);
    throw e;
  }
  return fail(`not a command this unit accepts; accepted: ${ACCEPTED.join('; ')}`);
}

function parseRead(items: readonly Item[], fail: (why: string) => never): ReadCommand {
  const text = itemsText(items);
  const forms: [RegExp, (m: RegExpExecArray) => ReadCommand][] = [
    [/^show cm failover-status$/, () => ({ read: 'failover-status' })],
    [/^show net fdb tunnel (\S+)$/, (m) => ({ read: 'fdb', tunnel: named(m[1]!) })],
    [/^show net fdb$/, () => ({ read: 'fdb' })],
    [/^show net arp$/, () => ({ read: 'arp' })],
    [/^show net tunnels tunnel (\S+) all-properties$/, (m) => ({ read: 'tunnel', tunnel: named(m[1]!) })],
    [/^list net tunnels tunnel (\S+)$/, (m) => ({ read: 'list-tunnel', tunnel: named(m[1]!) })],
    [/^list net self$/, () => ({ read: 'list-self' })],
    [/^list net vlan$/, () => ({ read: 'list-vlan' })],
  ];
  for (const [re, make] of forms) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return fail(`not a read this unit answers; accepted: ${ACCEPTED.filter((a) => a.startsWith('show') || a.startsWith('list')).join('; ')}`);
}

function named(raw: string): string {
  const r = v.objectName(raw);
  if (!r.ok) throw new PropertyError(r.message);
  return r.value;
}

function parseFdbModify(items: readonly Item[]): ChangeCommand {
  const w = new Words(items, 4);
  const tunnel = w.value('a tunnel name', v.objectName);
  w.keyword('records', '"records add { ... }" or "records delete { all }"');
  const op = w.word('"add" or "delete"');
  const block = w.block(`"{ ... }" after records ${op}`);
  if (!w.done) throw new PropertyError(`expected nothing after the records block, found "${itemsText(items.slice(w.at))}"`);
  if (op === 'delete') {
    if (block.length !== 1 || block[0] !== 'all') throw new PropertyError(`records delete: this unit deletes all records at once ("records delete { all }"), found "{ ${itemsText(block)} }"`);
    return { change: 'fdb-delete-all', tunnel };
  }
  if (op !== 'add') throw new PropertyError(`records: expected "add" or "delete", found "${op}"`);
  const r = new Words(block, 0);
  const records: FdbRecord[] = [];
  while (!r.done) {
    const mac = r.value('a record MAC', v.mac);
    const inner = new Words(r.block(`"{ endpoint <ip> }" after ${mac}`), 0);
    inner.keyword('endpoint', `"endpoint <ip>" in the record of ${mac}`);
    const endpoint = inner.value('an endpoint IPv4 address', v.ipv4);
    if (!inner.done) throw new PropertyError(`record ${mac}: expected only "endpoint <ip>", found "${itemsText(block)}"`);
    if (records.some((x) => x.mac === mac)) throw new PropertyError(`records add: ${mac} is given twice`);
    records.push({ mac, endpoint });
  }
  if (!records.length) throw new PropertyError('records add: expected at least one "<mac> { endpoint <ip> }"');
  return { change: 'fdb-add', tunnel, records };
}

const shorten = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}...` : text);
