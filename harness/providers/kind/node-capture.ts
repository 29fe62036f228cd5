// Captures on a kind node: kind's node image has no tcpdump (and the run must not install
// packages into it), so this machine's tcpdump runs in the node container's network namespace
// (nsenter -t <its init pid> -n): the same eth0, the same packets as a tcpdump inside it, and the
// pcap written straight into the run directory, with nothing to copy out. The process is the
// harness's own (spawnManaged: its own process group, in the ledger), stopped by the capture
// step like any other and, on a teardown that finds it running, before the cluster goes.
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import type { ResourceLedger } from '../../core/ledger.js';
import { spawnManaged } from '../netns/spawn.js';
import type { ManagedProcess, SpawnOptions } from '../types.js';

/** The programs run from this machine in a kind node's network namespace rather than inside its image. */
export const FROM_THIS_MACHINE: ReadonlySet<string> = new Set(['tcpdump']);

/** Pure: the argv that runs `argv` in the network namespace of the process `pid` (a node container's init). */
export function inNodeNetns(pid: number, argv: readonly string[]): string[] {
  return ['nsenter', '-t', String(pid), '-n', '--', ...argv];
}

/** The init pid of each kind node container (read once the cluster is up). */
export async function nodePids(docker: Docker, containers: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const c of containers) {
    const pid = (await docker.getContainer(c).inspect()).State.Pid;
    if (!pid) throw new HarnessError(`kind node container ${c} is not running (no init pid): docker logs ${c}`);
    out.set(c, pid);
  }
  return out;
}

/** Starts argv from this machine inside the node's network namespace; the caller keeps the process to stop it. */
export function spawnInNodeNetns(host: string, pid: number, argv: readonly string[], ledger: ResourceLedger, options: SpawnOptions): ManagedProcess {
  return spawnManaged(host, inNodeNetns(pid, argv), ledger, options);
}
