// `overlab inspect <run>`: a kept run as its hosts show it now, one `ip -j -d addr show` a host
// (links with their details and addresses in one document), and each unit's failover status
// read from the unit itself: never the plan's idea of who is active.
import PQueue from 'p-queue';
import { parseAddrs, parseLinks } from '../devices/linux/parse.js';
import type { AttachedRun } from './attach.js';
import type { InspectHost, InspectView } from './inspect-schema.js';

/** One host's interfaces from its `ip -j -d addr show`. Pure (unit-tested). */
export function hostView(id: string, kind: InspectHost['kind'], location: string, stdout: string): InspectHost {
  const links = parseLinks(stdout, { command: 'ip -j -d addr show' });
  const addrs = new Map(parseAddrs(stdout, { command: 'ip -j -d addr show' }).map((a) => [a.ifindex, a.addrs]));
  return {
    id,
    kind,
    location,
    interfaces: links.map((l) => ({
      name: l.name,
      mac: l.mac,
      mtu: l.mtu,
      up: l.up,
      ...(l.kind ? { kind: l.kind } : {}),
      ...(l.master ? { master: l.master } : {}),
      addresses: (addrs.get(l.ifindex) ?? []).map((a) => `${a.local}/${a.prefixlen}`),
      ...(l.vxlan ? { vxlan: { vni: l.vxlan.id, port: l.vxlan.port, learning: l.vxlan.learning, ...(l.vxlan.local ? { local: l.vxlan.local } : {}) } } : {}),
    })),
  };
}

export async function inspectRun(run: AttachedRun): Promise<InspectView> {
  const { ctx, plan } = run;
  const queue = new PQueue({ concurrency: 8 });
  const hosts = await Promise.all(
    plan.hosts.map((h) => queue.add(async () => hostView(h.id, h.kind, ctx.provider.locationOf(h.id), (await ctx.provider.node(h.id).exec(['ip', '-j', '-d', 'addr', 'show'])).stdout))),
  );
  const units = await Promise.all((plan.topology.bigip?.units ?? []).map(async (u) => ({ name: u.name, failoverStatus: await run.units!.failoverStatus(u.name) })));
  const active = units.filter((u) => u.failoverStatus === 'ACTIVE');
  return {
    schemaVersion: 1,
    runId: ctx.runId,
    scenario: run.spec.name,
    provider: run.record.provider,
    runDir: ctx.runDir,
    hosts: hosts as InspectHost[],
    vteps: (hosts as InspectHost[]).flatMap((h) => h.interfaces.flatMap((i) => (i.vxlan ? [{ host: h.id, device: i.name, vni: i.vxlan.vni, mac: i.mac, port: i.vxlan.port, ...(i.vxlan.local ? { local: i.vxlan.local } : {}) }] : []))),
    units,
    activeUnit: active.length === 1 ? active[0]!.name : null,
  };
}
