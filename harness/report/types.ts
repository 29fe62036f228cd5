// The report contract (design.md §4): reports/<scenario>/<run>/report.json is a public
// interface that CI dashboards read. Add fields freely; never rename these.
import type { AssertionResult } from '../assert/types.js';

export interface PhaseRecord {
  name: string;
  durationMs: number;
  status: 'passed' | 'failed' | 'error' | 'skipped';
}

export interface RunReport {
  schemaVersion: 1;
  scenario: string;
  provider: string;
  /** Who programmed flannel's state, and the versions of its daemons (flanneld, etcd). */
  agent?: { kind: string; flanneld?: string; etcd?: string };
  runId: string;
  /** The scenario's warnings (spec/warnings.ts), printed as the run started; absent when there were none. */
  warnings?: string[];
  /**
   * not-reproducible: a reproduction whose symptom this provider cannot show (reason in `reproduction`);
   * kept: booted and left up without running a check (overlab up).
   */
  status: 'passed' | 'failed' | 'reproduced' | 'not-reproducible' | 'error' | 'kept';
  /** Present when the testbed was left up after the run (overlab up, scenario --keep): how to remove it. */
  kept?: { down: string };
  reproduction?: { symptom: string; rootCause: string; fix: string; shows: string; expectFailed: string[]; notReproducible?: string; verdict: string };
  startedAt: string;
  durationMs: number;
  phases: PhaseRecord[];
  topology: {
    nodes: { name: string; role: string; underlayIp: string; vtepMac: string; podCidr: string; pods?: { name: string; ip: string; mac: string; mtu?: number }[] }[];
    bigips: { name: string; underlayIp: string; tunnelMac: string; tunnelSelfIp: string; haState: 'active' | 'standby'; externalIp?: string }[];
    /** Added by report/enrich.ts from the plan (optional: older reports lack them). */
    underlay?: { cidr: string; mtu: number };
    flannel?: { network: string; vni: number; port: number; device: string; learning: boolean; bridged: boolean; mtu: number };
    tunnel?: { name: string; key: number; mtu: number; profile: string; floodingType: string; localAddress?: 'self' | 'floating'; trafficGroup?: string };
    /** traffic-group-1's floating self IPs as planned (empty: none); served by the unit holding traffic-group-1. */
    floatingSelfIps?: { address: string; vlan: string }[];
    external?: { cidr: string };
    client?: { ip: string };
    virtualServers?: { name: string; destination: string; tcpPort: number; udpPort: number; pool: string[] }[];
  };
  assertions: AssertionResult[];
  metrics: Record<string, number>;
  /**
   * The failover check's outcome (runs that judged a failover): `recovered: false` is "traffic
   * never came back", and then metrics.failoverOutageMs is absent (it is never a magic -1).
   */
  failover?: { recovered: boolean; outageMs?: number };
  /** Paths relative to the run directory (the bundle sits beside it: `../<runId>.tar.gz`). */
  artifacts: { pcaps: PcapArtifact[]; html?: string; junit?: string; bundle?: string };
  /** The scenario file's description (added by report/enrich.ts). */
  description?: string;
  error?: { name: string; message: string };
  runDir: string;
}

export interface PcapArtifact {
  node: string;
  interface: string;
  /** Relative to the run directory. */
  path: string;
  packets: number;
  /** From the pcap reader: VXLAN packet and byte counts per VTEP pair, and the summary's evidence file. */
  flows?: { src: string; dst: string; packets: number; bytes: number; vnis: number[] }[];
  summary?: string;
}
