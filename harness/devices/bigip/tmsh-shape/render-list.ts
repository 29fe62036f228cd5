// `list net self`, `list net vlan` and `list net tunnels tunnel <t>` written as a VE prints them
// (one property a line, names under /Common/, properties in tmsh's order), for the stand-in's tmsh
// face; list.ts reads them back. See test/fixtures/tmsh/run-list-*.txt for the VE's own layout.
import type { UnitSelfIp, UnitTunnel, UnitVlan } from '../types.js';
import { COMMON } from './text.js';

const path = (name: string) => (name.startsWith('/') ? name : `${COMMON}${name}`);
const object = (kind: string, name: string, body: readonly string[]) => [`${kind} ${path(name)} {`, ...body.map((l) => `    ${l}`), '}'].join('\n') + '\n';

export interface ListedSelf extends UnitSelfIp {
  name: string;
  allowService?: 'default' | 'all' | 'none';
}

export function listNetSelf(selfs: readonly ListedSelf[]): string {
  return selfs
    .map((s) =>
      object('net self', s.name, [
        `address ${s.address}`,
        ...(s.allowService && s.allowService !== 'none' ? ['allow-service {', `    ${s.allowService}`, '}'] : []),
        ...(s.floating ? ['floating enabled'] : []),
        `traffic-group ${path(s.trafficGroup)}`,
        ...(s.floating ? ['unit 1'] : []),
        `vlan ${path(s.vlan)}`,
      ]),
    )
    .join('');
}

export function listNetVlan(vlans: readonly (UnitVlan & { interfaces: readonly string[] })[]): string {
  return vlans.map((v) => object('net vlan', v.name, ['interfaces {', ...v.interfaces.map((i) => `    ${i} { }`), '}', `mtu ${v.mtu}`])).join('');
}

export function listNetTunnel(t: Required<Pick<UnitTunnel, 'name' | 'key' | 'mtu'>> & { localAddress?: string; profile: string; trafficGroup: string }): string {
  return object('net tunnels tunnel', t.name, [`key ${t.key}`, `local-address ${t.localAddress ?? 'any'}`, `mtu ${t.mtu}`, `profile ${path(t.profile)}`, `traffic-group ${path(t.trafficGroup)}`]);
}
