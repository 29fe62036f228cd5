// The flanneld agent: upstream flanneld on every node, with an etcd member of the run's own on the
// underlay (its own host, like seed 003's etcd on node01). Before any flanneld starts, the network
// config goes to `<prefix>/config`, every node's podCIDR is written as a reservation (a lease
// without TTL, taken by the node whose PublicIP it names) and every unit gets its lease (PublicIP
// its underlay self IP, VtepMAC its tunnel MAC: etcd mode's dummy Node). flanneld then acquires
// its lease, writes subnet.env and programs a route, a permanent neighbour and an FDB entry for
// every other lease, exactly as it does on a cluster node.
//
// The node's flannel.<VNI> exists before flanneld starts (the node step makes it, with the planned
// MAC, as on a node that ran flanneld before): flanneld adopts a device whose VNI, interface,
// local address and port match, so the VtepMAC it publishes is the one the units' static FDB
// records (CIS) name. A VtepMAC change is then a step of its own: delete the device, restart.
import * as ipv4 from '../../../core/ipv4.js';
import { HarnessError } from '../../../core/errors.js';
import type { PlanStep } from '../../../plan/types.js';
import type { LinuxIntent } from '../../../devices/linux/intent.js';
import { MAC_PREFIX, type Topology } from '../../../spec/topology.js';
import type { AgentContext, AgentHost, FlannelAgent, FlannelLease } from '../types.js';
import { decodeLease } from '../lease.js';
import { nodeLeases, unitLeases } from '../emulated/program.js';
import { cachedFlanneldPath, flannelBinaries } from './binary.js';
import { changeFlannelVni, nodeLeaves, restartFlanneld } from './restart.js';
import { etcdArgv, etcdctlArgv, etcdHealthArgv, etcdDataDir, etcdEndpoint, etcdPrefix, flanneldArgv, networkConfig, reservation, unitLease } from './config.js';

export const ETCD_HOST = 'etcd';
const IFNAME = 'eth0';
export const flanneldPath = (): string => process.env.OVERLAB_FLANNELD ?? cachedFlanneldPath();
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The etcd member's underlay address: the highest host address of the underlay nothing else has. */
export function etcdHost(topology: Topology): AgentHost {
  const net = ipv4.parsePrefix(topology.underlay.cidr);
  const taken = new Set([...topology.nodes.map((n) => n.underlayIp), ...(topology.bigip?.units ?? []).map((u) => u.underlayIp), ...(topology.bigip?.floatingSelfIps ?? []).map((f) => f.address.split('/')[0]!)]);
  for (let off = ipv4.size(net) - 2; off >= 1; off--) {
    const ip = ipv4.formatIp(ipv4.nth(net, off));
    if (!taken.has(ip)) return { id: ETCD_HOST, ifname: IFNAME, ip, mac: ipv4.macFromIp(MAC_PREFIX.underlay, ipv4.parseIp(ip)) };
  }
  throw new HarnessError(`the underlay ${topology.underlay.cidr} has no address left for flanneld's etcd member`);
}

function planSteps(topology: Topology): PlanStep[] {
  const f = topology.flannel;
  const etcd = etcdHost(topology);
  const put = (kv: { key: string; value: string }) => etcdctlArgv('etcdctl', etcd.ip, 'put', kv.key, kv.value);
  const units = unitLeases(topology);
  const peers = [...nodeLeases(topology), ...units];
  const hostIntent: LinuxIntent[] = [
    { kind: 'link-up', dev: 'lo' },
    { kind: 'ipv6-addrgen-off', dev: IFNAME },
    { kind: 'link-up', dev: IFNAME },
    { kind: 'address', cidr: `${etcd.ip}/${topology.underlay.prefixLength}`, dev: IFNAME },
    // Pre-seeded like every other underlay host: the nodes' first requests go out at once.
    ...topology.nodes.map((n): LinuxIntent => ({ kind: 'neighbour', ip: n.underlayIp, mac: n.underlayMac, dev: IFNAME })),
  ];
  const steps: PlanStep[] = [
    { id: 'etcd-host', phase: 'boot', title: `etcd member ${etcd.ip} on the underlay`, dependsOn: ['wire'], action: { type: 'host-config', host: ETCD_HOST, intent: hostIntent } },
    { id: 'etcd', phase: 'boot', title: `etcd on ${etcdEndpoint(etcd.ip)}, data in ${etcdDataDir()}`, dependsOn: ['etcd-host'], action: { type: 'spawn', host: ETCD_HOST, argv: etcdArgv('etcd', etcd.ip), log: 'flannel/etcd.log', scratch: [etcdDataDir()] } },
    { id: 'etcd-ready', phase: 'boot', title: 'etcd answers', dependsOn: ['etcd'], action: { type: 'wait-command', host: ETCD_HOST, argv: etcdHealthArgv('etcdctl', etcd.ip), what: `etcd answering on ${etcdEndpoint(etcd.ip)}`, timeoutMs: 10_000 } },
    {
      id: 'flannel-config',
      phase: 'boot',
      title: `flannel network config at ${etcdPrefix()}/config and ${topology.nodes.length} podCIDR reservations`,
      dependsOn: ['etcd-ready'],
      action: { type: 'exec', host: ETCD_HOST, commands: [put({ key: `${etcdPrefix()}/config`, value: networkConfig(topology) }), ...topology.nodes.map((n) => put(reservation(n.podCidr, n.underlayIp)))] },
    },
  ];
  const registry = ['flannel-config'];
  if (units.length > 0) {
    registry.push('flannel-units');
    steps.push({ id: 'flannel-units', phase: 'boot', title: `register ${topology.bigip!.units.filter((u) => u.flannelNode).map((u) => u.name).join(', ')} as flannel nodes (their leases in etcd)`, dependsOn: ['etcd-ready'], action: { type: 'exec', host: ETCD_HOST, commands: units.map((l) => put(unitLease(l))) } });
  }
  for (const node of topology.nodes) {
    const subnetFile = `{runDir}/flannel/${node.name}/subnet.env`;
    const others = peers.filter((l) => l.subnet !== node.podCidr);
    steps.push(
      {
        id: `flanneld:${node.name}`,
        phase: 'configure',
        title: `${node.name}: flanneld (etcd ${etcdEndpoint(etcd.ip)}, iface ${IFNAME})`,
        dependsOn: [`node:${node.name}`, ...registry],
        action: { type: 'spawn', host: node.name, argv: flanneldArgv(flanneldPath(), etcd.ip, IFNAME, subnetFile), log: `flannel/${node.name}/flanneld.log` },
      },
      {
        id: `flannel:${node.name}`,
        phase: 'configure',
        title: `${node.name}: flanneld took its reserved subnet ${node.podCidr}`,
        dependsOn: [`flanneld:${node.name}`],
        action: { type: 'wait-command', host: node.name, argv: ['cat', subnetFile], expect: `^FLANNEL_SUBNET=${escape(`${node.gatewayIp}/${ipv4.parsePrefix(node.podCidr).length}`)}$`, what: `flanneld on ${node.name} writing FLANNEL_SUBNET=${node.gatewayIp} (its reservation ${node.podCidr})`, timeoutMs: 10_000 },
      },
      {
        id: `flannel-fdb:${node.name}`,
        phase: 'configure',
        // flanneld programs a peer's neighbour and FDB entry before its route: the routes say all.
        title: `${node.name}: flanneld programmed ${others.length} peers (their routes, after their neighbours and FDB entries)`,
        dependsOn: [`flannel:${node.name}`],
        action: {
          type: 'wait-command',
          host: node.name,
          argv: ['ip', '-o', 'route', 'show', 'dev', f.device],
          expect: others.map((l) => `(?=[\\s\\S]*^${escape(l.subnet)} via )`).join(''),
          what: `flanneld on ${node.name} routing to ${others.map((l) => l.subnet).join(', ')}`,
          timeoutMs: 10_000,
        },
      },
    );
  }
  return steps;
}

/** Every lease under the run's prefix, read from etcd (`etcdctl get --prefix`: key and value lines). */
async function listNodes(ctx: AgentContext): Promise<FlannelLease[]> {
  if (!ctx.node || !ctx.runId) throw new HarnessError('the flanneld agent reads its leases from etcd: it needs the run id and the transport');
  const prefix = `${etcdPrefix().replace('{run}', ctx.runId)}/subnets/`;
  const etcd = ctx.node(ETCD_HOST);
  // The endpoint is the member's own address: listed from inside its host.
  const address = (await etcd.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', IFNAME])).stdout.match(/inet (\S+)\//)?.[1];
  if (!address) throw new HarnessError(`the etcd host has no address on ${IFNAME}`);
  const r = await etcd.exec(etcdctlArgv('etcdctl', address, 'get', '--prefix', prefix));
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  const out: FlannelLease[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) out.push(decodeLease(lines[i]!, lines[i + 1]!));
  return out.sort((a, b) => a.subnet.localeCompare(b.subnet));
}

export const flanneldAgent: FlannelAgent = {
  kind: 'flanneld',
  nodeMounts: () => [flanneldPath()],
  hosts: (topology) => [etcdHost(topology)],
  planSteps,
  listNodes,
  restart: (c) => restartFlanneld(c),
  changeVni: (c, vni) => changeFlannelVni(c, vni),
  nodeLeave: (c) => nodeLeaves(c),
  missing: () => flannelBinaries().missing,
};
