// The ssh provider's own ledger entries. The inventory as resolved (addresses, users, key paths,
// the names of password variables: never a secret) is recorded first, so `overlab clean` can
// reach the machines again after a kill; every remote process with its pid and start time.
import type { SshTarget } from '../../ssh/target.js';

export interface SshInventoryEntry {
  kind: 'ssh-inventory';
  file: string;
  targets: SshTarget[];
}

export interface SshProcessEntry {
  kind: 'ssh-process';
  /** The scenario host it serves (a pod, a node). */
  host: string;
  /** The inventory machine it runs on. */
  machine: string;
  pid: number;
  startTicks: string;
  argv: string[];
}
