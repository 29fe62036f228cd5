// The restart fault: flanneld on one node stopped (SIGTERM, SIGKILL after 5 s) and started again,
// optionally with its VTEP deleted in between, so that it makes a new one with a new VtepMAC and
// publishes that in its lease. Afterwards flannel.<VNI> goes back into cni0 (the field report's
// step, which an operator repeats after any recreation) with IPv6 address generation off.
import { join } from 'node:path';
import { HarnessError } from '../../../core/errors.js';
import { waitFor } from '../../../core/wait.js';
import { UNDERLAY_IF } from '../../../plan/plan.js';
import { reattachVtep, vtepMac } from '../vtep.js';
import type { RestartContext, RestartResult } from '../types.js';
import { ETCD_HOST, etcdHost, flanneldPath } from './index.js';
import { etcdctlArgv, etcdPrefix, flanneldArgv, networkConfig } from './config.js';
import { subnetKey } from '../lease.js';
import { flannelDevice } from '../../../spec/topology.js';

export async function restartFlanneld(c: RestartContext): Promise<RestartResult> {
  const t0 = performance.now();
  const f = c.topology.flannel;
  const node = c.topology.nodes.find((n) => n.name === c.node);
  if (!node) throw new HarnessError(`restart-flanneld: no node ${c.node}`);
  const host = c.transport.node(node.name);
  const before = await vtepMac(host, f.device);
  await stopFlanneld(c, node.name);
  if (c.recreateVtep) await host.exec(['ip', 'link', 'del', 'dev', f.device]);
  const subnetFile = join(c.runDir, 'flannel', node.name, 'subnet.env');
  // Removed where flanneld wrote it (in the host), so the wait below sees only the new one.
  await host.exec(['rm', '-f', subnetFile]);
  c.transport.spawn(node.name, flanneldArgv(flanneldPath(), etcdHost(c.topology).ip, UNDERLAY_IF, subnetFile).map((a) => a.replaceAll('{run}', c.runId)), { detached: true, logFile: join(c.runDir, 'flannel', node.name, 'flanneld.log') });
  const expect = `FLANNEL_SUBNET=${node.gatewayIp}/`;
  await waitFor(`flanneld on ${node.name} writing ${expect} again`, async () => {
    const r = await host.exec(['cat', subnetFile], { allowFailure: true });
    return { ok: r.exitCode === 0 && r.stdout.includes(expect), seen: r.stdout.trim() || r.stderr.trim() };
  }, { timeoutMs: 10_000, intervalMs: 20, signal: c.signal });
  // The field report's step, again: a recreated flannel.<VNI> is in no bridge.
  const device = c.vni === undefined ? f.device : flannelDevice(c.vni);
  await reattachVtep(host, c.topology, device);
  const after = await vtepMac(host, device);
  return { node: node.name, vtepMacBefore: before, vtepMacAfter: after, durationMs: performance.now() - t0 };
}

/**
 * The VNI changed in flannel's network config (`<prefix>/config` rewritten in etcd), then
 * flanneld restarted on every node, one after the other, as a rolling change would. flanneld
 * names its VTEP flannel.<VNI>: it makes a new device for the new VNI (the kernel cannot change a
 * VNI in place) and moves its routes there; the old flannel.<old VNI> stays where it was.
 */
export async function changeFlannelVni(c: Omit<RestartContext, 'node' | 'recreateVtep' | 'vni'>, vni: number): Promise<RestartResult[]> {
  const etcd = etcdHost(c.topology);
  const topology = { ...c.topology, flannel: { ...c.topology.flannel, vni } };
  const key = `${etcdPrefix().replace('{run}', c.runId)}/config`;
  await c.transport.node(ETCD_HOST).exec(etcdctlArgv('etcdctl', etcd.ip, 'put', key, networkConfig(topology)));
  const results: RestartResult[] = [];
  for (const node of c.topology.nodes) results.push(await restartFlanneld({ ...c, node: node.name, recreateVtep: false, vni }));
  return results;
}

/**
 * Stops the node's flanneld from inside its host, over the transport: the process whose argv has
 * this node's own `--subnet-file=<run dir>/flannel/<node>/subnet.env` (unique to the node and the
 * run). No pid read from the ledger is ever signalled from here: a pid the provider could not
 * learn is 0 or -1, and kill(0) or kill(-1) would hit the harness's own process group, or every
 * process on the machine.
 */
async function stopFlanneld(c: Pick<RestartContext, 'transport' | 'runDir' | 'signal'>, node: string): Promise<void> {
  const host = c.transport.node(node);
  const pattern = `--subnet-file=${join(c.runDir, 'flannel', node, 'subnet.env')}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const running = async () => (await host.exec(['pgrep', '-f', '--', pattern], { allowFailure: true })).exitCode === 0;
  if (!(await running())) throw new HarnessError(`no flanneld of this run is running on ${node}`);
  const gone = (timeoutMs: number) => waitFor(`flanneld on ${node} to exit`, async () => ({ ok: !(await running()), seen: 'still running' }), { timeoutMs, intervalMs: 20, signal: c.signal });
  await host.exec(['pkill', '-TERM', '-f', '--', pattern], { allowFailure: true });
  await gone(5000).catch(async (e: unknown) => {
    if (c.signal?.aborted) throw e;
    await host.exec(['pkill', '-KILL', '-f', '--', pattern], { allowFailure: true });
    await gone(2000);
  });
}

/**
 * A node leaves the cluster: its flanneld stops, its lease is deleted from etcd (what the
 * cluster does with a removed node), and its underlay link goes down (the machine is gone). The
 * other nodes' flanneld then remove its route, neighbour and FDB entry; the units' static records
 * (written by CIS) stay.
 */
export async function nodeLeaves(c: Omit<RestartContext, 'recreateVtep' | 'vni'>): Promise<RestartResult> {
  const t0 = performance.now();
  const node = c.topology.nodes.find((n) => n.name === c.node);
  if (!node) throw new HarnessError(`node-leave: no node ${c.node}`);
  await stopFlanneld(c, node.name);
  const key = `${etcdPrefix().replace('{run}', c.runId)}/subnets/${subnetKey(node.podCidr)}`;
  await c.transport.node(ETCD_HOST).exec(etcdctlArgv('etcdctl', etcdHost(c.topology).ip, 'del', key));
  await c.transport.node(node.name).exec(['ip', 'link', 'set', 'dev', UNDERLAY_IF, 'down']);
  return { node: node.name, durationMs: performance.now() - t0 };
}
