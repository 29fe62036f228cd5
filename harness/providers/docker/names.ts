// Names and labels of the Docker objects a run makes. Containers and networks are named like the
// netns provider's namespaces (`ol-<run>.<host>`, `ol-<run>.<segment>`) and carry labels, so
// `overlab clean` finds them by label, never by a name pattern. Pods are network namespaces
// inside their node's container, named after the pod.
import { dirname, relative } from 'node:path';
import { UNDERLAY_HOST } from '../../plan/plan.js';
import { REGISTRY_DIR } from '../../core/registry.js';
import type { ProviderContext } from '../types.js';

export const LABEL = 'overlab';
export const LABEL_RUN = 'overlab.run';
export const LABEL_SCENARIO = 'overlab.scenario';
export const LABEL_HOST = 'overlab.host';
/** The pid of the process that made the object: `overlab clean` skips runs whose owner is alive. */
export const LABEL_OWNER = 'overlab.pid';
/** The run registry the run is in: `overlab clean` sweeps by label only the runs of its own registry. */
export const LABEL_STATE = 'overlab.state';
/** Images of the content-addressed cache: `overlab.image=<name>`, `overlab.cache=<hash>`. */
export const LABEL_IMAGE = 'overlab.image';
export const LABEL_CACHE = 'overlab.cache';

export function runLabels(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL]: '1', [LABEL_RUN]: runId, [LABEL_OWNER]: String(process.pid), [LABEL_STATE]: REGISTRY_DIR, ...extra };
}

/** The run directory: the ledger's. */
export function runDirOf(ctx: ProviderContext): string {
  return dirname(ctx.ledger.file);
}

/** The overlab.scenario label: the scenario's name, or else the run directory's parent's (<reports>/<scenario>/<run>). */
export function scenarioOf(ctx: ProviderContext): string {
  return ctx.scenario ?? relative(dirname(dirname(runDirOf(ctx))), dirname(runDirOf(ctx)));
}

export function containerName(runId: string, hostId: string): string {
  return `ol-${runId}.${hostId}`;
}

export function networkName(runId: string, segment: string): string {
  return `ol-${runId}.${segment}`;
}

/** The Linux bridge behind a segment's network (IFNAMSIZ: at most 15 characters). */
export function bridgeName(runId: string, index: number): string {
  return `ol-${runId}-${index}`.slice(0, 15);
}

export interface HostPlace {
  /** The container that holds the host: its own, or its node's for a pod. */
  container: string;
  /** The pod's network namespace inside that container. */
  netns?: string;
}

/**
 * Where a host lives. A pod is `<node>.<pod>` (plan/plan.ts podHostId): its namespace is `<pod>`
 * inside the node's container. `parent` (from the plan's HostDecl) wins over the id convention.
 */
export function placeOf(runId: string, hostId: string, parent?: string): HostPlace | undefined {
  if (hostId === UNDERLAY_HOST) return undefined;
  if (parent !== undefined) return { container: containerName(runId, parent), netns: hostId.startsWith(`${parent}.`) ? hostId.slice(parent.length + 1) : hostId };
  const dot = hostId.indexOf('.');
  if (dot < 0) return { container: containerName(runId, hostId) };
  return { container: containerName(runId, hostId.slice(0, dot)), netns: hostId.slice(dot + 1) };
}

export function formatPlace(p: HostPlace | undefined, runId: string): string {
  if (!p) return `docker networks ${networkName(runId, '*')}`;
  return p.netns ? `${p.container}/netns/${p.netns}` : p.container;
}
