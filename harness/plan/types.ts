// A Plan is plain data: every name, address, MAC and VNI decided, what each host must have, and
// the dependencies between steps. The executor renders a host's intent through its device and
// providers carry it out; `overlab plan` prints the rendered commands.
import type { LinuxIntent } from '../devices/linux/intent.js';
import type { BulkAction } from '../providers/types.js';
import type { Topology } from '../spec/topology.js';

/** `service`: a host of the testbed's own infrastructure on the underlay (flanneld's etcd member). */
export type HostKind = 'switch' | 'node' | 'pod' | 'unit' | 'client' | 'service';

/** A place commands run in: a namespace on netns, a container on docker. */
export interface HostDecl {
  /** Unique in the run: `underlay` for the switch, the node name, `node.pod` for a pod. */
  id: string;
  kind: HostKind;
  /** A switch: the L2 segments it provides (providers with native networks, e.g. Docker, make these). */
  segments?: SegmentDecl[];
  /** A pod: the host it belongs to (providers that nest pods inside their node, e.g. Docker). */
  parent?: string;
  /**
   * Files of the harness's machine the host runs (upstream flanneld's binary): providers whose
   * hosts have a file system of their own make them visible at the same path, read-only.
   */
  mounts?: string[];
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
  /**
   * A long-running process in a host. `{run}` and `{runDir}` in argv are the run id and the run
   * directory, filled in when it starts; `log` (relative to the run directory) keeps its output;
   * `scratch` are directories it writes, recorded in the ledger before it starts and removed at
   * teardown.
   */
  | { type: 'spawn'; host: string; argv: string[]; log?: string; scratch?: string[] }
  /** One-shot commands in a host, run at once; each must exit 0. `{run}`/`{runDir}` and `scratch` as for spawn. */
  | { type: 'exec'; host: string; commands: string[][]; scratch?: string[] }
  /**
   * A command run until it exits 0 and its stdout matches `expect` (a regular expression), at
   * most `timeoutMs`; `save` (relative to the run directory) keeps its last stdout as evidence.
   */
  | { type: 'wait-command'; host: string; argv: string[]; what: string; timeoutMs: number; expect?: string; save?: string }
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
