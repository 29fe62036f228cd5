// Reads tmsh output back into the device-neutral unit types: what a real VE prints, and what
// render.ts writes. Tolerated: prompt lines and blank lines around the output, rules or no rules,
// any run of spaces between columns, `/Common/` on VLANs and tunnels, `%<route domain>` on
// addresses, MACs without zero padding (`0:50:56:86:68:a3`, old versions) and in upper case.
// Anything else (another table, a heading that is not this table's, a row with missing or extra
// fields, a value that is not what the column holds) throws a TmshParseError naming the command,
// what was expected and the offending line. The `list` outputs (configuration syntax) are list.ts's.
import { isIP } from 'node:net';
import type { FailoverStatus, UnitArpEntry, UnitFdbRecord, UnitSelfIp, UnitState, UnitTunnel, UnitVlan } from '../types.js';
import { LIST_COMMANDS, parseListNetSelf, parseListNetTunnel, parseListNetVlan } from './list.js';
import { firstContent, isPrompt, isRule, linesOf, normaliseMac, stripCommon, stripRouteDomain, TmshParseError } from './text.js';

export { TmshParseError } from './text.js';

/** `show net fdb tunnel <t>` or `show net fdb`: the tunnel records (a VLAN FDB table is skipped). */
export function parseShowNetFdb(text: string): UnitFdbRecord[] {
  const command = 'show net fdb';
  return rowsOf(text, { command, title: 'Net::FDB', columns: ['Tunnel', 'Mac Address', 'Member', 'Dynamic'] }).map(({ cells, where }) => {
    const [tunnel, mac, member, dynamic] = cells as [string, string, string, string];
    const m = /^endpoint:(\S+)$/.exec(member);
    if (!m) throw new TmshParseError(`${where()}: expected Member "endpoint:<address>[%<route domain>]", found "${member}"`);
    if (dynamic !== 'yes' && dynamic !== 'no') throw new TmshParseError(`${where()}: expected Dynamic "yes" or "no", found "${dynamic}"`);
    return { tunnel: stripCommon(tunnel), mac: normaliseMac(mac, where), endpoint: address(m[1]!, where), dynamic: dynamic === 'yes' };
  });
}

/**
 * `show net arp`. HWaddress `incomplete` leaves `mac` out; Status `resolved` and `static` are kept,
 * an entry without a MAC is `incomplete` (the VE prints its Status as `unknown`), anything else
 * with a MAC is `unknown`.
 */
export function parseShowNetArp(text: string): UnitArpEntry[] {
  const command = 'show net arp';
  return rowsOf(text, { command, title: 'Net::Arp', columns: ['Name', 'Address', 'HWaddress', 'Vlan', 'Expire-in-sec', 'Status'] }).map(({ cells, where }) => {
    const [, addr, hw, vlan, expire, statusCell] = cells as [string, string, string, string, string, string];
    if (!/^(\d+|-|static)$/.test(expire)) throw new TmshParseError(`${where()}: expected Expire-in-sec to be a number of seconds, found "${expire}"`);
    const status = statusCell.toLowerCase();
    const mac = hw.toLowerCase() === 'incomplete' || hw === '-' ? undefined : normaliseMac(hw, where);
    return { address: address(addr, where), ...(mac !== undefined ? { mac } : {}), vlan: stripCommon(vlan), status: arpStatus(status, mac !== undefined) };
  });
}

function arpStatus(status: string, hasMac: boolean): UnitArpEntry['status'] {
  if (status === 'resolved' || status === 'static') return status;
  if (!hasMac || status === 'incomplete') return 'incomplete';
  return 'unknown';
}

const FAILOVER_STATUSES: readonly FailoverStatus[] = ['ACTIVE', 'STANDBY', 'OFFLINE', 'FORCED OFFLINE', 'UNKNOWN'];

/** `show cm failover-status`: the Status line of the CM::Failover Status block. */
export function parseFailoverStatus(text: string): FailoverStatus {
  const command = 'show cm failover-status';
  const lines = linesOf(text);
  const title = lines.findIndex((l) => /^\s*CM::Failover Status\s*$/i.test(l));
  if (title < 0) throw new TmshParseError(`${command}: expected a "CM::Failover Status" block, found ${firstContent(lines)}`);
  for (let i = title + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/::/.test(line)) break; // the next block (CM::Failover Connections)
    const m = /^\s*Status\s+(.+?)\s*$/i.exec(line);
    if (!m) continue;
    const status = m[1]!.toUpperCase().replace(/\s+/g, ' ');
    if (!FAILOVER_STATUSES.includes(status as FailoverStatus)) {
      throw new TmshParseError(`${command}: line ${i + 1}: expected Status ${FAILOVER_STATUSES.join(', ')}, found "${line.trim()}"`);
    }
    return status as FailoverStatus;
  }
  throw new TmshParseError(`${command}: expected a "Status" line in the CM::Failover Status block (line ${title + 1}), found none`);
}

/** `show net tunnels tunnel <t> all-properties`: the tunnel's name and MAC Address. */
export function parseTunnelProperties(text: string): UnitTunnel {
  const command = 'show net tunnels tunnel <t> all-properties';
  const lines = linesOf(text);
  const title = lines.findIndex((l) => /^\s*Net::Tunnel:\s*\S+\s*$/.test(l));
  if (title < 0) throw new TmshParseError(`${command}: expected a "Net::Tunnel: <name>" block, found ${firstContent(lines)}`);
  const name = stripCommon(/^\s*Net::Tunnel:\s*(\S+)/.exec(lines[title]!)![1]!);
  for (let i = title + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/::/.test(line)) break;
    const m = /^\s*MAC Address\s+(.*?)\s*$/i.exec(line);
    if (m) return { name, mac: normaliseMac(m[1]!, () => `${command}: line ${i + 1} ("${line.trim()}")`) };
  }
  throw new TmshParseError(`${command}: expected a "MAC Address" line after "Net::Tunnel: ${name}" (line ${title + 1}); \`show net tunnels tunnel\` prints it only with all-properties`);
}

/**
 * What renderUnitTmsh writes (or a VE's outputs joined the same way), read back section by section.
 * A `list net tunnels tunnel <t>` section adds its key, local-address and MTU to the tunnel its
 * `show ... all-properties` section names (whose MAC makes it a tunnel of the state).
 */
export function parseUnitTmsh(text: string): Pick<UnitState, 'failoverStatus' | 'tunnels' | 'fdb' | 'arp' | 'selfIps' | 'vlans'> {
  const sections: { command: string; body: string[] }[] = [];
  for (const line of linesOf(text)) {
    const m = /^# (\S.*)$/.exec(line);
    if (m) sections.push({ command: m[1]!.trim(), body: [] });
    else if (sections.length) sections[sections.length - 1]!.body.push(line);
    else if (line.trim() !== '') throw new TmshParseError(`unit tmsh text: expected a "# <command>" line first, found "${line.trim().slice(0, 100)}"`);
  }
  let failoverStatus: FailoverStatus | undefined;
  const out = { tunnels: [] as UnitTunnel[], fdb: [] as UnitFdbRecord[], arp: [] as UnitArpEntry[], selfIps: [] as UnitSelfIp[], vlans: [] as UnitVlan[] };
  const listed: Omit<UnitTunnel, 'mac' | 'up'>[] = [];
  for (const { command, body } of sections) {
    const text = body.join('\n');
    if (command === 'show cm failover-status') failoverStatus = parseFailoverStatus(text);
    else if (/^show net tunnels tunnel \S+ all-properties$/.test(command)) out.tunnels.push(parseTunnelProperties(text));
    else if (/^show net fdb( tunnel \S+)?$/.test(command)) out.fdb.push(...parseShowNetFdb(text));
    else if (/^show net arp( all)?$/.test(command)) out.arp.push(...parseShowNetArp(text));
    else if (command === LIST_COMMANDS.self) out.selfIps.push(...parseListNetSelf(text));
    else if (command === LIST_COMMANDS.vlan) out.vlans.push(...parseListNetVlan(text));
    else if (/^list net tunnels tunnel \S+$/.test(command)) listed.push(...parseListNetTunnel(text));
    else throw new TmshParseError(`unit tmsh text: no parser for "# ${command}" (expected show cm failover-status, show net tunnels tunnel <t> all-properties, show net fdb [tunnel <t>], show net arp, list net self, list net vlan, list net tunnels tunnel <t>)`);
  }
  if (failoverStatus === undefined) throw new TmshParseError('unit tmsh text: expected a "# show cm failover-status" section, found none');
  out.tunnels = out.tunnels.map((t) => ({ ...t, ...listed.find((l) => l.name === t.name), mac: t.mac }));
  return { failoverStatus, ...out };
}

// ---------------------------------------------------------------------------------------------

interface TableSpec {
  command: string;
  title: string;
  columns: readonly string[];
}

interface Row {
  cells: string[];
  where: () => string;
}

/**
 * The rows of every `title` table whose heading is `columns`. Blank output (or only prompts) is a
 * table without rows: tmsh prints nothing for one. A table ends at a blank line, a rule or a
 * prompt; each row must have one whitespace-free value per column.
 */
function rowsOf(text: string, spec: TableSpec): Row[] {
  const lines = linesOf(text);
  if (lines.every((l) => l.trim() === '' || isPrompt(l))) return [];
  const heading = spec.columns.join(' ');
  const norm = (l: string) => l.trim().replace(/\s+/g, ' ');
  const rows: Row[] = [];
  let titles = 0;
  let matched = 0;
  let wrongHeading: { line: number; text: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (norm(lines[i]!) !== spec.title) continue;
    titles++;
    let h = i + 1;
    while (h < lines.length && lines[h]!.trim() === '') h++;
    if (h >= lines.length || norm(lines[h]!).toLowerCase() !== heading.toLowerCase()) {
      wrongHeading ??= { line: h + 1, text: h < lines.length ? lines[h]!.trim() : '(end of output)' };
      continue;
    }
    matched++;
    let r = h + 1;
    if (r < lines.length && isRule(lines[r]!)) r++;
    for (; r < lines.length; r++) {
      const line = lines[r]!;
      if (line.trim() === '' || isRule(line) || isPrompt(line)) break;
      const cells = line.trim().split(/\s+/);
      const lineNo = r + 1;
      const where = () => `${spec.command}: line ${lineNo} ("${line.trim()}")`;
      if (cells.length !== spec.columns.length) {
        throw new TmshParseError(`${where()}: expected ${spec.columns.length} fields (${spec.columns.join(', ')}), found ${cells.length}${cells.length < spec.columns.length ? ' (row cut short?)' : ''}`);
      }
      rows.push({ cells, where });
    }
    i = r - 1;
  }
  if (titles === 0) throw new TmshParseError(`${spec.command}: expected a "${spec.title}" table, found ${firstContent(lines)}`);
  if (matched === 0 && wrongHeading) {
    throw new TmshParseError(`${spec.command}: line ${wrongHeading.line}: expected the columns "${heading}" under "${spec.title}", found "${wrongHeading.text}"`);
  }
  return rows;
}

function address(raw: string, where: () => string): string {
  const a = stripRouteDomain(raw);
  if (isIP(a) === 0) throw new TmshParseError(`${where()}: expected an IP address, found "${raw}"`);
  return a;
}
