// The reads, answered from the kernel's real state (sim's reader over this unit's snapshot, with
// the names tmsh created the devices under), in the shapes tmsh-shape parses. The configuration
// only names things: what exists, its MAC, MTU, addresses, records and ARP entries are the
// kernel's. The one thing the kernel cannot tell is a floating self IP on the standby (it is
// configured there and held by the peer): `list net self` lists it from the configuration.
import { snapshotHost } from '../../../probes/snapshot.js';
import { readSimFailoverStatus, unitStateFrom } from '../sim/observe.js';
import { listNetSelf, listNetTunnel, listNetVlan, type ListedSelf } from '../tmsh-shape/render-list.js';
import { showFailoverStatus, showNetArp, showNetFdb, showTunnelProperties } from '../tmsh-shape/render.js';
import { COMMON } from '../tmsh-shape/text.js';
import type { FailoverStatus, UnitState, UnitTunnel } from '../types.js';
import type { ReadCommand } from './commands.js';
import { TmshFaceError } from './errors.js';
import type { Kernel } from './kernel.js';
import { findObject, hostOf, objectsOf, type FaceConfig } from './objects.js';
import { namingOf } from './traffic-group.js';

/** Answers reads against one reading of the kernel (taken on the first read that needs it). */
export class Reader {
  private status?: Promise<FailoverStatus>;
  private state?: Promise<UnitState>;
  constructor(
    private readonly k: Kernel,
    private readonly config: FaceConfig,
  ) {}

  private failoverStatus(): Promise<FailoverStatus> {
    return (this.status ??= readSimFailoverStatus(this.k.node));
  }

  private unitState(): Promise<UnitState> {
    return (this.state ??= Promise.all([snapshotHost(this.k.node), this.failoverStatus()]).then(([snap, status]) => unitStateFrom(this.k.node.id, namingOf(this.config), snap, status === 'ACTIVE')));
  }

  async answer(r: ReadCommand): Promise<string> {
    switch (r.read) {
      case 'failover-status':
        return showFailoverStatus(await this.failoverStatus());
      case 'fdb': {
        // Without a tunnel: the records of every tunnel configured here, as `show net fdb` lists them.
        const tunnels = r.tunnel !== undefined ? [this.tunnel(r.tunnel).name] : objectsOf(this.config, 'tunnel').map((t) => t.name);
        const records = (await this.unitState()).fdb.filter((f) => tunnels.includes(f.tunnel));
        return showNetFdb(records.map((f) => ({ ...f, tunnel: `${COMMON}${f.tunnel}` })));
      }
      case 'arp':
        return showNetArp((await this.unitState()).arp);
      case 'tunnel': {
        const seen = await this.tunnelSeen(r.tunnel);
        return showTunnelProperties({ ...seen, name: `${COMMON}${seen.name}` });
      }
      case 'list-tunnel': {
        const t = this.tunnel(r.tunnel);
        const seen = await this.tunnelSeen(r.tunnel);
        return listNetTunnel({ name: t.name, key: seen.key ?? t.key, mtu: seen.mtu ?? t.mtu, ...(seen.localAddress ? { localAddress: seen.localAddress } : {}), profile: t.profile, trafficGroup: t.trafficGroup });
      }
      case 'list-self':
        return listNetSelf(await this.selfs());
      case 'list-vlan': {
        const state = await this.unitState();
        return listNetVlan(state.vlans.map((v) => ({ ...v, interfaces: [findObject(this.config, 'vlan', v.name)!.interface] })));
      }
    }
  }

  /** The tunnel as the kernel has it (its VXLAN device). */
  private async tunnelSeen(name: string): Promise<UnitTunnel> {
    const t = this.tunnel(name);
    const seen = (await this.unitState()).tunnels.find((x) => x.name === name);
    if (!seen) throw new TmshFaceError(`tmsh: net tunnels tunnel ${name} is configured, but its device ${t.dev} is not in this unit's kernel`);
    return seen;
  }

  private tunnel(name: string) {
    const t = findObject(this.config, 'tunnel', name);
    if (!t) throw new TmshFaceError(`tmsh: net tunnels tunnel ${name} was not found`);
    return t;
  }

  /** The self IPs the kernel holds, by their names; and on the standby the floating ones it does not hold. */
  private async selfs(): Promise<ListedSelf[]> {
    const state = await this.unitState();
    const configured = objectsOf(this.config, 'self');
    const held = state.selfIps.flatMap((s): ListedSelf[] => {
      const self = configured.find((c) => c.vlan === s.vlan && hostOf(c.address) === hostOf(s.address));
      return self ? [{ ...s, name: self.name, trafficGroup: self.trafficGroup, floating: self.trafficGroup !== 'traffic-group-local-only', allowService: self.allowService }] : [];
    });
    if (state.failoverStatus === 'ACTIVE') return held;
    const elsewhere = configured
      .filter((c) => c.trafficGroup === 'traffic-group-1' && !held.some((h) => h.name === c.name))
      .map((c): ListedSelf => ({ name: c.name, address: c.address, vlan: c.vlan, trafficGroup: c.trafficGroup, floating: true, allowService: c.allowService }));
    return [...held, ...elsewhere];
  }
}
