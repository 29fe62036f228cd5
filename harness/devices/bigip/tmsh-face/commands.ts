// The subset as typed data: what each accepted tmsh command means (contract:
// harness/devices/bigip/tmsh/SUBSET.md). parse.ts makes these from words; transaction.ts applies them to
// the configuration; apply.ts to the kernel; show.ts answers the reads.

export type TrafficGroup = 'traffic-group-local-only' | 'traffic-group-1';
export const TRAFFIC_GROUPS: readonly TrafficGroup[] = ['traffic-group-local-only', 'traffic-group-1'];

export interface VlanDecl {
  type: 'vlan';
  name: string;
  /** The BIG-IP interface (`1.1`), mapped to a kernel interface by unit.json. */
  interface: string;
  mtu: number;
}

export interface SelfDecl {
  type: 'self';
  name: string;
  /** With its prefix length: 10.217.31.36/16. */
  address: string;
  /** A VLAN's or a tunnel's name. */
  vlan: string;
  trafficGroup: TrafficGroup;
  allowService: 'default' | 'none' | 'all';
}

export interface ProfileDecl {
  type: 'vxlan';
  name: string;
  port: number;
  floodingType: 'multipoint' | 'none';
}

export interface FdbRecord {
  mac: string;
  endpoint: string;
}

export interface TunnelDecl {
  type: 'tunnel';
  name: string;
  key: number;
  profile: string;
  localAddress: string;
  trafficGroup: TrafficGroup;
  /** Left out: the underlay VLAN's MTU minus VXLAN's 50 bytes, as BIG-IP's automatic MTU. */
  mtu?: number;
}

export interface ArpDecl {
  type: 'arp';
  name: string;
  ip: string;
  mac: string;
}

export interface PoolDecl {
  type: 'pool';
  name: string;
  /** Member addresses (port `any`). */
  members: string[];
}

export interface VirtualDecl {
  type: 'virtual';
  name: string;
  destination: string;
  port: number;
  protocol: 'tcp' | 'udp';
  pool: string;
  snat: 'automap' | 'none';
  trafficGroup: 'traffic-group-1';
}

export type ObjectDecl = VlanDecl | SelfDecl | ProfileDecl | TunnelDecl | ArpDecl | PoolDecl | VirtualDecl;
export type ObjectType = ObjectDecl['type'];

/** How tmsh names each object type, for messages and for parsing. */
export const OBJECT_PATHS: Record<ObjectType, string> = {
  vlan: 'net vlan',
  self: 'net self',
  vxlan: 'net tunnels vxlan',
  tunnel: 'net tunnels tunnel',
  arp: 'net arp',
  pool: 'ltm pool',
  virtual: 'ltm virtual',
};

/** A read: what it asks for. */
export type ReadCommand =
  | { read: 'failover-status' }
  /** Without a tunnel (`show net fdb`): every tunnel's records, as tmsh shows them. */
  | { read: 'fdb'; tunnel?: string }
  | { read: 'arp' }
  | { read: 'tunnel'; tunnel: string }
  | { read: 'list-tunnel'; tunnel: string }
  | { read: 'list-self' }
  | { read: 'list-vlan' };

/** A change to the configuration (inside a transaction, or alone as its own). */
export type ChangeCommand =
  | { change: 'create'; object: ObjectDecl }
  | { change: 'delete'; type: ObjectType; name: string }
  | { change: 'fdb-add'; tunnel: string; records: FdbRecord[] }
  | { change: 'fdb-delete-all'; tunnel: string }
  | { change: 'tunnel-key'; tunnel: string; key: number };

export type FaceCommand = { text: string } & (
  | { kind: 'begin' }
  | { kind: 'submit' }
  | ({ kind: 'change' } & { command: ChangeCommand })
  | ({ kind: 'read' } & { command: ReadCommand })
  | { kind: 'failover-standby' }
);
