// What a BIG-IP unit is to the rest of the harness, whatever realises it: the Linux stand-in
// (`sim`) or a real VE over SSH (`tmsh`, issue 3/7). Everything outside an implementation's own
// folder works with these types only: the plan asks a device for the steps that configure the
// units, the failover action asks it to fail over, and the checks read each unit's own state.
import type { PlanStep } from '../../plan/types.js';
import type { BigipTopology, Topology } from '../../spec/topology.js';
import type { NodeHandle } from '../../providers/types.js';
import type { PingResult } from '../../probes/ping.js';
import type { SshTarget } from '../../ssh/target.js';

/** `show cm failover-status`: what the unit itself says it is. */
export type FailoverStatus = 'ACTIVE' | 'STANDBY' | 'OFFLINE' | 'FORCED OFFLINE' | 'UNKNOWN';

/** `show net tunnels tunnel <t> all-properties`, the fields the checks use. */
export interface UnitTunnel {
  name: string;
  /** The tunnel's own MAC: what pods see as the unit's VTEP MAC (flannel's VtepMAC for its node). */
  mac: string;
  key?: number;
  localAddress?: string;
  mtu?: number;
  /** Whether the tunnel carries traffic on this unit (a traffic-group-1 tunnel: on the active unit only). */
  up?: boolean;
}

/** `list net vlan`: a VLAN and its MTU. */
export interface UnitVlan {
  name: string;
  mtu: number;
}

/** One row of `show net fdb tunnel <t>`: Tunnel, Mac Address, Member (`endpoint:<ip>%<rd>`), Dynamic. */
export interface UnitFdbRecord {
  tunnel: string;
  mac: string;
  /** The endpoint address of `endpoint:<ip>%<rd>` (route domain stripped). */
  endpoint: string;
  /** Dynamic yes: learned from the data plane; no: a static record (CIS or the scenario). */
  dynamic: boolean;
}

/** One row of `show net arp`: Name, Address, HWaddress, Vlan, Expire-in-sec, Status. */
export interface UnitArpEntry {
  address: string;
  /** Lower-case, zero-padded (old tmsh versions print `0:a:58:...`; parsers normalise). */
  mac?: string;
  vlan: string;
  status: 'resolved' | 'incomplete' | 'static' | 'unknown';
}

/** `list net self`: a self IP with its VLAN (or tunnel) and traffic group. */
export interface UnitSelfIp {
  /** With its prefix, e.g. 10.217.31.36/16. */
  address: string;
  vlan: string;
  trafficGroup: string;
  floating: boolean;
}

/** A unit's state as the unit shows it, read from the unit (never from what the harness wrote). */
export interface UnitState {
  unit: string;
  failoverStatus: FailoverStatus;
  tunnels: UnitTunnel[];
  vlans: UnitVlan[];
  fdb: UnitFdbRecord[];
  arp: UnitArpEntry[];
  selfIps: UnitSelfIp[];
}

/** A unit's state and the tmsh-shaped text it was read as (kept as evidence). */
export interface UnitObservation {
  state: UnitState;
  /** `show cm failover-status`, `show net fdb tunnel`, `show net arp` as the unit prints them. */
  tmsh: string;
}

export interface FailoverTiming {
  from: string;
  to: string;
  /** Wall clock (ms since the epoch) when the failover was commanded. */
  startedAt: number;
  durationMs: number;
}

/** A scenario field the device cannot honour: refused before anything is created (exit 2). */
export interface Unsupported {
  /** JSON pointer into the scenario, e.g. /bigip/configsync (errors then name the file's line). */
  pointer: string;
  message: string;
}

/** The runtime side of a BIG-IP HA pair of a started run. */
export interface BigipPair {
  readonly device: string;
  /** Reads one unit's state from the unit itself. */
  observe(unit: string): Promise<UnitObservation>;
  /** Only `show cm failover-status` (cheaper than observe). */
  failoverStatus(unit: string): Promise<FailoverStatus>;
  /** `run sys failover standby` on `from`; resolves once the peer has taken traffic-group-1. */
  failover(from: string): Promise<FailoverTiming>;
  /** One ICMP echo from the unit to each target (testbed addresses only), as the unit's own ping. */
  reach(unit: string, targets: readonly string[]): Promise<PingResult[]>;
  /**
   * `modify net tunnels tunnel <t> key <key>` on both units: what an operator does when flannel's
   * VNI changes. Everything else of the tunnel stays (MAC, local-address, port, MTU, self IP, FDB
   * records, traffic group). Optional: a device that cannot change it at runtime has none.
   */
  setTunnelKey?(key: number): Promise<void>;
  /**
   * CIS catching up with a node that left the cluster, on both units: the node's FDB records (and
   * so the flooding to its VTEP), the static ARP of its pods, and its pods as pool members; a
   * later failover takes the pools without them. Optional, like setTunnelKey.
   */
  forgetNode?(node: string): Promise<void>;
  /** Removes what configure created on units the run did not create (nothing for the stand-in). */
  teardown(): Promise<Error[]>;
}

/** How the pair reaches its units: a command runner per unit (the provider's transport). */
export interface BigipTransport {
  /** The run's id: a device that creates objects on units the run did not create names them with it. */
  readonly runId: string;
  node(unit: string): NodeHandle;
  /** Applies an nftables ruleset on a unit (the stand-in only). */
  nft(unit: string, ruleset: string): Promise<void>;
  /** Starts a process on a unit that the harness does not wait for. */
  spawnDetached(unit: string, argv: readonly string[]): void;
}

export interface UnitAttachment {
  unit: string;
  segment: 'underlay' | 'external';
  ifname: string;
  mac: string;
  ip: string;
}

/** A kind of BIG-IP device: plans the configuration (pure) and opens the runtime pair. */
export interface BigipDevice {
  readonly kind: string;
  /** What this device reproduces and what it does not, for the report and the README. */
  readonly describes: string;
  /** Fields of the scenario's BIG-IP spec it cannot honour. Empty when it honours them all. */
  unsupported(b: BigipTopology): Unsupported[];
  /** The steps that configure the units from the scenario's BIG-IP spec (pure, printed by `overlab plan`). */
  planSteps(topology: Topology): PlanStep[];
  /**
   * The hosts and interfaces the testbed must make for the units (a host per unit, wired to the
   * underlay and the external VLAN), or none for units that already exist (a real VE).
   */
  attachments(topology: Topology): UnitAttachment[];
  /** The interface of a unit that carries the underlay, for captures (tcpdump -i on a VE too). */
  captureInterface(unit: string): string;
  open(topology: Topology, transport: BigipTransport): BigipPair;
  /**
   * Units the testbed makes but the device reaches over SSH, as it would a real unit (the tmsh
   * device's stand-ins): where their sshd is, and `forwarder` gives the argv that runs a
   * command inside a unit (the provider's way in) to carry the connection.
   */
  sshTargets?(topology: Topology, runId: string, forwarder: (unit: string, argv: string[]) => string[]): SshTarget[];
}
