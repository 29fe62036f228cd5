// Who programs flannel's state on the nodes: the harness itself (`emulated`) or upstream
// flanneld with etcd (issue 2/7). Either way the rest of the harness sees one interface: the plan
// steps that start it on every node and register the BIG-IP units as flannel nodes, and the
// flannel nodes it knows, read back from its own source of truth (a registry), which is what the
// flannel-control-plane check takes its expectation from.
import type { PlanStep } from '../../plan/types.js';
import type { Topology } from '../../spec/topology.js';
import type { NodeHandle, Transport } from '../../providers/types.js';
import type { ResourceLedger } from '../../core/ledger.js';

/** One flannel node as the registry holds it: a subnet lease (seed 003's etcd value). */
export interface FlannelLease {
  /** The node's subnet (podCIDR), e.g. 10.217.0.0/24. */
  subnet: string;
  /** `PublicIP`: where its VTEP is reached (the underlay address). */
  publicIp: string;
  backendType: string;
  vni: number;
  /** `BackendData.VtepMAC`. */
  vtepMac: string;
}

export interface AgentContext {
  runDir: string;
  /** The run id and the transport to its hosts, where the agent's registry lives in one (flanneld's etcd). */
  runId?: string;
  node?(host: string): NodeHandle;
}

/** A host the agent needs on the underlay (flanneld's etcd member), with its interface. */
export interface AgentHost {
  id: string;
  ifname: string;
  ip: string;
  mac: string;
}

/** What the restart fault needs: the run's transport, ledger and directory. */
export interface RestartContext {
  topology: Topology;
  node: string;
  recreateVtep: boolean;
  /** The VNI flanneld runs with after the restart, when its config changed (its VTEP is flannel.<vni>). */
  vni?: number;
  transport: Transport;
  ledger: ResourceLedger;
  runDir: string;
  runId: string;
  signal?: AbortSignal;
}

export interface RestartResult {
  node: string;
  vtepMacBefore?: string;
  vtepMacAfter?: string;
  durationMs: number;
}

export interface FlannelAgent {
  readonly kind: string;
  /** Files of this machine every node runs (flanneld's binary), for providers with their own file systems. */
  nodeMounts(): string[];
  /** Hosts of its own the testbed must make on the underlay (none for the emulated agent). */
  hosts(topology: Topology): AgentHost[];
  /** Pure: the steps that publish the nodes, register the units as flannel nodes and program every node. */
  planSteps(topology: Topology): PlanStep[];
  /** The restart fault (a daemon's only): stop the agent on a node and start it again. */
  restart?(c: RestartContext): Promise<RestartResult>;
  /** A node leaves (a registry's only): its agent stopped, its lease deleted, its underlay down. */
  nodeLeave?(c: Omit<RestartContext, 'recreateVtep' | 'vni'>): Promise<RestartResult>;
  /** A config change (a daemon's only): the network config's VNI rewritten, the agent restarted on every node. */
  changeVni?(c: Omit<RestartContext, 'node' | 'recreateVtep' | 'vni'>, vni: number): Promise<RestartResult[]>;
  /** What the run needs on this machine for this agent (binaries), each with its fix; empty when ready. */
  missing(): { what: string; fix: string }[];
  /** Every flannel node the agent knows, read back from its registry (never from the plan). */
  listNodes(ctx: AgentContext): Promise<FlannelLease[]>;
}
