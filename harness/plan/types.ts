// A Plan is plain data: every name, address, MAC and VNI decided, what each host must have, and
// the dependencies between steps. The executor renders a host's intent through its device and
// providers carry it out; `overlab plan` prints the rendered commands.
import type { LinuxIntent } from '../devices/linux/intent.js';
import type { BulkAction } from '../providers/types.js';
import type { Topology } from '../spec/topology.js';

export type HostKind = 'switch' | 'node' | 'pod' | 'unit' | 'client';

/** A place commands run in: a namespace on netns, a container on docker. */
export interface HostDecl {
  /** Unique in the run: `underlay` for the switch, the node name, `node.pod` for a pod. */
  id: string;
  kind: HostKind;
  /** A switch: the L2 segments it provides (providers with native networks, e.g. Docker, make these). */
  segments?: SegmentDecl[];
  /** A pod: the host it belongs to (providers that nest pods inside their node, e.g. Docker). */
  parent?: string;
}

/** One L2 segment of a switch host: a bridge in the switch namespace on netns, a network on Docker. */
export interface SegmentDecl {
  /** Unique in the run: `underlay`, `external`. */
  id: string;
  /** The bridge that realises it inside the switch host. */
  bridge: string;
  cidr: string;
  mtu: number;
}

export interface LinkEnd {
  host: string;
  ifname: string;
  mac: string;
  mtu: number;
  /** The IPv4 address a later step gives this end (no prefix), for providers that assign it at attach time. */
  ip?: string;
}

/** A link between two hosts; `segment` names the switch segment when `a` is a switch port. */
export interface LinkDecl {
  a: LinkEnd;
  b: LinkEnd;
  segment?: string;
}

export type StepAction =
  | { type: 'create-hosts'; hosts: HostDecl[] }
  | { type: 'wire'; links: LinkDecl[] }
  /** What a host must have, in order: devices/linux/render.ts turns it into the provider's bulk actions. */
  | { type: 'host-config'; host: string; intent: LinuxIntent[] }
  | { type: 'spawn'; host: string; argv: string[] }
  | { type: 'wait-ping'; from: string; to: string; timeoutMs: number }
  /** Files the harness writes in the run directory (paths relative to it), e.g. an emulated registry. */
  | { type: 'write-files'; files: { path: string; content: string }[] };

/**
 * What a provider runs (or renders) in a host, or to make hosts: the steps' actions with a
 * host-config rendered into bulk actions, and without the harness's own write-files.
 */
export type HostAction = Exclude<StepAction, { type: 'write-files' | 'host-config' }> | BulkAction;

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
