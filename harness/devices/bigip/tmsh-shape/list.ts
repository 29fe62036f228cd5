// tmsh's `list` output (the configuration syntax) read into the unit types: `list net self`,
// `list net vlan` and `list net tunnels tunnel <t>`. A VE prints one property a line, objects and
// their references under `/Common/`, and only what differs from the default (a VLAN's MTU 1500, a
// tunnel's key 0); the stand-in's face may print an object on one line. Both read the same:
//
//   net self /Common/ol_ab12cd_self_tunnel {
//       address 10.217.31.36%0/16
//       traffic-group /Common/traffic-group-local-only
//       vlan /Common/ol_ab12cd_flannel_vxlan
//   }
//
// Tolerated as in parse.ts: prompt lines, `/Common/`, `%<route domain>`. Anything else that is not
// this syntax (unbalanced braces, a property without a value, an address that is not one) throws a
// TmshParseError naming the command, what was expected and the line.
import { isIP } from 'node:net';
import type { UnitSelfIp, UnitTunnel, UnitVlan } from '../types.js';
import { isPrompt, linesOf, stripCommon, stripRouteDomain, TmshParseError } from './text.js';

/** The `list` commands whose output this module reads, as a unit's evidence names them. */
export const LIST_COMMANDS = {
  self: 'list net self',
  vlan: 'list net vlan',
  tunnel: (name: string) => `list net tunnels tunnel ${name}`,
} as const;

/** A property value: one word, or a `{ ... }` block of words and blocks. */
export type ListValue = string | ListBlock;
export interface ListBlock {
  items: ListValue[];
  line: number;
}

/** One object of `list` output: `net self /Common/x { ... }` is kind `net self`, name `/Common/x`. */
export interface ListObject {
  kind: string;
  name: string;
  /** The top-level properties, `key value` pairs in order. */
  props: Map<string, ListValue>;
  line: number;
}

interface Token {
  text: string;
  line: number;
}

function tokens(text: string, command: string): Token[] {
  const out: Token[] = [];
  linesOf(text).forEach((raw, i) => {
    if (isPrompt(raw)) return;
    // A quoted string (tmsh quotes values with blanks), a brace, a word; a lone quote is an error.
    for (const m of raw.matchAll(/"((?:[^"\\]|\\.)*)"|[{}]|[^\s{}"]+|"/g)) {
      if (m[0] === '"') throw new TmshParseError(`${command}: line ${i + 1}: unterminated quoted string ("${raw.trim()}")`);
      out.push({ text: m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[0], line: i + 1 });
    }
  });
  return out;
}

/** Every object in `list` output, with its kind (the words before its name) and top-level properties. */
export function parseListObjects(text: string, command: string): ListObject[] {
  const toks = tokens(text, command);
  const objects: ListObject[] = [];
  let i = 0;
  const block = (open: Token): ListBlock => {
    const items: ListValue[] = [];
    for (;;) {
      const t = toks[i++];
      if (!t) throw new TmshParseError(`${command}: line ${open.line}: the "{" there is never closed`);
      if (t.text === '}') return { items, line: open.line };
      items.push(t.text === '{' ? block(t) : t.text);
    }
  };
  while (i < toks.length) {
    const header: Token[] = [];
    while (i < toks.length && toks[i]!.text !== '{' && toks[i]!.text !== '}') header.push(toks[i++]!);
    const open = toks[i++];
    const first = header[0] ?? open;
    if (!open || open.text !== '{' || header.length < 2) {
      const found = [...header, ...(open ? [open] : [])].filter((h) => h.line === first?.line).map((h) => h.text).join(' ');
      throw new TmshParseError(`${command}: line ${first?.line ?? 0}: expected "<kind> <name> { ... }", found "${found.slice(0, 100)}"`);
    }
    const body = block(open);
    const props = new Map<string, ListValue>();
    for (let k = 0; k < body.items.length; k += 2) {
      const key = body.items[k]!;
      const value = body.items[k + 1];
      if (typeof key !== 'string' || value === undefined) {
        throw new TmshParseError(`${command}: line ${first!.line}: expected "<property> <value>" pairs in ${header.map((h) => h.text).join(' ')}, found ${typeof key === 'string' ? `"${key}" without a value` : 'a block without a property name'}`);
      }
      props.set(key, value);
    }
    objects.push({ kind: header.slice(0, -1).map((h) => h.text).join(' '), name: header[header.length - 1]!.text, props, line: first!.line });
  }
  return objects;
}

/** The objects of one kind (none when the output is blank: tmsh prints nothing when there is nothing). */
function objectsOf(text: string, command: string, kind: string): ListObject[] {
  const all = parseListObjects(text, command);
  const other = all.find((o) => o.kind !== kind);
  if (other) throw new TmshParseError(`${command}: line ${other.line}: expected "${kind} <name> { ... }", found "${other.kind} ${other.name}"`);
  return all;
}

function wordOf(o: ListObject, key: string, command: string): string | undefined {
  const v = o.props.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new TmshParseError(`${command}: line ${v.line}: expected one value for ${key} of ${o.kind} ${o.name}, found a block`);
  return v;
}

function numberOf(o: ListObject, key: string, command: string): number | undefined {
  const v = wordOf(o, key, command);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new TmshParseError(`${command}: line ${o.line}: expected ${key} of ${o.kind} ${o.name} to be a number, found "${v}"`);
  return Number(v);
}

/** `10.217.31.36%0/16` → `10.217.31.36/16` (an address with its prefix length). */
function cidrOf(raw: string, where: string): string {
  const m = /^([^/%]+)(?:%\d+)?\/(\d{1,2})$/.exec(raw);
  if (!m || isIP(m[1]!) !== 4 || Number(m[2]) > 32) throw new TmshParseError(`${where}: expected an address with its prefix length (10.217.31.36/16, %<route domain> allowed), found "${raw}"`);
  return `${m[1]}/${m[2]}`;
}

/**
 * `list net self`. Floating: `floating enabled` where the unit prints it, else a self IP in any
 * traffic group but traffic-group-local-only (what makes a self IP floating on BIG-IP).
 */
export function parseListNetSelf(text: string): UnitSelfIp[] {
  const command = LIST_COMMANDS.self;
  return objectsOf(text, command, 'net self').map((o) => {
    const where = `${command}: line ${o.line} (net self ${o.name})`;
    const address = wordOf(o, 'address', command);
    const vlan = wordOf(o, 'vlan', command);
    if (address === undefined || vlan === undefined) throw new TmshParseError(`${where}: expected an address and a vlan`);
    const trafficGroup = stripCommon(wordOf(o, 'traffic-group', command) ?? 'traffic-group-local-only');
    const floating = wordOf(o, 'floating', command);
    return { address: cidrOf(address, where), vlan: stripCommon(vlan), trafficGroup, floating: floating !== undefined ? floating === 'enabled' : trafficGroup !== 'traffic-group-local-only' };
  });
}

/** A VLAN as `list net vlan` prints it, with its name (which the unit state keeps) and MTU (1500 when not printed). */
export function parseListNetVlan(text: string): UnitVlan[] {
  const command = LIST_COMMANDS.vlan;
  return objectsOf(text, command, 'net vlan').map((o) => ({ name: stripCommon(o.name), mtu: numberOf(o, 'mtu', command) ?? 1500 }));
}

/**
 * `list net tunnels tunnel <t>`: key (0 when not printed), local-address (none when `any`) and MTU
 * (none when 0 or not printed: the VE then derives it from the VLAN). The MAC is in `show ... all-properties`.
 */
export function parseListNetTunnel(text: string): Omit<UnitTunnel, 'mac' | 'up'>[] {
  const command = 'list net tunnels tunnel';
  return objectsOf(text, command, 'net tunnels tunnel').map((o) => {
    const local = wordOf(o, 'local-address', command);
    const address = local === undefined || local === 'any' ? undefined : stripRouteDomain(local);
    if (address !== undefined && isIP(address) === 0) throw new TmshParseError(`${command}: line ${o.line} (net tunnels tunnel ${o.name}): expected local-address to be an address or any, found "${local}"`);
    const mtu = numberOf(o, 'mtu', command);
    return { name: stripCommon(o.name), key: numberOf(o, 'key', command) ?? 0, ...(address ? { localAddress: address } : {}), ...(mtu ? { mtu } : {}) };
  });
}
