// What the ssh provider may change on a machine it did not create, and how each change is
// undone: every line that creates or alters something is classified before it is sent, and its
// undo goes to the ledger first (a host-change entry, run newest first at teardown and by
// `overlab clean`). The machine's own interfaces (those present before the run) are never
// reconfigured: their link settings are left alone, and static neighbour entries on them are
// not written (the real network resolves its neighbours itself; the plan writes them on netns
// only to spare the first packets an ARP round).
import type { IpLine } from '../../devices/linux/commands.js';
import { HarnessError } from '../../core/errors.js';

export interface Classified {
  send: boolean;
  /** Recorded before the line is sent. */
  undo?: { what: string; argv: string[] };
  /** A device this line makes (known to exist from now on). */
  creates?: string;
}

/** Runs argv and succeeds whether or not the object was still there (an undo of "make it absent"). */
export const absentOk = (argv: readonly string[]): string[] => ['sh', '-c', '"$@" 2>/dev/null; exit 0', 'sh', ...argv];

/** A pod's namespace goes with every process in it (a process keeps a deleted namespace alive). */
const removeNamespace = (name: string): string[] => ['sh', '-c', 'for p in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$p"; done; ip netns del "$1" 2>/dev/null; exit 0', 'sh', name];

const after = (line: IpLine, word: string): string | undefined => {
  const i = line.indexOf(word);
  return i >= 0 ? line[i + 1] : undefined;
};

/**
 * `existing`: the machine's devices before the run. `ours`: devices this run made (removing one
 * removes what hangs on it: its addresses, routes, FDB entries, bridge ports).
 */
export function classifyIp(line: IpLine, existing: ReadonlySet<string>, ours: ReadonlySet<string>, existingAddresses: ReadonlySet<string> = new Set()): Classified {
  const [object, verb] = line;
  const dev = after(line, 'dev');
  const onOurs = dev !== undefined && ours.has(dev) && !existing.has(dev);
  const onExisting = dev !== undefined && existing.has(dev);
  // Reading changes nothing.
  if (verb === 'show' || verb === 'list' || verb === 'get') return { send: true };
  if (object === 'netns' && verb === 'add') return { send: true, undo: { what: `namespace ${line[2]}`, argv: removeNamespace(line[2]!) } };
  if (object === 'link' && verb === 'add') {
    const name = after(line, 'name') ?? line[2]!;
    if (existing.has(name)) throw new HarnessError(`the machine already has a device named ${name}, which the run must create; remove it there (or run on a host that is not already a flannel node)`);
    return { send: true, creates: name, undo: { what: `device ${name}`, argv: absentOk(['ip', 'link', 'del', name]) } };
  }
  if (object === 'link' && verb === 'set') return { send: !onExisting };
  if (onOurs) return { send: true };
  if (object === 'addr' && (verb === 'add' || verb === 'replace')) {
    // The machine's own address on its own interface (the inventory's underlay address): already there.
    if (onExisting && existingAddresses.has(`${dev} ${line[2]!.split('/')[0]}`)) return { send: false };
    return { send: true, undo: { what: `address ${line[2]} on ${dev}`, argv: absentOk(['ip', 'addr', 'del', line[2]!, 'dev', dev!]) } };
  }
  if (object === 'addr' && verb === 'del') return { send: true };
  if (object === 'neigh' && (verb === 'replace' || verb === 'add')) return onExisting ? { send: false } : { send: true, undo: { what: `neighbour ${line[2]}`, argv: absentOk(['ip', 'neigh', 'del', line[2]!, ...(dev ? ['dev', dev] : [])]) } };
  if (object === 'route' && (verb === 'add' || verb === 'replace')) return { send: true, undo: { what: `route ${line[2]}`, argv: absentOk(['ip', 'route', 'del', line[2]!, ...(dev ? ['dev', dev] : [])]) } };
  if ((object === 'neigh' || object === 'route') && verb === 'del') return { send: true };
  throw new HarnessError(`the ssh provider does not know how to undo "ip ${line.join(' ')}" on a machine it did not create, so it does not send it`);
}

/** bridge(8) lines: FDB entries on devices of ours go with them; others are undone one by one. */
export function classifyBridge(line: IpLine, existing: ReadonlySet<string>): Classified {
  const [object, verb, mac] = line;
  const dev = after(line, 'dev');
  if (object !== 'fdb') throw new HarnessError(`the ssh provider does not send "bridge ${line.join(' ')}" to a machine it did not create`);
  if (dev === undefined || !existing.has(dev)) return { send: true };
  if (verb === 'del') return { send: true };
  const dst = after(line, 'dst');
  return { send: true, undo: { what: `fdb ${mac} on ${dev}`, argv: absentOk(['bridge', 'fdb', 'del', mac!, 'dev', dev, ...(dst ? ['dst', dst] : []), ...(line.includes('self') ? ['self'] : ['master'])]) } };
}

/** The tables an nftables ruleset declares (`table <family> <name> {`). */
export function rulesetTables(ruleset: string): { family: string; name: string }[] {
  return [...ruleset.matchAll(/^\s*table\s+(ip|ip6|inet|arp|bridge|netdev)\s+([A-Za-z0-9_.-]+)\s*\{/gm)].map((m) => ({ family: m[1]!, name: m[2]! }));
}
