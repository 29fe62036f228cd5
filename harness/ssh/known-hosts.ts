// known_hosts as OpenSSH reads it: `[marker] hosts keytype base64 [comment]` per line; hosts a
// comma list of names, `[name]:port` for a port other than 22, `*`/`?` patterns, `!` negations,
// and hashed names (`|1|salt|HMAC-SHA1(salt, name)`); `@revoked` keys are refused and
// `@cert-authority` lines are not host keys (certificates are not supported: said, not ignored).
// A host is known when a line matches its name; its key must then be one of that host's keys.
import { createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownKey {
  type: string;
  /** The key blob, as the server sends it. */
  blob: Buffer;
  revoked: boolean;
  line: number;
}

export interface KnownHostLine {
  patterns: string[];
  marker?: '@revoked' | '@cert-authority';
  key: KnownKey;
}

/** The name known_hosts files a host under: `addr` on port 22, `[addr]:port` otherwise. */
export const knownHostName = (address: string, port: number): string => (port === 22 ? address : `[${address}]:${port}`);

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    const marker = words[0] === '@revoked' || words[0] === '@cert-authority' ? (words.shift() as KnownHostLine['marker']) : undefined;
    const [hosts, type, base64] = words;
    if (!hosts || !type || !base64) return; // OpenSSH skips malformed lines too
    const blob = Buffer.from(base64, 'base64');
    if (blob.length === 0) return;
    out.push({ patterns: hosts.split(','), marker, key: { type, blob, revoked: marker === '@revoked', line: i + 1 } });
  });
  return out;
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(name);
}

/** OpenSSH's rule: a line applies when a pattern matches and no negated pattern does. */
export function lineMatches(line: KnownHostLine, name: string): boolean {
  let matched = false;
  for (const p of line.patterns) {
    const negated = p.startsWith('!');
    const body = negated ? p.slice(1) : p;
    const hit = body.startsWith('|') ? hashedMatches(body, name) : globMatches(body, name);
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

export type HostKeyVerdict =
  | { verdict: 'known'; line: number }
  | { verdict: 'unknown' }
  | { verdict: 'revoked'; line: number }
  | { verdict: 'mismatch'; lines: number[]; knownTypes: string[] };

/** What known_hosts says about `blob` for the host called `name`. */
export function judgeHostKey(lines: readonly KnownHostLine[], name: string, blob: Buffer): HostKeyVerdict {
  const mine = lines.filter((l) => l.marker !== '@cert-authority' && lineMatches(l, name));
  const revoked = mine.find((l) => l.key.revoked && l.key.blob.equals(blob));
  if (revoked) return { verdict: 'revoked', line: revoked.key.line };
  const same = mine.find((l) => !l.key.revoked && l.key.blob.equals(blob));
  if (same) return { verdict: 'known', line: same.key.line };
  const others = mine.filter((l) => !l.key.revoked);
  if (others.length === 0) return { verdict: 'unknown' };
  return { verdict: 'mismatch', lines: others.map((l) => l.key.line), knownTypes: [...new Set(others.map((l) => l.key.type))] };
}

/** The key type a blob carries (its first SSH string: `ssh-ed25519`, `ssh-rsa`, ...). */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function readKnownHosts(file: string): KnownHostLine[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : [];
}

/** accept-new: records a host's first key, as OpenSSH's StrictHostKeyChecking=accept-new does. */
export function appendKnownHost(file: string, name: string, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${name} ${blobType(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

/**
 * The host key algorithms to offer a host, the ones known_hosts holds for it first (as OpenSSH
 * orders them): otherwise a server with several keys may answer with one we do not know.
 */
export function preferredHostKeyAlgorithms(lines: readonly KnownHostLine[], name: string, all: readonly string[]): string[] {
  const types = new Set(lines.filter((l) => !l.key.revoked && l.marker === undefined && lineMatches(l, name)).map((l) => l.key.type));
  const algorithmsOf = (t: string) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]);
  const first = [...types].flatMap(algorithmsOf).filter((a) => all.includes(a));
  return [...first, ...all.filter((a) => !first.includes(a))];
}
