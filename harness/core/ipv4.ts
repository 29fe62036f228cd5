// IPv4 arithmetic for planning: addresses as unsigned 32-bit numbers.

export interface Prefix {
  network: number;
  length: number;
}

export function parseIp(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${text}`);
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) throw new Error(`not an IPv4 address: ${text}`);
    value = value * 256 + n;
  }
  return value >>> 0;
}

export function formatIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function parsePrefix(text: string): Prefix {
  const [ip, len] = text.split('/');
  const length = Number(len);
  if (ip === undefined || len === undefined || !/^\d{1,2}$/.test(len) || length > 32) throw new Error(`not an IPv4 prefix: ${text}`);
  return { network: (parseIp(ip) & maskOf(length)) >>> 0, length };
}

/** True when the text's address part has host bits set (10.0.0.1/24 rather than 10.0.0.0/24). */
export function hasHostBits(text: string): boolean {
  const [ip] = text.split('/');
  return parseIp(ip ?? '') !== parsePrefix(text).network;
}

export function formatPrefix(p: Prefix): string {
  return `${formatIp(p.network)}/${p.length}`;
}

export function size(p: Prefix): number {
  return 2 ** (32 - p.length);
}

export function contains(p: Prefix, ip: number): boolean {
  return ((ip & maskOf(p.length)) >>> 0) === p.network;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  const len = Math.min(a.length, b.length);
  return ((a.network & maskOf(len)) >>> 0) === ((b.network & maskOf(len)) >>> 0);
}

/** The address `offset` past the network address (offset 1 is the first host). */
export function nth(p: Prefix, offset: number): number {
  if (offset < 0 || offset >= size(p)) throw new Error(`offset ${offset} is outside ${formatPrefix(p)}`);
  return (p.network + offset) >>> 0;
}

/** The `index`-th subnet of `length` inside `p`. */
export function subnet(p: Prefix, length: number, index: number): Prefix {
  const count = 2 ** (length - p.length);
  if (length < p.length || index >= count) throw new Error(`${formatPrefix(p)} has no subnet /${length} number ${index}`);
  return { network: (p.network + index * 2 ** (32 - length)) >>> 0, length };
}

export function isNetworkOrBroadcast(p: Prefix, ip: number): boolean {
  return p.length < 31 && (ip === p.network || ip === ((p.network + size(p) - 1) >>> 0));
}

/** A MAC made of a two-byte prefix and the four bytes of an IPv4 address (CNI uses 0a:58 this way). */
export function macFromIp(prefix: readonly [number, number], ip: number): string {
  return [prefix[0], prefix[1], ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
