// What the face's objects make of traffic-group-1 and of the units' nftables tables: the same
// TrafficGroupPlan and rulesets sim builds from the scenario (sim/rulesets.ts,
// sim/traffic-group.ts), here built from the tmsh objects. Pure.
import * as ip from '../../../core/ipv4.js';
import type { TrafficGroupAddress } from '../sim/config.js';
import type { UnitNaming } from '../sim/observe.js';
import { trafficGroupTable, virtualAddressFilter, type DnatRule, type SnatRule } from '../sim/rulesets.js';
import type { TrafficGroupPlan } from '../sim/traffic-group.js';
import { TmshFaceError } from './errors.js';
import { findObject, hostOf, objectsOf, type FaceConfig, type FaceSelf, type FaceVirtual } from './objects.js';

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The virtual addresses (each once, on its VLAN's device) and the floating self IPs. */
export function trafficGroupAddressesOf(config: FaceConfig): TrafficGroupAddress[] {
  const virtuals = objectsOf(config, 'virtual');
  const vips = unique(virtuals.map((v) => v.destination)).map((d): TrafficGroupAddress => ({ cidr: `${d}/32`, dev: virtuals.find((v) => v.destination === d)!.dev, ip: d, virtual: true }));
  const floating = objectsOf(config, 'self')
    .filter((s) => s.trafficGroup === 'traffic-group-1')
    .map((s): TrafficGroupAddress => ({ cidr: s.address, dev: s.dev, ip: hostOf(s.address), virtual: false }));
  return [...vips, ...floating];
}

/** The self IP whose network holds `address`: non-floating ones first, as they are always there. */
export function selfFor(config: FaceConfig, address: string): FaceSelf | undefined {
  const n = ip.parseIp(address);
  const selfs = objectsOf(config, 'self');
  const holds = (s: FaceSelf) => ip.contains(ip.parsePrefix(s.address), n);
  return selfs.find((s) => s.trafficGroup === 'traffic-group-local-only' && holds(s)) ?? selfs.find(holds);
}

/**
 * SNAT automap of one virtual server: for each device its pool members are on, the floating self
 * IP there (traffic-group-1's, as BIG-IP prefers it), else the unit's own self IP there.
 */
function automap(config: FaceConfig, v: FaceVirtual): SnatRule[] {
  const members = findObject(config, 'pool', v.pool)?.members ?? [];
  const devs = unique(
    members.map((m) => {
      const self = selfFor(config, m);
      if (!self) throw new TmshFaceError(`ltm virtual ${v.name}: source-address-translation automap: pool member ${m} is on no VLAN or tunnel with a self IP (automap takes the self IP of the member's VLAN)`);
      return self.dev;
    }),
  );
  const selfs = objectsOf(config, 'self');
  return devs.map((dev) => {
    const on = selfs.filter((s) => s.dev === dev);
    const chosen = on.find((s) => s.trafficGroup === 'traffic-group-1') ?? on[0]!;
    return { oifname: dev, to: hostOf(chosen.address), match: `ct original ip daddr ${v.destination} meta l4proto ${v.protocol} ct original proto-dst ${v.port}` };
  });
}

/** traffic-group-1 on this unit: what the active unit holds and the standby does not. */
export function trafficGroupOf(config: FaceConfig): TrafficGroupPlan {
  const virtuals = objectsOf(config, 'virtual');
  const dnat = virtuals.map((v): DnatRule => ({ destination: v.destination, protocol: v.protocol, port: v.port, members: findObject(config, 'pool', v.pool)?.members ?? [] }));
  return {
    addresses: trafficGroupAddressesOf(config),
    tunnels: objectsOf(config, 'tunnel')
      .filter((t) => t.trafficGroup === 'traffic-group-1')
      .map((t) => t.dev),
    ruleset: trafficGroupTable(dnat, virtuals.filter((v) => v.snat === 'automap').flatMap((v) => automap(config, v))),
    virtualAddresses: unique(virtuals.map((v) => v.destination)),
  };
}

/** The base table while there are virtual servers (a unit never forwards for a virtual address it does not hold); none without. */
export function baseRulesetOf(config: FaceConfig): string | undefined {
  const vips = unique(objectsOf(config, 'virtual').map((v) => v.destination));
  return vips.length ? virtualAddressFilter(vips) : undefined;
}

/** The kernel devices by the names tmsh knows them by, for reading the unit back (sim/observe.ts). */
export function namingOf(config: FaceConfig): UnitNaming {
  return {
    vlans: new Map(objectsOf(config, 'vlan').map((v) => [v.dev, v.name])),
    tunnels: new Map(objectsOf(config, 'tunnel').map((t) => [t.dev, t.name])),
    trafficGroup: trafficGroupAddressesOf(config),
  };
}
