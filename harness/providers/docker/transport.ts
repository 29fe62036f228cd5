// How commands reach the docker provider's hosts: by `docker exec` through the Engine API
// (default), or, with OVERLAB_DOCKER_EXEC=nsenter, by nsenter into the container's mount and
// network namespaces from this machine (about ten times faster; needs a local daemon). A pod's
// commands run in its namespace inside its node's container. Long-running processes are always
// Engine execs. Files a host writes for the harness (captures, probe records) are written inside
// the container and copied out through the archive API (HostFiles).
import { relative } from 'node:path';
import type Docker from 'dockerode';
import type { CommandResult, LocalRunner, RunOptions } from '../../core/command.js';
import { CommandError, HarnessError } from '../../core/errors.js';
import type { IpLine } from '../../devices/linux/commands.js';
import type { HostFiles, ManagedProcess, ProviderContext, SpawnOptions } from '../types.js';
import { fetchFromContainer } from './engine.js';
import { execIn, spawnIn } from './exec.js';
import { runDirOf, type HostPlace } from './names.js';

export type ExecMode = 'api' | 'nsenter';

/** Where files written for the harness live inside a container (made by every image). */
const OUT_DIR = '/overlab/out';

/** The stdin of `ip -batch -` and `bridge -batch -`: one line a command. */
export const batchInput = (lines: readonly IpLine[]): string => lines.map((l) => l.join(' ')).join('\n') + '\n';

/** argv as it runs inside its host's container: in a pod's namespace through nsenter. */
export function inHost(place: HostPlace, argv: readonly string[]): string[] {
  return place.netns ? ['nsenter', `--net=/run/netns/${place.netns}`, '--', ...argv] : [...argv];
}

/** For `overlab exec`: the docker CLI command that runs argv in a host, given its location. */
export function execArgv(location: string, argv: readonly string[]): string[] {
  const [container, netns] = location.split('/netns/') as [string, string | undefined];
  return ['docker', 'exec', '-i', ...(process.stdin.isTTY ? ['-t'] : []), container, ...(netns ? ['nsenter', `--net=/run/netns/${netns}`, '--'] : []), ...argv];
}

export class Transport {
  private readonly initPids = new Map<string, number>();

  constructor(
    private readonly docker: Docker,
    readonly mode: ExecMode,
    private readonly ctx: ProviderContext,
    private readonly place: (hostId: string) => HostPlace | undefined,
    private readonly runner: LocalRunner,
  ) {}

  /** A file's path inside the container is its path in the run directory, flattened into OUT_DIR. */
  files(): HostFiles {
    return {
      pathIn: (_host, localPath) => `${OUT_DIR}/${relative(runDirOf(this.ctx), localPath).split('/').filter((p) => p && p !== '..').join('__')}`,
      fetch: async (host, pathIn, localPath) => {
        const place = this.place(host);
        if (!place) throw new HarnessError(`host ${host} has no container to copy ${pathIn} from`);
        await fetchFromContainer(this.docker, place.container, pathIn, localPath);
      },
    };
  }

  /** After a container started: nsenter enters it through its init process, whose pid is kept. */
  async started(name: string, container: Docker.Container): Promise<void> {
    if (this.mode === 'nsenter') this.initPids.set(name, (await container.inspect()).State.Pid);
  }

  spawn(hostId: string, argv: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    const place = this.requirePlace(hostId);
    return spawnIn(this.docker, place.container, hostId, inHost(place, argv), this.ctx.ledger, options);
  }

  execHost(hostId: string, argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const place = this.requirePlace(hostId);
    return this.execContainer(place.container, inHost(place, argv), { node: hostId, ...options });
  }

  async execContainer(container: string, argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (this.mode === 'api') return execIn(this.docker, container, argv, options);
    let pid = this.initPids.get(container);
    if (pid === undefined) {
      pid = (await this.docker.getContainer(container).inspect()).State.Pid;
      this.initPids.set(container, pid);
    }
    const r = await this.runner.run(['nsenter', '-t', String(pid), '-m', '-n', '-p', '--', ...argv], { ...options, allowFailure: true });
    const result = { ...r, argv };
    if (r.exitCode === 0 || options.allowFailure) return result;
    throw new CommandError(`${options.node ? `[${options.node}] ` : ''}${argv.join(' ')} exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-4).join(' ') || '(no stderr)'}`, {
      argv,
      node: options.node,
      exitCode: r.exitCode,
      stderrTail: r.stderr,
    });
  }

  private requirePlace(hostId: string): HostPlace {
    const place = this.place(hostId);
    if (!place) throw new HarnessError(`host ${hostId} is realised by Docker networks on the docker provider; it runs no commands`, { node: hostId });
    return place;
  }
}
