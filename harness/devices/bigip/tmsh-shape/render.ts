// A unit's state in the shapes tmsh prints it, so evidence reads like the box whatever realised
// the unit (the Linux stand-in or a VE), and parse.ts reads both the same way.
//
// The shapes, as real units print them (see test/fixtures/tmsh/README.md for where each was seen):
//   show net fdb tunnel <t>      Net::FDB; Tunnel, Mac Address, Member, Dynamic. A static record's
//                                Member carries the route domain (`endpoint:10.169.72.127%0`), a
//                                learned one does not (`endpoint:10.169.72.127`); Dynamic no/yes.
//   show net arp                 Net::Arp; Name, Address, HWaddress, Vlan (`/Common/<vlan>`),
//                                Expire-in-sec, Status. Unresolved: HWaddress `incomplete`,
//                                Expire-in-sec 0, Status `unknown`.
//   show net tunnels tunnel <t> all-properties
//                                Net::Tunnel: <t>; `MAC Address` and `Interface Name` (tmsh cuts
//                                names over 15 characters to 13 and `~1`), values right-aligned,
//                                then a blank line and the packet counters.
//   show cm failover-status      CM::Failover Status; Color, Status (ACTIVE, STANDBY, ...), Summary,
//                                Details; then CM::Failover Connections (not rendered here).
import type { FailoverStatus, UnitArpEntry, UnitFdbRecord, UnitState, UnitTunnel } from '../types.js';
import { COMMON, stripCommon, table } from './text.js';

/** The commands whose output renderUnitTmsh writes, as its `# <command>` header lines. */
export const TMSH_COMMANDS = {
  failoverStatus: 'show cm failover-status',
  tunnel: (name: string) => `show net tunnels tunnel ${name} all-properties`,
  fdb: (tunnel: string) => `show net fdb tunnel ${tunnel}`,
  arp: 'show net arp',
} as const;

/** `show net fdb tunnel <t>` (or `show net fdb`): one row per record, in the order given. */
export function showNetFdb(records: readonly UnitFdbRecord[]): string {
  return table(
    'Net::FDB',
    ['Tunnel', 'Mac Address', 'Member', 'Dynamic'],
    records.map((r) => [r.tunnel, r.mac, `endpoint:${r.endpoint}${r.dynamic ? '' : '%0'}`, r.dynamic ? 'yes' : 'no']),
  );
}

export interface ArpRenderOptions {
  /**
   * Seconds left for a resolved entry; UnitArpEntry does not carry it. Default 300, the lifetime
   * tmsh gives a freshly resolved entry (the field report shows 110 to 294).
   */
  expireInSec?: (entry: UnitArpEntry) => number;
}

/**
 * `show net arp`. Name is the address (a static entry's configured name is not in UnitArpEntry).
 * A static entry prints Expire-in-sec 0 and Status `static`; an unresolved one HWaddress
 * `incomplete`, 0 and `unknown`, as the VE prints it.
 */
export function showNetArp(entries: readonly UnitArpEntry[], options: ArpRenderOptions = {}): string {
  const expire = options.expireInSec ?? (() => 300);
  return table(
    'Net::Arp',
    ['Name', 'Address', 'HWaddress', 'Vlan', 'Expire-in-sec', 'Status'],
    entries.map((e) => {
      const unresolved = e.status === 'incomplete' || e.mac === undefined;
      const status = e.status === 'incomplete' ? 'unknown' : e.status;
      const seconds = e.status === 'resolved' && !unresolved ? String(expire(e)) : '0';
      return [e.address, e.address, unresolved ? 'incomplete' : (e.mac ?? ''), vlanPath(e.vlan), seconds, status];
    }),
  );
}

const FAILOVER_LOOK: Record<FailoverStatus, { color: string; summary: string }> = {
  ACTIVE: { color: 'green', summary: '1/1 active' },
  STANDBY: { color: 'gray', summary: '1/1 standby' },
  OFFLINE: { color: 'red', summary: 'offline' },
  'FORCED OFFLINE': { color: 'black', summary: 'forced offline' },
  UNKNOWN: { color: 'black', summary: 'unknown' },
};

/** `show cm failover-status`: the CM::Failover Status block (the connections table is left out). */
export function showFailoverStatus(status: FailoverStatus): string {
  const look = FAILOVER_LOOK[status];
  return keyValues('CM::Failover Status', [['Color', look.color], ['Status', status], ['Summary', look.summary], ['Details', '']], 'left');
}

/** The longest counter name of the all-properties output; it sets the width of the value column. */
const COUNTER_KEY_WIDTH = 'Incoming Unknown Proto Packets'.length;

/**
 * `show net tunnels tunnel <t> all-properties`: its MAC Address and Interface Name lines, laid out
 * as the VE lays them out (the packet counters that follow are not rendered: a snapshot has none).
 */
export function showTunnelProperties(t: UnitTunnel): string {
  // The interface is named after the tunnel, without its partition.
  const base = stripCommon(t.name);
  const ifname = base.length > 15 ? `${base.slice(0, 13)}~1` : base;
  return keyValues(`Net::Tunnel: ${t.name}`, [['MAC Address', t.mac], ['Interface Name', ifname]], 'right', COUNTER_KEY_WIDTH);
}

/** The four outputs, each after a `# <command>` line: the unit as tmsh shows it, for evidence files. */
export function renderUnitTmsh(state: UnitState): string {
  const tunnels = [...new Set([...state.tunnels.map((t) => t.name), ...state.fdb.map((r) => r.tunnel)])];
  const sections: [string, string][] = [
    [TMSH_COMMANDS.failoverStatus, showFailoverStatus(state.failoverStatus)],
    ...state.tunnels.map((t): [string, string] => [TMSH_COMMANDS.tunnel(t.name), showTunnelProperties(t)]),
    ...tunnels.map((name): [string, string] => [TMSH_COMMANDS.fdb(name), showNetFdb(state.fdb.filter((r) => r.tunnel === name))]),
    [TMSH_COMMANDS.arp, showNetArp(state.arp)],
  ];
  return sections.map(([command, out]) => `# ${command}\n${out}`).join('\n');
}

function vlanPath(vlan: string): string {
  return vlan.startsWith('/') ? vlan : `${COMMON}${vlan}`;
}

/** A titled block of `key  value` lines between rules (values left- or right-aligned). */
function keyValues(title: string, pairs: readonly [string, string][], align: 'left' | 'right', minKeyWidth = 0): string {
  const keyWidth = Math.max(minKeyWidth, ...pairs.map(([k]) => k.length)) + 2;
  const valueWidth = Math.max(...pairs.map(([, v]) => v.length));
  const width = Math.max(title.length, keyWidth + valueWidth);
  const rule = '-'.repeat(width);
  const line = ([k, v]: [string, string]) => (align === 'right' ? k + v.padStart(width - k.length) : (k.padEnd(keyWidth) + v).trimEnd());
  return ['', rule, title, rule, ...pairs.map(line), ''].join('\n');
}
