// The kind provider as registered: a kind cluster per run (ol-<run>), kube-flannel from its
// release manifest, the units as F5's dummy Nodes. Its parts of `overlab clean` (the run's
// clusters from its ledger and from kind's container label) and `overlab doctor` (everything a
// kind run needs here, each with how to get it).
import type { CleanOutcome, ProviderModule } from '../types.js';
import { entriesOf } from '../../core/ledger.js';
import { KIND_LEDGER_KINDS, type KindClusterEntry } from './cluster.js';
import { clusterName, runOfCluster } from './names.js';
import { KindProvider } from './provider.js';
import { clustersByLabel, removeClusters } from './sweep.js';
import { dockerModule } from '../docker/module.js';
import { dockerClient } from '../docker/engine.js';
import { createKindNetwork, fitUnderlayToKind, kindNetworkName, readKindNetwork } from './network.js';

const WHAT = 'kind cluster(s)';

export const kindModule: ProviderModule = {
  kind: 'kind',
  summary: 'a kind cluster (kubelet, CNI, kube-flannel from its release manifest) with the units as dummy Nodes',
  ledgerKinds: KIND_LEDGER_KINDS,
  create: (ctx) => new KindProvider(ctx),
  /** The underlay is kind's Docker network: read (made as kind makes it when kind never ran here), and the plan's addresses fitted to it. */
  async fitSpec(spec, note) {
    const docker = dockerClient();
    const name = kindNetworkName();
    let net = await readKindNetwork(docker, name);
    if (!net) {
      await createKindNetwork(docker, name);
      note(`made kind's Docker network ${name} as kind makes it (kind create cluster uses it; it stays, as kind leaves it)`);
      net = (await readKindNetwork(docker, name))!;
    }
    const { spec: fitted, moved } = fitUnderlayToKind(spec, net);
    note(`the underlay is kind's Docker network ${name} (${net.subnet}): ${moved.map((m) => `${m.what} ${m.from} -> ${m.to}`).join(', ')}`);
    return fitted;
  },
  async clean(run) {
    // The units and the client are the docker provider's containers (and its external network).
    const docker = await dockerModule.clean(run);
    const errors: string[] = [...docker.errors];
    const wanted = new Set([clusterName(run.runId), ...entriesOf<KindClusterEntry>(run.entries, 'kind-cluster', 'name').map((e) => e.name)]);
    let found = new Map<string, string[]>();
    try {
      found = await clustersByLabel();
    } catch (e) {
      errors.push(`cannot reach the Docker daemon to find kind cluster(s) ${[...wanted].join(', ')}: ${(e as Error).message}`);
    }
    const mine = new Map([...found].filter(([c]) => wanted.has(c)));
    errors.push(...(await removeClusters(mine)));
    return { runId: run.runId, removed: mine.size + docker.removed, what: `${WHAT}, ${docker.what}`, errors };
  },
  async sweep(options) {
    // Clusters named ol-<run> that no ledger or registry here knows: kind's containers carry no
    // owner pid, so they are removed only with --force, and named otherwise.
    let found: Map<string, string[]>;
    try {
      found = await clustersByLabel();
    } catch {
      return [];
    }
    const out: CleanOutcome[] = [];
    for (const [cluster, containers] of found) {
      const runId = runOfCluster(cluster)!;
      if (options.known.has(runId) || (options.runId && options.runId !== runId)) continue;
      if (!options.force) {
        out.push({ runId, removed: 0, what: WHAT, skipped: `kind cluster ${cluster} (${containers.length} container(s)) is known to no ledger here; overlab clean --force removes it`, errors: [] });
        continue;
      }
      const errors = await removeClusters(new Map([[cluster, containers]]));
      out.push({ runId, removed: errors.length ? 0 : 1, what: WHAT, errors });
    }
    return out;
  },
};
