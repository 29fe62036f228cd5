// Removing a run's Docker objects: by its ledger and by its run label (teardown), and the
// per-object removals that `overlab clean` (sweep.ts) shares, where an object already gone is no failure.
import PQueue from 'p-queue';
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import { entriesOf, type LedgerEntry } from '../../core/ledger.js';

/** The docker provider's own ledger entries (its module lists these kinds). */
export interface DockerNamedEntry {
  kind: 'docker-container' | 'docker-network';
  name: string;
  host?: string;
}
export const DOCKER_LEDGER_KINDS = ['docker-container', 'docker-network', 'docker-image'] as const;
import { isNotFound } from './engine.js';
import { LABEL_RUN } from './names.js';

/** Removes a container (force, with its anonymous volumes): true, or false when it was already gone. */
export async function removeContainer(docker: Docker, ref: string): Promise<boolean> {
  return gone(() => docker.getContainer(ref).remove({ force: true, v: true }));
}

/** Removes a network: true, or false when it was already gone. */
export async function removeNetwork(docker: Docker, ref: string): Promise<boolean> {
  return gone(() => docker.getNetwork(ref).remove());
}

async function gone(remove: () => Promise<unknown>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** A listed container's name, without the Engine's leading slash. */
export function containerNameOf(c: Docker.ContainerInfo): string {
  return (c.Names[0] ?? c.Id).replace(/^\//, '');
}

/**
 * Containers first (removing one ends every process in it and its pods' namespaces), then
 * networks (scratch directories are the core's: closeRun and clean remove them). Objects carrying this run's label that the ledger does not
 * list (none should exist) are removed too. Images are the cache: kept.
 */
export async function teardown(docker: Docker, runId: string, entries: readonly LedgerEntry[]): Promise<Error[]> {
  const failures: Error[] = [];
  const containers = new Set(entriesOf<DockerNamedEntry>(entries, 'docker-container', 'name').map((e) => e.name));
  const networks = new Set(entriesOf<DockerNamedEntry>(entries, 'docker-network', 'name').map((e) => e.name));
  if (containers.size + networks.size === 0) return failures;
  let reachable = true;
  try {
    const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
    for (const c of await docker.listContainers({ all: true, filters })) containers.add(containerNameOf(c));
    for (const n of await docker.listNetworks({ filters })) networks.add(n.Name);
  } catch (e) {
    reachable = false;
    failures.push(new HarnessError(`cannot reach the Docker daemon to remove ${containers.size} container(s) and ${networks.size} network(s): ${(e as Error).message}`, {}, { cause: e }));
  }
  if (reachable) {
    const queue = new PQueue({ concurrency: 4 });
    await Promise.all(
      [...containers].reverse().map((name) =>
        queue.add(async () => {
          try {
            await removeContainer(docker, name);
          } catch (e) {
            failures.push(new HarnessError(`container ${name}: ${(e as Error).message}`, {}, { cause: e }));
          }
        }),
      ),
    );
    for (const name of [...networks].reverse()) {
      try {
        await removeNetwork(docker, name);
      } catch (e) {
        failures.push(new HarnessError(`network ${name}: ${(e as Error).message}`, {}, { cause: e }));
      }
    }
  }
  return failures;
}
