// What a provider is: where hosts come from and how commands reach them. A provider knows
// nothing of VXLAN; devices and the overlay hand it iproute2 lines to run.
import type { CommandResult, RunOptions } from '../core/command.js';
import type { IpLine } from '../devices/linux/commands.js';
import type { LedgerEntry, ResourceLedger } from '../core/ledger.js';
import type { HostAction, HostDecl, LinkDecl, Plan, StepAction } from '../plan/types.js';
import type { Topology } from '../spec/topology.js';
import type { ScenarioSpec } from '../spec/schema.js';

/**
 * A host's configuration in the words a provider runs in bulk: iproute2 and bridge batches,
 * sysctls, an nftables ruleset. The plan states intent (devices/linux/intent.ts); the executor
 * renders it into these (devices/linux/render.ts) before handing them over.
 */
export type BulkAction =
  | { type: 'ip'; host: string; lines: IpLine[] }
  | { type: 'bridge'; host: string; lines: IpLine[] }
  | { type: 'sysctl'; host: string; settings: Record<string, string> }
  | { type: 'nft'; host: string; ruleset: string };

export interface Prerequisite {
  what: string;
  ok: boolean;
  detail: string;
  fix: string;
}

/** A host of a started run, for probes and `overlab exec`. */
export interface NodeHandle {
  readonly id: string;
  /** Where it lives, e.g. the namespace name. */
  readonly location: string;
  exec(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

/** A long-running process inside a host (pod servers, traffic probes, captures). */
export interface ManagedProcess {
  readonly host: string;
  readonly pid: number;
  readonly argv: readonly string[];
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Lines the process writes to stdout, as they come. */
  onLine(listener: (line: string) => void): void;
  /** Lines on stderr, when started with captureStderr. */
  onStderrLine(listener: (line: string) => void): void;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

export interface SpawnOptions {
  /** Keep running when this process exits (overlab up). */
  detached?: boolean;
  /** Capture stdout lines (otherwise stdout is discarded). */
  captureStdout?: boolean;
  captureStderr?: boolean;
  /**
   * Append stdout and stderr to this file of the harness's machine (a daemon's log as evidence),
   * held by the process itself, so it keeps logging after a kept run's harness exits. Providers
   * whose hosts have no such file system may ignore it.
   */
  logFile?: string;
  /**
   * Directories the process writes (already in the ledger, removed on this machine by the core):
   * providers whose hosts have a file system of their own remove them there too.
   */
  scratch?: string[];
}

export interface ProviderContext {
  runId: string;
  ledger: ResourceLedger;
  /** The scenario's name, for labels (docker). */
  scenario?: string;
  options?: ProviderOptions;
  /**
   * The run's resolved topology, for providers whose hosts' names depend on the scenario's
   * roles and order (kind numbers its nodes per role). Absent for clean and doctor.
   */
  topology?: Topology;
  /** Aborted by Ctrl-C/SIGTERM: a provider's long step (vagrant up of VMs) stops instead of running on. */
  signal?: AbortSignal;
}

/** Options of the providers that reach machines that already exist (ssh). */
export interface ProviderOptions {
  /** The inventory file: which machine plays each host, and how to reach it. */
  inventory?: string;
  /** Record a machine's first host key (OpenSSH's accept-new); a changed key still fails. */
  acceptNewHostKeys?: boolean;
  /** The kind provider's choices: where kube-flannel's manifest and the images come from. */
  kind?: KindOptions;
}

/** `--flannel-manifest`, `--flannel-image`, `--flannel-cni-plugin-image`, `--pod-image`, `--kind-image`. */
export interface KindOptions {
  /** A kube-flannel.yml of the user's (else the Go module cache's copy, else the release URL). */
  flannelManifest?: string;
  flannelImage?: string;
  cniPluginImage?: string;
  /** The pods' image (else the docker provider's node image, loaded into the nodes by kind). */
  podImage?: string;
  /** The node image (else kindest/node at the pinned kind release's Kubernetes version). */
  nodeImage?: string;
}

/** What `overlab clean` hands a provider module for one run whose owner is gone (or forced). */
export interface CleanTarget {
  runId: string;
  runDir: string;
  /** The run's ledger (entries of every kind; the module undoes its own and the core's). */
  entries: LedgerEntry[];
}

/** What a clean removed of one run, and what it could not. */
export interface CleanOutcome {
  runId: string;
  removed: number;
  /** What `removed` counts: `namespace(s)`, `container(s) and network(s)`, ... */
  what: string;
  skipped?: string;
  errors: string[];
}

/**
 * A provider as it is registered (providers/registry.ts): how to make one for a run, the ledger
 * kinds it writes, and its parts of `overlab clean` and `overlab doctor`. A new provider is one
 * folder exporting one of these, and one line in the registry; the CLI and the core know none
 * of its kinds.
 */
export interface ProviderModule {
  readonly kind: string;
  /** One line for help texts: where hosts come from. */
  readonly summary: string;
  /** The ledger entry kinds only this provider writes; a ledger holding one is this provider's run. */
  readonly ledgerKinds: readonly string[];
  create(ctx: ProviderContext): Provider;
  /**
   * Optional: the scenario fitted to what this provider's machines impose, before the plan is
   * made (kind: the underlay is kind's Docker network). Says on `note` what it moved.
   */
  fitSpec?(spec: ScenarioSpec, note: (line: string) => void): Promise<ScenarioSpec>;
  /** `overlab doctor`: checks beyond preflight (kernel features, daemons), each with its fix. */
  doctor?(options?: ProviderOptions): Promise<Prerequisite[]>;
  /** `overlab clean`: removes what one run left, from its ledger and from the marks its objects carry. */
  clean(run: CleanTarget): Promise<CleanOutcome>;
  /** `overlab clean`: runs of ours that no ledger here knows, found by their marks (labels); `known` are handled. */
  sweep?(options: { force?: boolean; runId?: string; images?: boolean; known: ReadonlySet<string> }): Promise<CleanOutcome[]>;
}

/** Job 1, where hosts come from: create them and the segments between them, destroy them. */
export interface HostFactory {
  locationOf(hostId: string): string;
  createHosts(hosts: readonly HostDecl[]): Promise<void>;
  wire(links: readonly LinkDecl[]): Promise<void>;
  /** Undoes the provider's own ledger entries in reverse; keeps going on failure and returns every failure. */
  teardown(entries: readonly LedgerEntry[]): Promise<Error[]>;
  /**
   * Optional: ends the run's processes before the changes on machines the run did not create
   * are undone (a daemon left running would make them again: flanneld remakes its VTEP).
   * Providers whose processes end with the hosts they remove need none.
   */
  stopProcesses?(entries: readonly LedgerEntry[]): Promise<Error[]>;
  /** Optional: lets go of what the provider holds open (connections), when nothing else will be asked of it. */
  close?(): Promise<void>;
}

/** Job 2, how commands reach hosts: exec, long-running processes, files. */
export interface Transport {
  node(hostId: string): NodeHandle;
  /** Starts a long-running process in a host; it is recorded in the ledger. */
  spawn(hostId: string, argv: readonly string[], options?: SpawnOptions): ManagedProcess;
  /** For `overlab exec`: the argv that runs `argv` interactively in a host, given its location. */
  execArgv(location: string, argv: readonly string[]): string[];
  /**
   * Optional: the argv that runs `argv` in a host as a plain process of this machine entering the
   * host's namespaces (netns): cheap enough to hand many to one shell (reachability matrices).
   */
  localArgv?(hostId: string, argv: readonly string[]): string[];
  /** Present when hosts do not share the harness's filesystem (containers): see HostFiles. */
  readonly files?: HostFiles;
}

/** Job 3, carrying out the Linux device's rendered configuration in a host, as fast as the provider can. */
export interface LinuxConfigurator {
  ip(host: string, lines: readonly IpLine[]): Promise<void>;
  bridge(host: string, lines: readonly IpLine[]): Promise<void>;
  sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void>;
  /** Applies an nftables ruleset in a host (kept as a file in the run directory). */
  nft(hostId: string, ruleset: string): Promise<void>;
  /**
   * Optional: runs many independent configuration actions (ip/bridge batches, sysctls, nft
   * rulesets in any hosts) with few process spawns. The executor hands it every such action
   * that became ready at the same moment.
   */
  runMany?(actions: readonly BulkAction[]): Promise<void>;
  /**
   * Optional: gets ready to run these actions (the whole plan's), while the boot's first steps
   * keep the kernel busy. Only an optimisation: runMany must work without it. The executor
   * renders the actions as they are taken from the iterable, so that too overlaps the boot.
   */
  prepare?(actions: Iterable<BulkAction>): Promise<void>;
  /** The argv each action runs, for `overlab plan`. */
  render(action: HostAction): string[][];
}

/** A provider of a run: its three jobs, and what it needs to do them. */
export interface Provider extends HostFactory, Transport, LinuxConfigurator {
  readonly kind: string;
  /** Its hosts share this machine's kernel (its tables and limits are this machine's). */
  readonly localKernel?: boolean;
  /** Every prerequisite, met or not, with the command that fixes it. */
  preflight(): Promise<Prerequisite[]>;
  /** Optional: what `overlab plan` prints before the steps, for providers that make more than the steps say (kind's cluster). */
  planLines?(plan: Plan): string[];
  /**
   * Optional: who carries out this step instead of the harness, when the provider's machines do
   * it themselves (kind: kube-flannel and the CNI configure nodes and pods, a Deployment runs a
   * pod's servers). The executor skips the step and records the reason; undefined runs it.
   */
  doneBy?(action: StepAction): string | undefined;
  /**
   * Optional: the plan as the provider's machines turned out, once the boot phase made them
   * (kind: the addresses and MACs Docker, flanneld and the CNI chose). The run's later steps,
   * checks and devices use it; from then on the provider is given the fitted values only.
   */
  fitPlan?(plan: Plan): Plan;
}

/**
 * Files that a process inside a host writes for the harness (captures, probe records). Without
 * this capability a host writes straight to the local path; with it, the process writes to
 * `pathIn(host, localPath)` and the harness copies the file out with `fetch` after it exited.
 */
export interface HostFiles {
  pathIn(host: string, localPath: string): string;
  fetch(host: string, pathIn: string, localPath: string): Promise<void>;
}
