// A transaction checked before anything is applied: each change is played on a copy of the
// configuration, in order, with its references checked (a tunnel's profile exists, a self IP's
// VLAN exists, a virtual's pool exists, nothing deleted is still used), and what the face must
// know to apply it is resolved (devices, the tunnel's MAC and port). The result is the new
// configuration and one step per change (the object before and after, and the whole
// configuration before and after it), which apply.ts carries out. Pure.
import { OBJECT_PATHS, type ChangeCommand, type ObjectDecl, type ObjectType } from './commands.js';
import { TmshFaceError } from './errors.js';
import { tunnelDevice } from './kernel-names.js';
import { findObject, hostOf, objectsOf, type FaceConfig, type FaceObject, type FaceTunnel } from './objects.js';
import { baseRulesetOf, selfFor, trafficGroupOf } from './traffic-group.js';
import type { UnitConfig } from './unit.js';

/** VXLAN over IPv4 adds 50 bytes: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8. */
const VXLAN_OVERHEAD = 50;

export interface Step {
  text: string;
  /** Absent for a create. */
  before?: FaceObject;
  /** Absent for a delete. */
  after?: FaceObject;
  stateBefore: FaceConfig;
  stateAfter: FaceConfig;
}

export interface Checked {
  config: FaceConfig;
  steps: Step[];
}

/** One refused change: which command and why. */
class Refused extends Error {}

/**
 * Plays `changes` on `config`; every problem of every change is collected, and any problem refuses
 * the whole transaction (a TmshFaceError listing them, the first on its first line).
 */
export function checkTransaction(config: FaceConfig, changes: readonly { text: string; command: ChangeCommand }[], unit: UnitConfig): Checked {
  let state = structuredClone(config);
  const steps: Step[] = [];
  const problems: string[] = [];
  for (const { text, command } of changes) {
    try {
      const { before, after } = change(state, command, unit);
      if (!before && !after) continue;
      const next: FaceConfig = { ...state, objects: state.objects.flatMap((o) => (o === before ? (after ? [after] : []) : [o])) };
      if (!before) next.objects.push(after!);
      steps.push({ text, ...(before ? { before } : {}), ...(after ? { after } : {}), stateBefore: state, stateAfter: structuredClone(next) });
      state = next;
    } catch (e) {
      if (!(e instanceof Refused) && !(e instanceof TmshFaceError)) throw e;
      problems.push(`"${text}": ${e.message}`);
    }
  }
  if (!problems.length) {
    try {
      // What the objects make together: the rulesets must be buildable (automap needs a self IP toward each member).
      trafficGroupOf(state);
      baseRulesetOf(state);
    } catch (e) {
      if (!(e instanceof TmshFaceError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length) {
    const [first, ...rest] = problems;
    throw new TmshFaceError(`tmsh: ${first} (nothing was applied)${rest.map((p) => `\ntmsh: also ${p}`).join('')}`);
  }
  return { config: state, steps };
}

const path = (type: ObjectType, name: string) => `${OBJECT_PATHS[type]} ${name}`;

function change(state: FaceConfig, c: ChangeCommand, unit: UnitConfig): { before?: FaceObject; after?: FaceObject } {
  switch (c.change) {
    case 'create':
      return { after: resolve(state, c.object, unit) };
    case 'delete': {
      const before = findObject(state, c.type, c.name);
      if (!before) throw new Refused(`${path(c.type, c.name)} was not found`);
      const users = usersOf(state, before);
      if (users.length) throw new Refused(`${path(c.type, c.name)} is in use by ${users.join(', ')}; delete those first`);
      return { before };
    }
    case 'fdb-add': {
      const before = tunnel(state, c.tunnel);
      const dup = c.records.find((r) => before.records.some((x) => x.mac === r.mac));
      if (dup) throw new Refused(`tunnel ${c.tunnel} already has a record for ${dup.mac}`);
      return { before, after: { ...before, records: [...before.records, ...c.records] } };
    }
    case 'fdb-delete-all': {
      const before = tunnel(state, c.tunnel);
      return before.records.length ? { before, after: { ...before, records: [] } } : {};
    }
    case 'tunnel-key': {
      const before = tunnel(state, c.tunnel);
      return before.key === c.key ? {} : { before, after: { ...before, key: c.key } };
    }
  }
}

function tunnel(state: FaceConfig, name: string): FaceTunnel {
  const t = findObject(state, 'tunnel', name);
  if (!t) throw new Refused(`${path('tunnel', name)} was not found`);
  return t;
}

/** A declaration with what applying it needs, after its references are checked. */
function resolve(state: FaceConfig, d: ObjectDecl, unit: UnitConfig): FaceObject {
  const taken = d.type === 'vlan' || d.type === 'tunnel' ? findObject(state, 'vlan', d.name) ?? findObject(state, 'tunnel', d.name) : findObject(state, d.type, d.name);
  if (taken) throw new Refused(`${path(taken.type, d.name)} already exists`);
  switch (d.type) {
    case 'vlan': {
      const dev = unit.interfaces[d.interface];
      if (!dev) throw new Refused(`interface ${d.interface} does not exist on this unit (it has ${Object.keys(unit.interfaces).join(', ') || 'none'})`);
      const other = objectsOf(state, 'vlan').find((v) => v.interface === d.interface);
      if (other) throw new Refused(`interface ${d.interface} is already in ${path('vlan', other.name)}`);
      return { ...d, dev };
    }
    case 'self': {
      const on = findObject(state, 'vlan', d.vlan) ?? findObject(state, 'tunnel', d.vlan);
      if (!on) throw new Refused(`vlan ${d.vlan} was not found (a self IP's vlan is a net vlan or a net tunnels tunnel)`);
      const same = objectsOf(state, 'self').find((s) => hostOf(s.address) === hostOf(d.address));
      if (same) throw new Refused(`address ${hostOf(d.address)} is already ${path('self', same.name)}`);
      return { ...d, dev: on.dev };
    }
    case 'vxlan':
      return d;
    case 'tunnel': {
      const profile = findObject(state, 'vxlan', d.profile);
      if (!profile) throw new Refused(`profile ${d.profile} was not found (a tunnel's profile is a net tunnels vxlan)`);
      const local = objectsOf(state, 'self').find((s) => hostOf(s.address) === d.localAddress);
      if (!local) throw new Refused(`local-address ${d.localAddress} is not a self IP of this unit`);
      const vlan = objectsOf(state, 'vlan').find((v) => v.dev === local.dev);
      if (!vlan) throw new Refused(`local-address ${d.localAddress} is on ${local.vlan}, which is not a VLAN`);
      const mtu = d.mtu ?? vlan.mtu - VXLAN_OVERHEAD;
      const taken = new Set([...Object.values(unit.interfaces), ...objectsOf(state, 'tunnel').map((t) => t.dev)]);
      return {
        ...d,
        mtu,
        dev: tunnelDevice(d.name, taken),
        // A VXLAN device bound to an interface may not have an MTU above that interface's minus 50 (design.md §5).
        ...(mtu + VXLAN_OVERHEAD <= vlan.mtu ? { underlayDev: vlan.dev } : {}),
        mac: unit.tunnelMac,
        port: profile.port,
        flood: profile.floodingType === 'multipoint',
        records: [],
      };
    }
    case 'arp': {
      const self = selfFor(state, d.ip);
      if (!self) throw new Refused(`${d.ip} is on no VLAN or tunnel with a self IP of this unit`);
      const same = objectsOf(state, 'arp').find((a) => a.ip === d.ip);
      if (same) throw new Refused(`${d.ip} already has a static entry, ${path('arp', same.name)}`);
      return { ...d, dev: self.dev };
    }
    case 'pool': {
      const dup = d.members.find((m, i) => d.members.indexOf(m) !== i);
      if (dup) throw new Refused(`member ${dup} is given twice`);
      return d;
    }
    case 'virtual': {
      if (!findObject(state, 'pool', d.pool)) throw new Refused(`pool ${d.pool} was not found`);
      const same = objectsOf(state, 'virtual').find((v) => v.destination === d.destination && v.port === d.port && v.protocol === d.protocol);
      if (same) throw new Refused(`${d.destination}:${d.port} ${d.protocol} is already ${path('virtual', same.name)}`);
      const self = selfFor(state, d.destination);
      if (!self) throw new Refused(`destination ${d.destination} is on no VLAN with a self IP of this unit (the unit answers ARP for a virtual address on the VLAN whose self IP network holds it)`);
      return { ...d, dev: self.dev };
    }
  }
}

/** What refers to `o` and must go before it does. */
function usersOf(state: FaceConfig, o: FaceObject): string[] {
  const selfs = objectsOf(state, 'self');
  switch (o.type) {
    case 'vlan':
    case 'tunnel':
      return selfs.filter((s) => s.vlan === o.name).map((s) => path('self', s.name));
    case 'vxlan':
      return objectsOf(state, 'tunnel')
        .filter((t) => t.profile === o.name)
        .map((t) => path('tunnel', t.name));
    case 'self':
      return objectsOf(state, 'tunnel')
        .filter((t) => t.localAddress === hostOf(o.address))
        .map((t) => `${path('tunnel', t.name)} (its local-address)`);
    case 'pool':
      return objectsOf(state, 'virtual')
        .filter((v) => v.pool === o.name)
        .map((v) => path('virtual', v.name));
    default:
      return [];
  }
}
