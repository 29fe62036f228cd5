// $OVERLAB_TMSH_STATE_DIR/unit.json: what the harness tells a stand-in unit about itself before
// the face runs (not tmsh): its name and peer, its HA address, which kernel interface each BIG-IP
// interface is, the tunnel MAC the scenario planned, and whether it boots ACTIVE or STANDBY.
import { isIPv4 } from 'node:net';
import { TmshFaceError } from './errors.js';

export interface UnitConfig {
  unit: string;
  peer: { unit: string; haAddress: string };
  haAddress: string;
  /** BIG-IP interface (`1.1`) -> kernel interface (`eth0`). */
  interfaces: Record<string, string>;
  tunnelMac: string;
  initialStatus: 'ACTIVE' | 'STANDBY';
}

/** Checks unit.json's content; the error names the file and the field. */
export function parseUnitConfig(text: string, file: string): UnitConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TmshFaceError(`${file}: not JSON: ${(e as Error).message}`);
  }
  const fail = (field: string, what: string): never => {
    throw new TmshFaceError(`${file}: ${field}: expected ${what}`);
  };
  const o = (raw ?? {}) as Record<string, unknown>;
  const str = (v: unknown, field: string, re?: RegExp) => (typeof v === 'string' && v && (!re || re.test(v)) ? v : fail(field, re ? `a string matching ${re}` : 'a string'));
  const ip = (v: unknown, field: string) => (typeof v === 'string' && isIPv4(v) ? v : fail(field, 'an IPv4 address'));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('(top level)', 'an object');
  const peer = (o.peer ?? fail('peer', 'an object { unit, haAddress }')) as Record<string, unknown>;
  const interfaces = o.interfaces;
  if (typeof interfaces !== 'object' || interfaces === null || Array.isArray(interfaces)) fail('interfaces', 'an object such as { "1.1": "eth0" }');
  for (const [k, v] of Object.entries(interfaces as object)) {
    if (!/^\d+\.\d+$/.test(k)) fail(`interfaces.${k}`, 'BIG-IP interface names such as 1.1 as keys');
    str(v, `interfaces.${k}`, /^[A-Za-z0-9_.-]{1,15}$/);
  }
  const status = o.initialStatus;
  if (status !== 'ACTIVE' && status !== 'STANDBY') fail('initialStatus', '"ACTIVE" or "STANDBY"');
  return {
    unit: str(o.unit, 'unit'),
    peer: { unit: str(peer.unit, 'peer.unit'), haAddress: ip(peer.haAddress, 'peer.haAddress') },
    haAddress: ip(o.haAddress, 'haAddress'),
    interfaces: interfaces as Record<string, string>,
    tunnelMac: str(o.tunnelMac, 'tunnelMac', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/),
    initialStatus: status as 'ACTIVE',
  };
}
