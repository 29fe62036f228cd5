// The cluster's API through @kubernetes/client-node (1.4.x: the 2.x line needs undici 8, which
// needs Node >= 22.19, and this project runs on Node 20.19): objects applied server-side
// (field manager overlab, so applying the same manifest again is a no-op), rollouts waited on by
// polling the workload's status, and a rollout that did not finish reported with its failing
// pods and their events (rollout-report.ts).
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1LabelSelector } from '@kubernetes/client-node';
import { HarnessError, WaitTimeoutError } from '../../core/errors.js';
import type { KubeObject } from './flannel-patch.js';
import { describeFailingPods } from './rollout-report.js';

export interface Kube {
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  apps: AppsV1Api;
}

export function kubeClient(kubeconfig: string): Kube {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return { objects: KubernetesObjectApi.makeApiClient(kc), core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/** Applies objects in order (namespaces before what lives in them, as the manifest lists them). */
export async function applyAll(kube: Kube, objects: readonly KubeObject[]): Promise<void> {
  for (const o of objects) {
    try {
      await kube.objects.patch(o as KubernetesObject, undefined, undefined, 'overlab', true, PatchStrategy.ServerSideApply);
    } catch (e) {
      throw new HarnessError(`applying ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}: ${(e as Error).message}`, {}, { cause: e });
    }
  }
}

type Workload = 'DaemonSet' | 'Deployment';

/** Rolled out: every wanted pod updated and ready (a DaemonSet on every node it selects). */
async function progressOf(kube: Kube, kind: Workload, namespace: string, name: string): Promise<{ done: boolean; seen: string; selector?: V1LabelSelector }> {
  if (kind === 'DaemonSet') {
    const ds = await kube.apps.readNamespacedDaemonSet({ name, namespace });
    const s = ds.status;
    const want = s?.desiredNumberScheduled ?? 0;
    const done = want > 0 && (s?.numberReady ?? 0) === want && (s?.updatedNumberScheduled ?? 0) === want && (s?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    return { done, seen: `${s?.numberReady ?? 0}/${want} ready, ${s?.updatedNumberScheduled ?? 0} updated`, selector: ds.spec?.selector };
  }
  const d = await kube.apps.readNamespacedDeployment({ name, namespace });
  const want = d.spec?.replicas ?? 1;
  const s = d.status;
  const done = (s?.readyReplicas ?? 0) === want && (s?.updatedReplicas ?? 0) === want && (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  return { done, seen: `${s?.readyReplicas ?? 0}/${want} ready`, selector: d.spec?.selector };
}

const selectorText = (s?: V1LabelSelector): string => Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

/** Waits until the workload is rolled out; on timeout the error lists its failing pods and their events. */
export async function waitRollout(kube: Kube, kind: Workload, namespace: string, name: string, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const t0 = performance.now();
  let last = { done: false, seen: 'not read yet' } as Awaited<ReturnType<typeof progressOf>>;
  while (performance.now() - t0 < timeoutMs) {
    signal?.throwIfAborted();
    try {
      last = await progressOf(kube, kind, namespace, name);
      if (last.done) return performance.now() - t0;
    } catch (e) {
      last = { done: false, seen: `cannot read it: ${(e as Error).message}` };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  let pods = '';
  try {
    const list = await kube.core.listNamespacedPod({ namespace, labelSelector: selectorText(last.selector) });
    const events = await kube.core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.kind=Pod' });
    pods = describeFailingPods(list.items, events.items);
  } catch (e) {
    pods = `(cannot list its pods: ${(e as Error).message})`;
  }
  throw new WaitTimeoutError(`the rollout of ${kind} ${namespace}/${name}`, timeoutMs, `${last.seen}\n${pods}`);
}
