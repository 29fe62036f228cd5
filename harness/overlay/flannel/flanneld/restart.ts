// The restart fault: flanneld on one node stopped (SIGTERM, SIGKILL after 5 s) and started again,
// optionally with its VTEP deleted in between, so that it makes a new one with a new VtepMAC and
// publishes that in its lease. Afterwards flannel.<VNI> goes back into cni0 (the field report's
// step, which an operator repeats after any recreation) with IPv6 address generation off.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../../core/errors.js';
import { isAlive } from '../../../core/registry.js';
import { waitFor } from '../../../core/wait.js';
import { entriesOf } from '../../../core/ledger.js';
import { CNI_BRIDGE, UNDERLAY_IF } from '../../../plan/plan.js';
import type { RestartContext, RestartResult } from '../types.js';
import { etcdHost, flanneldPath } from './index.js';
import { flanneldArgv } from './config.js';

export async function restartFlanneld(c: RestartContext): Promise<RestartResult> {
  const t0 = performance.now();
  const f = c.topology.flannel;
  const node = c.topology.nodes.find((n) => n.name === c.node);
  if (!node) throw new HarnessError(`restart-flanneld: no node ${c.node}`);
  const host = c.transport.node(node.name);
  const macOf = async () => (JSON.parse((await host.exec(['ip', '-j', 'link', 'show', 'dev', f.device], { allowFailure: true })).stdout || '[]') as { address?: string }[])[0]?.address;
  const before = await macOf();
  // The running flanneld of this node: the newest process the ledger has for it.
  const pid = entriesOf<{ kind: 'process'; host: string; pid: number; argv: string[] }>(c.ledger.entries(), 'process', 'host')
    .filter((e) => e.host === node.name && e.argv.some((a) => a.endsWith('flanneld') || a.includes('/flanneld')))
    .map((e) => e.pid)
    .pop();
  if (pid === undefined) throw new HarnessError(`restart-flanneld: the ledger lists no flanneld on ${node.name}`);
  process.kill(pid, 'SIGTERM');
  await waitFor(`flanneld (pid ${pid}) on ${node.name} to exit`, async () => ({ ok: !isAlive(pid), seen: `pid ${pid} alive` }), { timeoutMs: 5000, intervalMs: 10, signal: c.signal }).catch(() => process.kill(pid, 'SIGKILL'));
  if (c.recreateVtep) await host.exec(['ip', 'link', 'del', 'dev', f.device]);
  const subnetFile = join(c.runDir, 'flannel', node.name, 'subnet.env');
  unlinkSync(subnetFile);
  c.transport.spawn(node.name, flanneldArgv(flanneldPath(), etcdHost(c.topology).ip, UNDERLAY_IF, subnetFile).map((a) => a.replaceAll('{run}', c.runId)), { detached: true, logFile: join(c.runDir, 'flannel', node.name, 'flanneld.log') });
  const expect = `FLANNEL_SUBNET=${node.gatewayIp}/`;
  await waitFor(`flanneld on ${node.name} writing ${expect} again`, async () => {
    const r = await host.exec(['cat', subnetFile], { allowFailure: true });
    return { ok: r.exitCode === 0 && r.stdout.includes(expect), seen: r.stdout.trim() || r.stderr.trim() };
  }, { timeoutMs: 10_000, intervalMs: 20, signal: c.signal });
  // The field report's step, again: a recreated flannel.<VNI> is in no bridge.
  const lines = [...(f.ipv6 ? [] : [['link', 'set', 'dev', f.device, 'addrgenmode', 'none']]), ...(f.bridged ? [['link', 'set', 'dev', f.device, 'master', CNI_BRIDGE]] : [])];
  if (lines.length) await host.exec(['ip', '-batch', '-'], { stdin: lines.map((l) => l.join(' ')).join('\n') + '\n' });
  const after = await macOf();
  return { node: node.name, vtepMacBefore: before, vtepMacAfter: after, durationMs: performance.now() - t0 };
}
