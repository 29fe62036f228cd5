// Builders for iproute2 and bridge commands. Each returns the words after `ip` (or `bridge`), so
// the same line can run alone (`ip -n NS ...`) or in a batch (`ip -n NS -batch -`). Every device
// name is preceded by its keyword (`name`, `dev`) so iproute2 never reads it as a keyword.

export type IpLine = string[];

export interface VxlanDevice {
  name: string;
  vni: number;
  port: number;
  local: string;
  /** Underlay device; left out when the VTEP MTU would exceed dev MTU - 50 (design.md §5). */
  dev?: string;
  learning: boolean;
  mtu: number;
  mac: string;
}

export const ip = {
  linkUp: (dev: string): IpLine => ['link', 'set', 'dev', dev, 'up'],
  linkDown: (dev: string): IpLine => ['link', 'set', 'dev', dev, 'down'],
  linkDel: (dev: string): IpLine => ['link', 'del', 'dev', dev],
  linkMtu: (dev: string, mtu: number): IpLine => ['link', 'set', 'dev', dev, 'mtu', String(mtu)],
  linkMaster: (dev: string, master: string): IpLine => ['link', 'set', 'dev', dev, 'master', master],
  linkNoMaster: (dev: string): IpLine => ['link', 'set', 'dev', dev, 'nomaster'],
  /** With IPv6 address generation off a link sends no DAD, MLD or router solicitations. */
  addrGenNone: (dev: string): IpLine => ['link', 'set', 'dev', dev, 'addrgenmode', 'none'],
  addrGenMode: (dev: string, mode: string): IpLine => ['link', 'set', 'dev', dev, 'addrgenmode', mode],
  addBridge: (name: string, mac: string, mtu: number): IpLine => [
    'link', 'add', 'name', name, 'address', mac, 'mtu', String(mtu), 'type', 'bridge', 'mcast_snooping', '0',
  ],
  addVxlan: (v: VxlanDevice): IpLine => [
    'link', 'add', 'name', v.name, 'address', v.mac, 'mtu', String(v.mtu), 'type', 'vxlan',
    'id', String(v.vni), 'dstport', String(v.port), 'local', v.local, ...(v.dev ? ['dev', v.dev] : []),
    v.learning ? 'learning' : 'nolearning',
  ],
  addDummy: (name: string, mac: string): IpLine => ['link', 'add', 'name', name, 'address', mac, 'type', 'dummy'],
  addrAdd: (cidr: string, dev: string): IpLine => ['addr', 'add', cidr, 'dev', dev],
  addrDel: (cidr: string, dev: string): IpLine => ['addr', 'del', cidr, 'dev', dev],
  routeAdd: (dst: string, via: string, dev: string, onlink = false): IpLine => [
    'route', 'add', dst, 'via', via, 'dev', dev, ...(onlink ? ['onlink'] : []),
  ],
  routeReplace: (dst: string, via: string, dev: string, onlink = false): IpLine => [
    'route', 'replace', dst, 'via', via, 'dev', dev, ...(onlink ? ['onlink'] : []),
  ],
  neighPermanent: (addr: string, mac: string, dev: string): IpLine => ['neigh', 'replace', addr, 'lladdr', mac, 'dev', dev, 'nud', 'permanent'],
  neighDel: (addr: string, dev: string): IpLine => ['neigh', 'del', addr, 'dev', dev],
  netnsAdd: (name: string): IpLine => ['netns', 'add', name],
  netnsDel: (name: string): IpLine => ['netns', 'del', name],
  /** A veth pair created straight into two namespaces, so nothing ever appears in the host's. */
  addVethPair: (a: VethEnd, b: VethEnd): IpLine => [
    'link', 'add', 'name', a.name, 'address', a.mac, 'mtu', String(a.mtu), ...(a.netns ? ['netns', a.netns] : []),
    ...(a.index !== undefined ? ['index', String(a.index)] : []),
    'type', 'veth', 'peer', 'name', b.name, 'address', b.mac, 'mtu', String(b.mtu), ...(b.netns ? ['netns', b.netns] : []),
  ],
};

export interface VethEnd {
  name: string;
  mac: string;
  /** An explicit ifindex for this end (see NetnsProvider.wire). */
  index?: number;
  mtu: number;
  netns?: string;
}

export const bridge = {
  /** A VTEP's unicast entry: frames for `mac` go to the VTEP at `dst` (flannel's `self permanent`). */
  fdbVtep: (mac: string, dev: string, dst: string): IpLine => ['fdb', 'replace', mac, 'dev', dev, 'dst', dst, 'self', 'permanent'],
  /** An all-zeros entry: broadcast, unknown unicast and multicast are head-end replicated to `dst`. */
  fdbFlood: (dev: string, dst: string): IpLine => ['fdb', 'append', '00:00:00:00:00:00', 'dev', dev, 'dst', dst, 'self', 'permanent'],
  /** A static entry in a Linux bridge: the underlay switch never floods to find a known host. */
  fdbStatic: (mac: string, port: string): IpLine => ['fdb', 'replace', mac, 'dev', port, 'master', 'static'],
  fdbDel: (mac: string, dev: string, dst?: string): IpLine => ['fdb', 'del', mac, 'dev', dev, ...(dst ? ['dst', dst] : []), 'self'],
};
