// INTERIM (replaced by the tmsh-shape module being written alongside): a unit's state in tmsh's shapes.
import type { UnitState } from '../types.js';

export function renderUnitTmsh(state: UnitState): string {
  const fdb = state.fdb.map((r) => [r.tunnel, r.mac, `endpoint:${r.endpoint}${r.dynamic ? '' : '%0'}`, r.dynamic ? 'yes' : 'no']);
  const arp = state.arp.filter((a) => a.mac).map((a) => [a.address, a.address, a.mac ?? '', a.vlan, a.status]);
  return [
    table('CM::Failover Status', ['Unit', 'Status'], [[state.unit, state.failoverStatus]]),
    table('Net::FDB', ['Tunnel', 'Mac Address', 'Member', 'Dynamic'], fdb),
    table('Net::Arp', ['Name', 'Address', 'HWaddress', 'Vlan', 'Status'], arp),
  ].join('\n');
}

function table(title: string, head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const rule = '-'.repeat(Math.max(title.length, line(head).length));
  return [rule, title, line(head), rule, ...rows.map(line), ''].join('\n');
}
