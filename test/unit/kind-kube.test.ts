// The kind provider's API client (@kubernetes/client-node) against a small fake API server on
// loopback: objects are applied server-side with field manager overlab, a rollout is judged from
// the workload's status, and one that does not finish fails with its pods' reasons and events.
// What a real API server answers beyond these few calls is not modelled here.
import test from 'ava';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyAll, kubeClient, waitRollout } from '../../harness/providers/kind/kube.js';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}

const RESOURCES: Record<string, unknown> = {
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['get', 'patch'] }, { name: 'nodes', namespaced: false, kind: 'Node', verbs: ['get', 'patch'] }] },
  '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'daemonsets', namespaced: true, kind: 'DaemonSet', verbs: ['get', 'patch'] }] },
};

async function fakeApi(ready: boolean): Promise<{ url: string; seen: Seen[]; close: () => void }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body });
      const path = req.url!.split('?')[0]!;
      const json = (o: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(o));
      };
      if (RESOURCES[path]) return json(RESOURCES[path]);
      if (req.method === 'PATCH') return json(JSON.parse(body));
      if (path === '/apis/apps/v1/namespaces/kube-flannel/daemonsets/kube-flannel-ds') {
        return json({ metadata: { name: 'kube-flannel-ds', generation: 1 }, spec: { selector: { matchLabels: { app: 'flannel' } } }, status: { desiredNumberScheduled: 2, numberReady: ready ? 2 : 1, updatedNumberScheduled: 2, observedGeneration: 1, currentNumberScheduled: 2, numberMisscheduled: 0 } });
      }
      if (path === '/api/v1/namespaces/kube-flannel/pods') {
        return json({ items: [{ metadata: { name: 'kube-flannel-ds-x1', namespace: 'kube-flannel' }, spec: { nodeName: 'ol-abc123-worker', containers: [] }, status: { phase: 'Pending', containerStatuses: [{ name: 'kube-flannel', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }] });
      }
      if (path === '/api/v1/namespaces/kube-flannel/events') {
        return json({ items: [{ metadata: { name: 'e1' }, involvedObject: { name: 'kube-flannel-ds-x1' }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container kube-flannel' }] });
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code: 404, message: `no ${path}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
}

const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;

test('objects are applied server-side, field manager overlab, forced', async (t) => {
  const api = await fakeApi(true);
  try {
    await applyAll(kubeClient(kubeconfig(api.url)), [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bigip1', annotations: { 'flannel.alpha.coreos.com/backend-type': 'vxlan' } } }]);
    const patch = api.seen.find((s) => s.method === 'PATCH')!;
    t.truthy(patch, JSON.stringify(api.seen.map((s) => `${s.method} ${s.url}`)));
    t.regex(patch.url, /^\/api\/v1\/nodes\/bigip1\?/);
    t.regex(patch.url, /fieldManager=overlab/);
    t.regex(patch.url, /force=true/);
    t.is(patch.contentType, 'application/apply-patch+yaml');
    t.like(JSON.parse(patch.body), { kind: 'Node', metadata: { name: 'bigip1' } });
  } finally {
    api.close();
  }
});

test('a rollout is done when every wanted pod is updated and ready', async (t) => {
  const api = await fakeApi(true);
  try {
    t.true((await waitRollout(kubeClient(kubeconfig(api.url)), 'DaemonSet', 'kube-flannel', 'kube-flannel-ds', 5000)) >= 0);
  } finally {
    api.close();
  }
});

test('a rollout that does not finish fails with its failing pods, their reasons and events', async (t) => {
  const api = await fakeApi(false);
  try {
    const e = await t.throwsAsync(waitRollout(kubeClient(kubeconfig(api.url)), 'DaemonSet', 'kube-flannel', 'kube-flannel-ds', 1200));
    t.regex(e!.message, /waiting for the rollout of DaemonSet kube-flannel\/kube-flannel-ds; last seen: 1\/2 ready, 2 updated/);
    t.regex(e!.message, /kube-flannel\/kube-flannel-ds-x1 on ol-abc123-worker: Pending; kube-flannel: CrashLoopBackOff/);
    t.regex(e!.message, /Warning BackOff: Back-off restarting failed container kube-flannel/);
    t.true(api.seen.some((s) => s.url.includes('labelSelector=app%3Dflannel')), 'pods listed by the workload\'s selector');
  } finally {
    api.close();
  }
});
