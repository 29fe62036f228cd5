// One checked step (transaction.ts) carried out in the unit's kernel, the way sim programs a
// unit: a VLAN is its interface up with the MTU (IPv6 address generation off); a non-floating
// self IP an address; a tunnel a VXLAN device (id = key, the profile's port, local, learning, the
// planned MAC, the MTU; up unless it is in traffic-group-1); FDB records permanent entries plus
// multipoint's all-zeros entry per VTEP; a static ARP entry a permanent neighbour. Profiles,
// pools and virtual servers have no device of their own: they live in traffic-group-1 and the
// nftables tables (commit.ts). Deleting undoes exactly what creating did.
import { bridge, ip, type IpLine } from '../../linux/commands.js';
import { TmshFaceError } from './errors.js';
import { findObject, floodEndpoints, type FaceConfig, type FaceObject, type FaceTunnel, type FaceVlan } from './objects.js';
import type { Kernel } from './kernel.js';
import type { Step } from './transaction.js';

const ZERO_MAC = '00:00:00:00:00:00';

export interface ApplyOptions {
  /** Rolling back: every line is tried and errors are ignored. */
  force?: boolean;
}

/** The step that undoes `step`. */
export const inverse = (step: Step): Step => ({
  text: `undo of "${step.text}"`,
  ...(step.after ? { before: step.after } : {}),
  ...(step.before ? { after: step.before } : {}),
  stateBefore: step.stateAfter,
  stateAfter: step.stateBefore,
});

/** Carries out one step; `final` is the configuration being written, where a VLAN's restore record is kept. */
export async function applyStep(k: Kernel, step: Step, final: FaceConfig, options: ApplyOptions = {}): Promise<void> {
  const { before, after } = step;
  if (after?.type === 'vlan' && !before) return createVlan(k, after, final, options);
  if (after?.type === 'tunnel' && before?.type === 'tunnel') return modifyTunnel(k, before, after, step.stateAfter, options);
  const lines = { ip: [] as IpLine[], bridge: [] as IpLine[] };
  if (before) removeLines(before, lines);
  if (after) addLines(after, lines);
  await k.ip(lines.ip, options);
  await k.bridge(lines.bridge, options);
}

async function createVlan(k: Kernel, v: FaceVlan, final: FaceConfig, options: ApplyOptions): Promise<void> {
  const link = await k.link(v.dev);
  if (!link) throw new TmshFaceError(`tmsh: interface ${v.interface} of ${v.name} is ${v.dev} in unit.json, and this unit's kernel has no ${v.dev}`);
  const restore = { mtu: link.mtu, up: link.up, ...(link.addrGenMode ? { addrGenMode: link.addrGenMode } : {}) };
  v.restore = restore;
  const kept = findObject(final, 'vlan', v.name);
  if (kept) kept.restore = restore;
  await k.ip([ip.addrGenNone(v.dev), ip.linkMtu(v.dev, v.mtu), ip.linkUp(v.dev)], options);
}

/** A VXLAN device's VNI cannot change in place: the device is made again, with what lived on it. */
async function modifyTunnel(k: Kernel, before: FaceTunnel, after: FaceTunnel, state: FaceConfig, options: ApplyOptions): Promise<void> {
  if (before.key !== after.key) {
    const lines = { ip: [ip.linkDel(before.dev)] as IpLine[], bridge: [] as IpLine[] };
    addLines(after, lines);
    for (const o of state.objects) if (o.type !== 'tunnel' && o.type !== 'vlan' && 'dev' in o && o.dev === after.dev) addLines(o, lines);
    await k.ip(lines.ip, options);
    await k.bridge(lines.bridge, options);
    return;
  }
  await k.bridge(recordLines(after, before, after), options);
}

/** bridge lines that take a tunnel's records (and flood entries) from `from` to `to`. */
function recordLines(t: FaceTunnel, from: FaceTunnel, to: FaceTunnel): IpLine[] {
  const lines: IpLine[] = [];
  const toMacs = new Set(to.records.map((r) => r.mac));
  const fromMacs = new Set(from.records.map((r) => r.mac));
  const toFlood = new Set(floodEndpoints(to));
  const fromFlood = new Set(floodEndpoints(from));
  for (const r of from.records) if (!toMacs.has(r.mac)) lines.push(bridge.fdbDel(r.mac, t.dev, r.endpoint));
  for (const e of fromFlood) if (!toFlood.has(e)) lines.push(bridge.fdbDel(ZERO_MAC, t.dev, e));
  for (const r of to.records) if (!fromMacs.has(r.mac)) lines.push(bridge.fdbVtep(r.mac, t.dev, r.endpoint));
  for (const e of toFlood) if (!fromFlood.has(e)) lines.push(bridge.fdbFlood(t.dev, e));
  return lines;
}

function addLines(o: FaceObject, out: { ip: IpLine[]; bridge: IpLine[] }): void {
  switch (o.type) {
    case 'self':
      // A floating self IP is traffic-group-1's: the unit that holds the group has it (commit.ts).
      if (o.trafficGroup === 'traffic-group-local-only') out.ip.push(ip.addrAdd(o.address, o.dev));
      return;
    case 'tunnel':
      out.ip.push(
        ip.addVxlan({ name: o.dev, vni: o.key, port: o.port, local: o.localAddress, ...(o.underlayDev ? { dev: o.underlayDev } : {}), learning: true, mtu: o.mtu, mac: o.mac }),
        ip.addrGenNone(o.dev),
        // A traffic-group-1 tunnel is up on the unit that holds the group only (commit.ts).
        ...(o.trafficGroup === 'traffic-group-local-only' ? [ip.linkUp(o.dev)] : []),
      );
      out.bridge.push(...recordLines(o, { ...o, records: [] }, o));
      return;
    case 'arp':
      out.ip.push(ip.neighPermanent(o.ip, o.mac, o.dev));
      return;
    default:
      return;
  }
}

function removeLines(o: FaceObject, out: { ip: IpLine[]; bridge: IpLine[] }): void {
  switch (o.type) {
    case 'vlan': {
      const r = o.restore;
      if (!r) throw new TmshFaceError(`tmsh: ${o.name}: config.json has no record of ${o.dev} before the VLAN took it, so it cannot be put back`);
      out.ip.push(...(r.up ? [] : [ip.linkDown(o.dev)]), ...(r.addrGenMode && r.addrGenMode !== 'none' ? [ip.addrGenMode(o.dev, r.addrGenMode)] : []), ip.linkMtu(o.dev, r.mtu));
      return;
    }
    case 'self':
      if (o.trafficGroup === 'traffic-group-local-only') out.ip.push(ip.addrDel(o.address, o.dev));
      return;
    case 'tunnel':
      // Its addresses, neighbours and FDB entries go with the device.
      out.ip.push(ip.linkDel(o.dev));
      return;
    case 'arp':
      out.ip.push(ip.neighDel(o.ip, o.dev));
      return;
    default:
      return;
  }
}
