// The values the subset's properties take: object names (with or without `/Common/`), IPv4
// addresses in route domain 0 (`%0` allowed), prefixes, MACs, ports. Each parser returns the
// normalised value or a message saying what the value must be (the caller names the command).
import { isIPv4 } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(message: string): Parsed<T> => ({ ok: false, message });

const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const COMMON = '/Common/';

/** `/Common/ol_ab12_underlay` or `ol_ab12_underlay` → `ol_ab12_underlay`; other partitions and odd characters refused. */
export function objectName(raw: string): Parsed<string> {
  const name = raw.startsWith(COMMON) ? raw.slice(COMMON.length) : raw;
  if (name.startsWith('/')) return bad(`"${raw}": only the /Common partition exists on this unit`);
  if (!NAME.test(name) || name.length > 255) return bad(`"${raw}" is not a name this unit accepts (a letter, then letters, digits, "_", "." or "-"; optionally after /Common/)`);
  return ok(name);
}

/** An IPv4 address, `%0` (route domain 0) allowed and dropped. */
export function ipv4(raw: string): Parsed<string> {
  const at = raw.indexOf('%');
  const address = at < 0 ? raw : raw.slice(0, at);
  if (at >= 0 && raw.slice(at + 1) !== '0') return bad(`"${raw}": only route domain 0 exists on this unit (write the address without %<n>, or with %0)`);
  if (!isIPv4(address)) return bad(`"${raw}" is not an IPv4 address`);
  return ok(address);
}

/** `a.b.c.d[%0]/len` → `a.b.c.d/len`. */
export function ipv4Prefix(raw: string): Parsed<string> {
  const slash = raw.lastIndexOf('/');
  if (slash < 0) return bad(`"${raw}" is not an address with a prefix length (a.b.c.d/len)`);
  const ip = ipv4(raw.slice(0, slash));
  if (!ip.ok) return ip;
  const len = raw.slice(slash + 1);
  if (!/^\d{1,2}$/.test(len) || Number(len) > 32) return bad(`"${raw}": the prefix length must be 0 to 32`);
  return ok(`${ip.value}/${Number(len)}`);
}

/** Six hex octets; lower-case and zero-padded. */
export function mac(raw: string): Parsed<string> {
  const parts = raw.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-f]{1,2}$/i.test(p))) return bad(`"${raw}" is not a MAC address (six hex octets separated by ":")`);
  return ok(parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':'));
}

/** A whole number in [min, max]. */
export function integer(raw: string, min: number, max: number): Parsed<number> {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) return bad(`"${raw}" is not a whole number from ${min} to ${max}`);
  return ok(Number(raw));
}

/** `a.b.c.d[%0]:port` (a virtual server's destination) → address and port 1..65535. */
export function destination(raw: string): Parsed<{ address: string; port: number }> {
  const colon = raw.lastIndexOf(':');
  if (colon < 0) return bad(`"${raw}" is not a destination address:port`);
  const address = ipv4(raw.slice(0, colon));
  if (!address.ok) return address;
  const port = integer(raw.slice(colon + 1), 1, 65535);
  if (!port.ok) return bad(`"${raw}": the port must be a number from 1 to 65535 (a virtual server of this unit listens on one port)`);
  return ok({ address: address.value, port: port.value });
}

/** A pool member `a.b.c.d[%0]:any` (or `:0`): the stand-in's virtual servers keep the destination port. */
export function poolMember(raw: string): Parsed<string> {
  const colon = raw.lastIndexOf(':');
  if (colon < 0) return bad(`"${raw}" is not a pool member address:any`);
  const address = ipv4(raw.slice(0, colon));
  if (!address.ok) return address;
  const port = raw.slice(colon + 1);
  if (port !== 'any' && port !== '0') return bad(`"${raw}": a member's port must be "any" (this unit's virtual servers keep the destination port)`);
  return ok(address.value);
}

/** One of `choices`, after stripping `/Common/` (traffic groups are objects in /Common). */
export function oneOf<T extends string>(raw: string, choices: readonly T[]): Parsed<T> {
  const v = raw.startsWith(COMMON) ? raw.slice(COMMON.length) : raw;
  return (choices as readonly string[]).includes(v) ? ok(v as T) : bad(`"${raw}" is not one of ${choices.join(', ')}`);
}
