// What a Linux host must have, as typed data. The plan (plan.ts, the emulated flannel agent, the
// BIG-IP stand-in) states it per host; render.ts turns it into the iproute2/bridge words, sysctls
// and nftables rulesets a provider runs. The plan then says *what* and this device says *how*, so
// another device (a BIG-IP's tmsh) or another path (rtnetlink) can realise the same intent.
// One kind per thing the plans configure today; each comment says what it means on the host.
import type { VxlanDevice } from './commands.js';

/** The link is administratively up: it carries traffic once it has carrier. */
export interface LinkUp {
  kind: 'link-up';
  dev: string;
}

/** The link is administratively down: nothing goes in or out (and its routes are withdrawn). */
export interface LinkDown {
  kind: 'link-down';
  dev: string;
}

/**
 * No IPv6 address generation on the link (addrgenmode none): no link-local address, so no DAD,
 * MLD or router solicitations on the wire or in the captures.
 */
export interface Ipv6AddrgenOff {
  kind: 'ipv6-addrgen-off';
  dev: string;
}

/** The link is gone, and with it its addresses, routes, neighbours and FDB entries (`ip link del`). */
export interface LinkRemoved {
  kind: 'link-removed';
  dev: string;
}

/** A Linux bridge with this MAC and MTU; multicast snooping off, so it floods multicast like a plain switch. */
export interface BridgeDevice {
  kind: 'bridge-device';
  name: string;
  mac: string;
  mtu: number;
  /** Always off: the testbed's bridges never learn multicast groups. */
  multicastSnooping: false;
}

/** A VXLAN device (a VTEP): VNI, UDP port, local underlay address, learning, MTU and MAC. */
export interface VxlanDeviceIntent extends VxlanDevice {
  kind: 'vxlan-device';
}

/** A dummy device with this MAC: an interface that holds addresses and sends nothing. */
export interface DummyDevice {
  kind: 'dummy-device';
  name: string;
  mac: string;
}

/** `dev` is a port of the bridge `master`: frames it receives are switched by that bridge. */
export interface Master {
  kind: 'master';
  dev: string;
  master: string;
}

/** `dev` is no longer a port of any bridge. */
export interface NoMaster {
  kind: 'no-master';
  dev: string;
}

/** The link's MTU. */
export interface Mtu {
  kind: 'mtu';
  dev: string;
  mtu: number;
}

/** The link holds this IPv4 address (`a.b.c.d/len`); adding one it already holds is an error. */
export interface Address {
  kind: 'address';
  cidr: string;
  dev: string;
}

/** The link no longer holds this address; removing one it does not hold is an error. */
export interface AddressRemoved {
  kind: 'address-removed';
  cidr: string;
  dev: string;
}

/**
 * A route to `dst` (a CIDR, or `default`) via the gateway `via` out of `dev`. `add` fails if a
 * route to `dst` exists (a planning mistake shows); `replace` overwrites it, as flanneld does.
 * `onlink`: the gateway is on the link even though no address of the link covers it (flannel's
 * `X.0 dev flannel.N onlink`).
 */
export interface Route {
  kind: 'route';
  mode: 'add' | 'replace';
  dst: string;
  via: string;
  dev: string;
  onlink?: boolean;
}

/** A permanent neighbour entry `ip` -> `mac` on `dev`, replacing any: that address is never ARPed for. */
export interface Neighbour {
  kind: 'neighbour';
  ip: string;
  mac: string;
  dev: string;
}

/** No neighbour entry for `ip` on `dev`. */
export interface NeighbourRemoved {
  kind: 'neighbour-removed';
  ip: string;
  dev: string;
}

/** A VTEP's unicast FDB entry: frames for `mac` go to the VTEP at `dst` (flannel's `self permanent`). */
export interface FdbVtep {
  kind: 'fdb-vtep';
  mac: string;
  dev: string;
  dst: string;
}

/** An all-zeros FDB entry (appended): broadcast, unknown unicast and multicast are head-end replicated to `dst`. */
export interface FdbFlood {
  kind: 'fdb-flood';
  dev: string;
  dst: string;
}

/** A static entry in a Linux bridge: `mac` is behind `port`, so the bridge never floods to find it. */
export interface FdbStatic {
  kind: 'fdb-static';
  mac: string;
  port: string;
}

/** No VXLAN FDB entry for `mac` on `dev` (to `dst` only, when given). */
export interface FdbRemoved {
  kind: 'fdb-removed';
  mac: string;
  dev: string;
  dst?: string;
}

/** Kernel settings of the host's network namespace (`net.ipv4.ip_forward` -> `1`), written in order. */
export interface Sysctl {
  kind: 'sysctl';
  settings: Record<string, string>;
}

/** An nftables ruleset loaded into the host as one transaction (`nft -f`). */
export interface NftRuleset {
  kind: 'nft-ruleset';
  ruleset: string;
}

export type LinuxIntent =
  | LinkUp
  | LinkDown
  | Ipv6AddrgenOff
  | LinkRemoved
  | BridgeDevice
  | VxlanDeviceIntent
  | DummyDevice
  | Master
  | NoMaster
  | Mtu
  | Address
  | AddressRemoved
  | Route
  | Neighbour
  | NeighbourRemoved
  | FdbVtep
  | FdbFlood
  | FdbStatic
  | FdbRemoved
  | Sysctl
  | NftRuleset;

export type LinuxIntentKind = LinuxIntent['kind'];
