// The planner: a pure function from a validated spec to an ordered, dependency-tagged Plan.
import type { ScenarioSpec } from '../spec/schema.js';
import { resolveTopology, MAC_PREFIX, type NodeTopology, type Topology } from '../spec/topology.js';
import { ip, bridge, type IpLine } from '../devices/linux/commands.js';
import { controlPlaneFdbLines, controlPlaneIpLines, expectedControlPlane, nodeRecords } from '../overlay/flannel.js';
import * as ipv4 from '../core/ipv4.js';
import type { HostDecl, Plan, PlanStep } from './types.js';

export const UNDERLAY_HOST = 'underlay';
export const UNDERLAY_BRIDGE = 'underlay0';
export const UNDERLAY_IF = 'eth0';
export const POD_IF = 'eth0';
export const CNI_BRIDGE = 'cni0';
/** VXLAN over IPv4 adds 50 bytes: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8. */
export const VXLAN_OVERHEAD = 50;

export const podHostId = (node: string, pod: string): string => `${node}.${pod}`;
export const switchPort = (index: number): string => `swp${index}`;
export const hostVeth = (index: number): string => `veth${index}`;

function noIpv6(topology: Topology, dev: string): IpLine[] {
  return topology.flannel.ipv6 ? [] : [ip.addrGenNone(dev)];
}

function nodeLines(topology: Topology, node: NodeTopology): IpLine[] {
  const f = topology.flannel;
  const underlayPeers = topology.nodes.filter((n) => n !== node);
  const lines: IpLine[] = [
    ip.linkUp('lo'),
    ...noIpv6(topology, UNDERLAY_IF),
    ip.linkUp(UNDERLAY_IF),
    ip.addrAdd(`${node.underlayIp}/${topology.underlay.prefixLength}`, UNDERLAY_IF),
    // Pre-seeded underlay neighbours: no ARP storm at boot, first packet goes out at once.
    ...underlayPeers.map((p) => ip.neighPermanent(p.underlayIp, p.underlayMac, UNDERLAY_IF)),
    ip.addVxlan({
      name: f.device,
      vni: f.vni,
      port: f.port,
      local: node.underlayIp,
      dev: f.mtu + VXLAN_OVERHEAD <= topology.underlay.mtu ? UNDERLAY_IF : undefined,
      learning: f.learning,
      mtu: f.mtu,
      mac: node.vtepMac,
    }),
    ...noIpv6(topology, f.device),
    ip.addBridge(CNI_BRIDGE, node.gatewayMac, f.mtu),
    ...noIpv6(topology, CNI_BRIDGE),
    ip.addrAdd(`${node.gatewayIp}/${ipv4.parsePrefix(node.podCidr).length}`, CNI_BRIDGE),
    ...node.pods.flatMap((pod, i) => [...noIpv6(topology, hostVeth(i)), ip.linkMaster(hostVeth(i), CNI_BRIDGE), ip.linkUp(hostVeth(i))]),
    ...(f.bridged ? [ip.linkMaster(f.device, CNI_BRIDGE)] : []),
    // flanneld gives the VTEP the podCIDR's .0 as a /32: the next hop the other nodes route to.
    ip.addrAdd(`${node.vtepIp}/32`, f.device),
    ip.linkUp(f.device),
    ip.linkUp(CNI_BRIDGE),
    ...node.pods.map((pod) => ip.neighPermanent(pod.ip, pod.mac, CNI_BRIDGE)),
  ];
  return lines;
}

function podLines(topology: Topology, node: NodeTopology, pod: NodeTopology['pods'][number]): IpLine[] {
  const podPrefix = ipv4.parsePrefix(node.podCidr).length;
  return [
    ip.linkUp('lo'),
    ...noIpv6(topology, POD_IF),
    ip.linkUp(POD_IF),
    ip.addrAdd(`${pod.ip}/${podPrefix}`, POD_IF),
    // The flannel CNI plugin gives pods the cluster network and a default route via cni0.
    ip.routeAdd(topology.flannel.network, node.gatewayIp, POD_IF),
    ['route', 'add', 'default', 'via', node.gatewayIp, 'dev', POD_IF],
    ip.neighPermanent(node.gatewayIp, node.gatewayMac, POD_IF),
  ];
}

export function planScenario(spec: ScenarioSpec): Plan {
  const topology = resolveTopology(spec);
  const f = topology.flannel;
  const hosts: HostDecl[] = [
    { id: UNDERLAY_HOST, kind: 'switch' },
    ...topology.nodes.flatMap((n): HostDecl[] => [{ id: n.name, kind: 'node' }, ...n.pods.map((p): HostDecl => ({ id: podHostId(n.name, p.name), kind: 'pod' }))]),
  ];
  const steps: PlanStep[] = [];
  steps.push({ id: 'hosts', phase: 'boot', title: `create ${hosts.length} hosts`, dependsOn: [], action: { type: 'create-hosts', hosts } });
  steps.push({
    id: 'wire',
    phase: 'boot',
    title: 'wire underlay and pod links',
    dependsOn: ['hosts'],
    action: {
      type: 'wire',
      links: topology.nodes.flatMap((n, i) => [
        {
          a: { host: UNDERLAY_HOST, ifname: switchPort(i), mac: ipv4.macFromIp(MAC_PREFIX.switchPort, ipv4.parseIp(n.underlayIp)), mtu: topology.underlay.mtu },
          b: { host: n.name, ifname: UNDERLAY_IF, mac: n.underlayMac, mtu: topology.underlay.mtu },
        },
        ...n.pods.map((p, j) => ({
          a: { host: n.name, ifname: hostVeth(j), mac: ipv4.macFromIp(MAC_PREFIX.hostVeth, ipv4.parseIp(p.ip)), mtu: p.mtu },
          b: { host: podHostId(n.name, p.name), ifname: POD_IF, mac: p.mac, mtu: p.mtu },
        })),
      ]),
    },
  });
  steps.push({
    id: 'underlay',
    phase: 'boot',
    title: `underlay switch ${topology.underlay.cidr}`,
    dependsOn: ['wire'],
    action: {
      type: 'ip',
      host: UNDERLAY_HOST,
      lines: [
        ip.addBridge(UNDERLAY_BRIDGE, '02:00:00:00:00:01', topology.underlay.mtu),
        ip.addrGenNone(UNDERLAY_BRIDGE),
        ...topology.nodes.flatMap((_, i) => [ip.addrGenNone(switchPort(i)), ip.linkMaster(switchPort(i), UNDERLAY_BRIDGE), ip.linkUp(switchPort(i))]),
        ip.linkUp(UNDERLAY_BRIDGE),
      ],
    },
  });
  steps.push({
    id: 'underlay-fdb',
    phase: 'boot',
    title: 'static underlay FDB',
    dependsOn: ['underlay'],
    action: { type: 'bridge', host: UNDERLAY_HOST, lines: topology.nodes.map((n, i) => bridge.fdbStatic(n.underlayMac, switchPort(i))) },
  });
  const records = nodeRecords(topology);
  for (const node of topology.nodes) {
    steps.push({
      id: `sysctl:${node.name}`,
      phase: 'boot',
      title: `${node.name}: forwarding on`,
      dependsOn: ['hosts'],
      action: { type: 'sysctl', host: node.name, settings: { 'net.ipv4.ip_forward': '1' } },
    });
    steps.push({
      id: `node:${node.name}`,
      phase: 'boot',
      title: `${node.name}: underlay ${node.underlayIp}, ${f.device} (VNI ${f.vni}, ${f.learning ? 'learning' : 'nolearning'}${f.bridged ? ', in cni0' : ''}), cni0 ${node.gatewayIp}`,
      dependsOn: ['wire'],
      action: { type: 'ip', host: node.name, lines: nodeLines(topology, node) },
    });
    const state = expectedControlPlane(node.name, records, f.device);
    steps.push({
      id: `flannel:${node.name}`,
      phase: 'configure',
      title: `${node.name}: flannel routes and neighbours for ${state.routes.length} peers`,
      dependsOn: [`node:${node.name}`],
      action: { type: 'ip', host: node.name, lines: controlPlaneIpLines(state) },
    });
    steps.push({
      id: `flannel-fdb:${node.name}`,
      phase: 'configure',
      title: `${node.name}: flannel FDB for ${state.fdb.length} peers`,
      dependsOn: [`node:${node.name}`],
      action: { type: 'bridge', host: node.name, lines: controlPlaneFdbLines(state) },
    });
    for (const pod of node.pods) {
      steps.push({
        id: `pod:${podHostId(node.name, pod.name)}`,
        phase: 'boot',
        title: `${node.name}/${pod.name}: ${pod.ip} mtu ${pod.mtu}`,
        dependsOn: ['wire'],
        action: { type: 'ip', host: podHostId(node.name, pod.name), lines: podLines(topology, node, pod) },
      });
    }
  }
  const readiness = readinessPair(topology);
  if (readiness) {
    steps.push({
      id: 'ready',
      phase: 'ready',
      title: `first cross-node ping ${readiness.from} -> ${readiness.toIp}`,
      dependsOn: steps.map((s) => s.id),
      action: { type: 'wait-ping', from: readiness.from, to: readiness.toIp, timeoutMs: spec.readiness?.timeoutMs ?? 5000 },
    });
  }
  return { scenario: spec.name, topology, hosts, steps };
}

/** The readiness probe: from a pod on the first node to a pod on the last node (or node to node). */
function readinessPair(topology: Topology): { from: string; toIp: string } | undefined {
  const first = topology.nodes[0];
  const last = topology.nodes[topology.nodes.length - 1];
  if (!first || !last || first === last) return undefined;
  const fromPod = first.pods[0];
  const toPod = last.pods[0];
  if (fromPod && toPod) return { from: podHostId(first.name, fromPod.name), toIp: toPod.ip };
  return { from: first.name, toIp: last.underlayIp };
}
