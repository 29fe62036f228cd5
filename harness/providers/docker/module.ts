// The docker provider as registered: containers on a local Docker engine, with its parts of
// `overlab clean` (a run's containers and networks by label, then the rest of its ledger; and
// objects of runs no ledger here knows) and of `overlab doctor` (its preflight says it all).
import type { CleanOutcome, ProviderModule } from '../types.js';
import { DockerProvider } from './provider.js';
import { sweepDocker, type DockerRunSweep } from './sweep.js';
import { DOCKER_LEDGER_KINDS } from './teardown.js';

const WHAT = 'container(s) and network(s)';
const removedOf = (r: DockerRunSweep): number => r.containers.length + r.networks.length;

export const dockerModule: ProviderModule = {
  kind: 'docker',
  summary: 'containers on a local Docker engine (dockerode), images built here',
  ledgerKinds: DOCKER_LEDGER_KINDS,
  create: (ctx) => new DockerProvider(ctx),
  async clean(run) {
    // The owner was checked by `overlab clean`: this run's objects go, whoever made them.
    const sweep = await sweepDocker({ force: true, runId: run.runId });
    const swept = sweep.runs.find((r) => r.runId === run.runId);
    // Scratch directories (a root filesystem being built) are the core's: clean removes them after this.
    const failures = [...(swept?.errors ?? [])];
    if (!sweep.reachable && run.entries.some((e) => e.kind === 'docker-container' || e.kind === 'docker-network')) {
      failures.push('cannot reach the Docker daemon: the containers and networks its ledger lists may still be there (start dockerd and clean again)');
    }
    return { runId: run.runId, removed: swept ? removedOf(swept) : 0, what: WHAT, errors: failures };
  },
  async sweep(options) {
    // Objects of runs no registry or ledger here knows (another state directory, a deleted report),
    // found by label; a run whose owner process is alive is left alone unless forced.
    const sweep = await sweepDocker({ force: options.force, runId: options.runId, images: options.images });
    const out: CleanOutcome[] = [];
    for (const r of sweep.runs) {
      if (options.known.has(r.runId)) continue;
      if (r.skipped) out.push({ runId: r.runId, removed: 0, what: WHAT, skipped: r.skipped, errors: [] });
      else if (removedOf(r) > 0 || r.errors.length > 0) out.push({ runId: r.runId, removed: removedOf(r), what: WHAT, errors: r.errors });
    }
    if (sweep.images.length > 0 || sweep.errors.length > 0) out.push({ runId: 'docker images', removed: sweep.images.length, what: 'image(s)', errors: sweep.errors });
    return out;
  },
};
