// What a provider is: where hosts come from and how commands reach them. A provider knows
// nothing of VXLAN; devices and the overlay hand it iproute2 lines to run.
import type { CommandResult, RunOptions } from '../core/command.js';
import type { IpLine } from '../devices/linux/commands.js';
import type { LedgerEntry, ResourceLedger } from '../core/ledger.js';
import type { HostDecl, LinkEnd, StepAction } from '../plan/types.js';

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

export interface ProviderContext {
  runId: string;
  ledger: ResourceLedger;
}

export interface Provider {
  readonly kind: string;
  /** Every prerequisite, met or not, with the command that fixes it. */
  preflight(): Promise<Prerequisite[]>;
  locationOf(hostId: string): string;
  createHosts(hosts: readonly HostDecl[]): Promise<void>;
  wire(links: readonly { a: LinkEnd; b: LinkEnd }[]): Promise<void>;
  ip(host: string, lines: readonly IpLine[]): Promise<void>;
  bridge(host: string, lines: readonly IpLine[]): Promise<void>;
  sysctl(host: string, settings: Readonly<Record<string, string>>): Promise<void>;
  node(hostId: string): NodeHandle;
  /** The argv each action runs, for `overlab plan`. */
  render(action: StepAction): string[][];
  /** Undoes ledger entries in reverse; keeps going on failure and returns every failure. */
  teardown(entries: readonly LedgerEntry[]): Promise<Error[]>;
}
