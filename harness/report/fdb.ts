// FDB tables for the report, in the shapes engineers know: `tmsh show net fdb` for BIG-IP units
// (Tunnel, Mac Address, Member, Dynamic) and `bridge fdb show` for nodes, and the difference
// between two snapshots of the same host (added, removed, changed entries).
import type { FdbEntry } from '../devices/linux/parse.js';
import type { UnitFdbRecord } from '../devices/bigip/types.js';

export type Change = 'added' | 'removed' | 'changed' | 'same';

export interface FdbRow {
  /** What identifies the entry across snapshots. */
  key: string;
  /** The cells, in the table's column order. */
  cells: string[];
  /** What may change while the key stays (compared across snapshots). */
  value: string;
  mac: string;
  /** A word for the reader that the command itself does not print (e.g. "learned"). */
  hint?: string;
}

export const TMSH_COLUMNS = ['Tunnel', 'Mac Address', 'Member', 'Dynamic'];
export const BRIDGE_COLUMNS = ['MAC', 'dev', 'dst', 'master', 'flags'];

/** A unit's FDB records as `tmsh show net fdb` lists them (static records carry the route domain, %0). */
export function unitFdbRows(records: readonly UnitFdbRecord[]): FdbRow[] {
  return records.map((r) => {
    const member = `endpoint:${r.endpoint}${r.dynamic ? '' : '%0'}`;
    const dynamic = r.dynamic ? 'yes' : 'no';
    return { key: `${r.tunnel} ${r.mac}`, cells: [r.tunnel, r.mac, member, dynamic], value: `${member} ${dynamic}`, mac: r.mac };
  });
}

export function isMulticastMac(mac: string): boolean {
  return mac.startsWith('33:33:') || mac.startsWith('01:00:5e:');
}

/**
 * A node's entries as `bridge fdb show` prints them: `<mac> dev <dev> [dst <ip>] [master <br>]
 * [self] [permanent|static]` (learned entries carry no state word). The kernel's multicast
 * entries on every port (33:33:…, 01:00:5e:…) are left out unless `multicast` is set.
 */
export function nodeFdbRows(fdb: readonly FdbEntry[], options: { multicast?: boolean } = {}): FdbRow[] {
  return fdb
    .filter((f) => options.multicast || !isMulticastMac(f.mac))
    .map((f) => {
      const flags = [f.self ? 'self' : '', ...f.flags.filter((x) => x !== 'self'), f.permanent ? 'permanent' : f.static ? 'static' : ''].filter(Boolean).join(' ');
      const where = f.master ? `master ${f.master}` : 'self';
      // The all-zeros MAC may appear once per remote VTEP (the flood list): dst is part of its identity.
      const key = `${f.mac} ${f.dev} ${where}${f.vlan !== undefined ? ` vlan ${f.vlan}` : ''}${f.mac === '00:00:00:00:00:00' ? ` ${f.dst ?? ''}` : ''}`;
      return { key, cells: [f.mac, f.dev, f.dst ?? '', f.master ?? '', flags], value: `${f.dst ?? ''} ${flags}`, mac: f.mac, ...(f.learned ? { hint: 'learned' } : {}) };
    });
}

export interface FdbDiff {
  /** The earlier table, each row marked removed, changed or same. */
  before: { row: FdbRow; change: Change }[];
  /** The later table, each row marked added, changed or same; `was` holds the earlier cells of a changed row. */
  after: { row: FdbRow; change: Change; was?: string[] }[];
  added: number;
  removed: number;
  changed: number;
}

export function diffFdb(before: readonly FdbRow[], after: readonly FdbRow[]): FdbDiff {
  const b = new Map(before.map((r) => [r.key, r]));
  const a = new Map(after.map((r) => [r.key, r]));
  const sort = <T extends { row: FdbRow }>(rows: T[]) => rows.sort((x, y) => x.row.cells[1]!.localeCompare(y.row.cells[1]!) || x.row.key.localeCompare(y.row.key));
  const beforeOut = sort(before.map((row) => ({ row, change: (!a.has(row.key) ? 'removed' : a.get(row.key)!.value !== row.value ? 'changed' : 'same') as Change })));
  const afterOut = sort(
    after.map((row) => {
      const old = b.get(row.key);
      return old === undefined ? { row, change: 'added' as Change } : old.value !== row.value ? { row, change: 'changed' as Change, was: old.cells } : { row, change: 'same' as Change };
    }),
  );
  return {
    before: beforeOut,
    after: afterOut,
    added: afterOut.filter((r) => r.change === 'added').length,
    removed: beforeOut.filter((r) => r.change === 'removed').length,
    changed: afterOut.filter((r) => r.change === 'changed').length,
  };
}
