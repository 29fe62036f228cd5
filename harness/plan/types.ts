// A Plan is plain data: every name, address, MAC and VNI decided, and the commands each step
// runs, with dependencies between steps. Providers execute it; `overlab plan` prints it.
import type { IpLine } from '../devices/linux/commands.js';
import type { Topology } from '../spec/topology.js';

export type HostKind = 'switch' | 'node' | 'pod' | 'unit' | 'client';

/** A place commands run in: a namespace on netns, a container on docker. */
export interface HostDecl {
  /** Unique in the run: `underlay` for the switch, the node name, `node.pod` for a pod. */
  id: string;
  kind: HostKind;
}

export interface LinkEnd {
  host: string;
  ifname: string;
  mac: string;
  mtu: number;
}

export type StepAction =
  | { type: 'create-hosts'; hosts: HostDecl[] }
  | { type: 'wire'; links: { a: LinkEnd; b: LinkEnd }[] }
  | { type: 'ip'; host: string; lines: IpLine[] }
  | { type: 'bridge'; host: string; lines: IpLine[] }
  | { type: 'sysctl'; host: string; settings: Record<string, string> }
  | { type: 'nft'; host: string; ruleset: string }
  | { type: 'spawn'; host: string; argv: string[] }
  | { type: 'wait-ping'; from: string; to: string; timeoutMs: number };

export interface PlanStep {
  id: string;
  phase: 'boot' | 'configure' | 'ready';
  title: string;
  dependsOn: string[];
  action: StepAction;
}

export interface Plan {
  scenario: string;
  topology: Topology;
  hosts: HostDecl[];
  steps: PlanStep[];
}
