// Renders a unit's kernel state in the shapes of tmsh, so evidence reads like the box:
// `show net fdb` (Tunnel, Mac Address, Member, Dynamic), `show net arp`, `show cm failover-status`.
import type { FdbEntry, NeighbourInfo } from '../linux/parse.js';

export interface TmshFdbRow {
  tunnel: string;
  mac: string;
  member: string;
  dynamic: 'yes' | 'no';
}

export function fdbRows(tunnel: string, fdb: readonly FdbEntry[]): TmshFdbRow[] {
  return fdb
    .filter((f) => f.dev === tunnel && f.dst && f.mac !== '00:00:00:00:00:00')
    .map((f) => ({ tunnel, mac: f.mac, member: `endpoint:${f.dst}${f.permanent ? '%0' : ''}`, dynamic: f.learned ? 'yes' : 'no' }));
}

export function showNetFdb(rows: readonly TmshFdbRow[]): string {
  const head = ['Tunnel', 'Mac Address', 'Member', 'Dynamic'];
  return table('Net::FDB', head, rows.map((r) => [r.tunnel, r.mac, r.member, r.dynamic]));
}

export function showNetArp(neighbours: readonly NeighbourInfo[], vlanOf: (dev: string) => string): string {
  const rows = neighbours.filter((n) => n.lladdr).map((n) => [n.dst, n.dst, n.lladdr ?? '', vlanOf(n.dev), n.permanent ? 'static' : 'resolved']);
  return table('Net::Arp', ['Name', 'Address', 'HWaddress', 'Vlan', 'Status'], rows);
}

export function showFailoverStatus(unit: string, active: boolean): string {
  return table('CM::Failover Status', ['Unit', 'Status'], [[unit, active ? 'ACTIVE' : 'STANDBY']]);
}

function table(title: string, head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const rule = '-'.repeat(Math.max(title.length, line(head).length));
  return [rule, title, line(head), rule, ...rows.map(line), ''].join('\n');
}
