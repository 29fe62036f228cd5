// Namespace names carry the run id: `ol-<run>` is the run's underlay switch, `ol-<run>.<host>`
// every other host. Scenario names cannot contain dots, so the names never collide.
export const NETNS_PREFIX = 'ol-';

export function netnsName(runId: string, hostId: string): string {
  return hostId === 'underlay' ? `${NETNS_PREFIX}${runId}` : `${NETNS_PREFIX}${runId}.${hostId}`;
}

/** True for the run's own namespaces: exactly `ol-<run>` or starting with `ol-<run>.`. */
export function belongsToRun(name: string, runId: string): boolean {
  return name === `${NETNS_PREFIX}${runId}` || name.startsWith(`${NETNS_PREFIX}${runId}.`);
}

/** The netns provider's own ledger entry: a named namespace (deleting it removes everything inside). */
export interface NetnsEntry {
  kind: 'netns';
  name: string;
}
