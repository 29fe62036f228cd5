// `overlab clean` for Docker: finds containers and networks by label (overlab=1, grouped by
// overlab.run, of this run registry: overlab.state), never by name. A run whose owner process (overlab.pid) is alive is skipped unless
// forced, so a clean never pulls a running scenario's containers away, whichever state directory
// that scenario registered in. Images are the build cache: removed only when asked (--images).
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { isAlive, REGISTRY_DIR } from '../../core/registry.js';
import { dockerClient, isNotFound } from './engine.js';
import { LABEL, LABEL_IMAGE, LABEL_OWNER, LABEL_RUN, LABEL_STATE } from './names.js';
import { containerNameOf, removeContainer, removeNetwork } from './teardown.js';

export interface DockerRunSweep {
  runId: string;
  containers: string[];
  networks: string[];
  skipped?: string;
  errors: string[];
}

export interface DockerSweep {
  /** false when no daemon answered: there is nothing of ours to find. */
  reachable: boolean;
  runs: DockerRunSweep[];
  images: string[];
  errors: string[];
}

export interface SweepOptions {
  force?: boolean;
  runId?: string;
  images?: boolean;
  docker?: Docker;
}

/** A daemon configured for this process: DOCKER_HOST, or the local socket when it exists. */
export function daemonConfigured(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

export async function sweepDocker(options: SweepOptions = {}): Promise<DockerSweep> {
  const out: DockerSweep = { reachable: false, runs: [], images: [], errors: [] };
  if (!options.docker && !daemonConfigured()) return out;
  const docker = options.docker ?? dockerClient();
  const filters = JSON.stringify({ label: [`${LABEL}=1`] });
  let containers: Docker.ContainerInfo[];
  let networks: Docker.NetworkInspectInfo[];
  try {
    [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  } catch {
    return out; // no daemon behind the socket
  }
  out.reachable = true;
  const runs = new Map<string, { containers: Docker.ContainerInfo[]; networks: Docker.NetworkInspectInfo[] }>();
  const runOf = (labels: Record<string, string> | undefined) => labels?.[LABEL_RUN] ?? '(no run label)';
  // Runs registered in another registry (another OVERLAB_STATE_DIR: a test's, or a developer's
  // kept run while tests clean) are that registry's to clean.
  const ours = (labels: Record<string, string> | undefined) => (labels?.[LABEL_STATE] ?? REGISTRY_DIR) === REGISTRY_DIR;
  containers = containers.filter((c) => ours(c.Labels));
  networks = networks.filter((n) => ours(n.Labels));
  for (const c of containers) {
    const r = runs.get(runOf(c.Labels)) ?? { containers: [], networks: [] };
    r.containers.push(c);
    runs.set(runOf(c.Labels), r);
  }
  for (const n of networks) {
    const r = runs.get(runOf(n.Labels)) ?? { containers: [], networks: [] };
    r.networks.push(n);
    runs.set(runOf(n.Labels), r);
  }
  for (const [runId, found] of runs) {
    if (options.runId && runId !== options.runId) continue;
    const result: DockerRunSweep = { runId, containers: [], networks: [], errors: [] };
    out.runs.push(result);
    const owners = [...new Set([...found.containers.map((c) => c.Labels?.[LABEL_OWNER]), ...found.networks.map((n) => n.Labels?.[LABEL_OWNER])].map(Number).filter((p) => p > 0))];
    const alive = owners.find((p) => p !== process.pid && isAlive(p));
    if (alive && !options.force) {
      result.skipped = `run in progress (pid ${alive}); stop it or use --force`;
      continue;
    }
    await Promise.all(
      found.containers.map(async (c) => {
        const name = containerNameOf(c);
        try {
          if (await removeContainer(docker, c.Id)) result.containers.push(name);
        } catch (e) {
          result.errors.push(`container ${name}: ${(e as Error).message}`);
        }
      }),
    );
    for (const n of found.networks) {
      try {
        if (await removeNetwork(docker, n.Id)) result.networks.push(n.Name);
      } catch (e) {
        result.errors.push(`network ${n.Name}: ${(e as Error).message}`);
      }
    }
  }
  if (options.images) {
    try {
      const images = await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL}=1`] }) });
      // The images FROM the base first: the base is their parent.
      images.sort((a, b) => Number(a.Labels?.[LABEL_IMAGE] === 'base') - Number(b.Labels?.[LABEL_IMAGE] === 'base'));
      for (const image of images) {
        const tags = image.RepoTags?.filter((t) => t !== '<none>:<none>') ?? [];
        for (const ref of tags.length ? tags : [image.Id]) {
          try {
            await docker.getImage(ref).remove({});
            out.images.push(ref);
          } catch (e) {
            if (!isNotFound(e)) out.errors.push(`image ${ref}: ${(e as Error).message}`);
          }
        }
      }
    } catch (e) {
      out.errors.push(`listing images: ${(e as Error).message}`);
    }
  }
  return out;
}
