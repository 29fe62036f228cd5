// What a rollout that did not finish says: each pod that is not ready, why (its phase, each
// container's waiting or terminated reason), and the pod's own events, newest last. A pure
// function over the API's objects, so the error's shape is unit-tested without a cluster.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

export function podReady(p: V1Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** One paragraph a failing pod: `ns/name on node: phase; container: reason message` then its events. */
export function describeFailingPods(pods: readonly V1Pod[], events: readonly CoreV1Event[], max = 5): string {
  const failing = pods.filter((p) => !podReady(p));
  if (failing.length === 0) return pods.length === 0 ? 'no pods were created (check the workload\'s selector, node selector and the scheduler)' : 'every pod is ready';
  const lines: string[] = [];
  for (const p of failing.slice(0, max)) {
    const name = p.metadata?.name ?? '?';
    const states = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].flatMap((c) => {
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w) return [`${c.name}: ${w.reason ?? 'waiting'}${w.message ? ` (${w.message})` : ''}`];
      if (t && t.exitCode !== 0) return [`${c.name}: exited ${t.exitCode}${t.reason ? ` ${t.reason}` : ''}${t.message ? ` (${t.message})` : ''}`];
      return [];
    });
    lines.push(`${p.metadata?.namespace ?? '?'}/${name} on ${p.spec?.nodeName ?? '(not scheduled)'}: ${p.status?.phase ?? 'unknown'}${states.length ? `; ${states.join('; ')}` : ''}`);
    const own = events
      .filter((e) => e.involvedObject?.name === name)
      .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
      .slice(-6);
    for (const e of own) lines.push(`    ${e.type ?? ''} ${e.reason ?? ''}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`.trimEnd());
  }
  if (failing.length > max) lines.push(`... and ${failing.length - max} more pod(s) not ready`);
  return lines.join('\n');
}
