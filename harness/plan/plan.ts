// The planner: a pure function from a validated spec to an ordered, dependency-tagged Plan.
import type { SshTarget } from '../ssh/target.js';
import type { ScenarioSpec } from '../spec/schema.js';
import { resolveTopology, MAC_PREFIX, type BigipTopology, type NodeTopology, type Topology } from '../spec/topology.js';
import type { LinuxIntent } from '../devices/linux/intent.js';
import { bigipDevice } from '../devices/bigip/registry.js';
import { flannelAgent } from '../overlay/flannel/registry.js';
import * as ipv4 from '../core/ipv4.js';
import { podHttpAddress } from '../probes/pod-http.js';
import type { HostDecl, Plan, PlanStep, SegmentDecl } from './types.js';

export const UNDERLAY_HOST = 'underlay';
export const UNDERLAY_BRIDGE = 'underlay0';
export const UNDERLAY_SEGMENT = 'underlay';
export const EXTERNAL_SEGMENT = 'external';
export const UNDERLAY_IF = 'eth0';
export const POD_IF = 'eth0';
export const CNI_BRIDGE = 'cni0';
/** VXLAN over IPv4 adds 50 bytes: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8. */
export const VXLAN_OVERHEAD = 50;

export const CLIENT_HOST = 'client';
export const CLIENT_IF = 'eth0';
export const EXTERNAL_BRIDGE = 'external0';
export const externalPort = (index: number): string => `ext${index}`;
export const podHostId = (node: string, pod: string): string => `${node}.${pod}`;

/**
 * A node's kernel settings, before its flannel runs: forwarding, and addr_gen_mode 1 (none) for
 * devices made later, by flanneld among others: no link-local multicast from a VTEP it makes,
 * which would pre-populate FDBs (design.md §1).
 */
export function nodeSysctls(f: Pick<Topology['flannel'], 'ipv6'>): Record<string, string> {
  return { 'net.ipv4.ip_forward': '1', ...(f.ipv6 ? {} : { 'net.ipv6.conf.default.addr_gen_mode': '1' }) };
}
export const switchPort = (index: number): string => `swp${index}`;
export const hostVeth = (index: number): string => `veth${index}`;

function noIpv6(topology: Topology, dev: string): LinuxIntent[] {
  return topology.flannel.ipv6 ? [] : [{ kind: 'ipv6-addrgen-off', dev }];
}

const up = (dev: string): LinuxIntent => ({ kind: 'link-up', dev });
const address = (cidr: string, dev: string): LinuxIntent => ({ kind: 'address', cidr, dev });
const neighbour = (ip: string, mac: string, dev: string): LinuxIntent => ({ kind: 'neighbour', ip, mac, dev });

/** The interfaces the BIG-IP device asks the testbed for (none for units that already exist). */
function unitAttachments(topology: Topology, segment: 'underlay' | 'external'): { id: string; ifname: string; ip: string; mac: string }[] {
  const b = topology.bigip;
  return b ? bigipDevice(b.device).attachments(topology).filter((a) => a.segment === segment).map((a) => ({ id: a.unit, ifname: a.ifname, ip: a.ip, mac: a.mac })) : [];
}

/** Everything on the underlay: nodes, then BIG-IP units, then the flannel agent's own hosts (flanneld's etcd). */
function underlayHosts(topology: Topology): { id: string; ifname: string; ip: string; mac: string }[] {
  return [
    ...topology.nodes.map((n) => ({ id: n.name, ifname: UNDERLAY_IF, ip: n.underlayIp, mac: n.underlayMac })),
    ...unitAttachments(topology, 'underlay'),
    ...flannelAgent(topology.flannel.agent).hosts(topology),
  ];
}

function nodeIntent(topology: Topology, node: NodeTopology): LinuxIntent[] {
  const f = topology.flannel;
  const underlayPeers = underlayHosts(topology).filter((n) => n.id !== node.name);
  return [
    up('lo'),
    ...noIpv6(topology, UNDERLAY_IF),
    up(UNDERLAY_IF),
    address(`${node.underlayIp}/${topology.underlay.prefixLength}`, UNDERLAY_IF),
    // Pre-seeded underlay neighbours: no ARP storm at boot, first packet goes out at once.
    ...underlayPeers.map((p) => neighbour(p.ip, p.mac, UNDERLAY_IF)),
    {
      kind: 'vxlan-device',
      name: f.device,
      vni: f.vni,
      port: f.port,
      local: node.underlayIp,
      dev: f.mtu + VXLAN_OVERHEAD <= topology.underlay.mtu ? UNDERLAY_IF : undefined,
      learning: f.learning,
      mtu: f.mtu,
      mac: node.vtepMac,
    },
    ...noIpv6(topology, f.device),
    { kind: 'bridge-device', name: CNI_BRIDGE, mac: node.gatewayMac, mtu: f.mtu, multicastSnooping: false },
    ...noIpv6(topology, CNI_BRIDGE),
    address(`${node.gatewayIp}/${ipv4.parsePrefix(node.podCidr).length}`, CNI_BRIDGE),
    ...node.pods.flatMap((pod, i): LinuxIntent[] => [...noIpv6(topology, hostVeth(i)), { kind: 'master', dev: hostVeth(i), master: CNI_BRIDGE }, up(hostVeth(i))]),
    ...(f.bridged ? [{ kind: 'master', dev: f.device, master: CNI_BRIDGE } as const] : []),
    // flanneld gives the VTEP the podCIDR's .0 as a /32: the next hop the other nodes route to.
    address(`${node.vtepIp}/32`, f.device),
    up(f.device),
    up(CNI_BRIDGE),
    ...node.pods.map((pod) => neighbour(pod.ip, pod.mac, CNI_BRIDGE)),
  ];
}

function podIntent(topology: Topology, node: NodeTopology, pod: NodeTopology['pods'][number]): LinuxIntent[] {
  const podPrefix = ipv4.parsePrefix(node.podCidr).length;
  return [
    up('lo'),
    ...noIpv6(topology, POD_IF),
    up(POD_IF),
    address(`${pod.ip}/${podPrefix}`, POD_IF),
    // The flannel CNI plugin gives pods the cluster network and a default route via cni0.
    { kind: 'route', mode: 'add', dst: topology.flannel.network, via: node.gatewayIp, dev: POD_IF },
    { kind: 'route', mode: 'add', dst: 'default', via: node.gatewayIp, dev: POD_IF },
    neighbour(node.gatewayIp, node.gatewayMac, POD_IF),
  ];
}

/** A switch segment's bridge and its ports (no IPv6 address generation on any: a switch sends nothing). */
function switchIntent(bridge: string, mac: string, mtu: number, ports: readonly string[]): LinuxIntent[] {
  return [
    { kind: 'bridge-device', name: bridge, mac, mtu, multicastSnooping: false },
    { kind: 'ipv6-addrgen-off', dev: bridge },
    ...ports.flatMap((port): LinuxIntent[] => [{ kind: 'ipv6-addrgen-off', dev: port }, { kind: 'master', dev: port, master: bridge }, up(port)]),
    up(bridge),
  ];
}

export interface PlanOptions {
  /** Units that exist (real VEs, from the BIG-IP inventory): reached over SSH, no host made for them. */
  realUnits?: Readonly<Record<string, SshTarget>>;
}

export function planScenario(spec: ScenarioSpec, options: PlanOptions = {}): Plan {
  const resolved = resolveTopology(spec);
  const real = options.realUnits ?? {};
  const topology = resolved.bigip && Object.keys(real).length
    ? { ...resolved, bigip: { ...resolved.bigip, units: resolved.bigip.units.map((u) => (real[u.name] ? { ...u, ssh: real[u.name] } : u)) } }
    : resolved;
  const f = topology.flannel;
  const segments: SegmentDecl[] = [
    { id: UNDERLAY_SEGMENT, bridge: UNDERLAY_BRIDGE, cidr: topology.underlay.cidr, mtu: topology.underlay.mtu },
    ...(topology.bigip ? [{ id: EXTERNAL_SEGMENT, bridge: EXTERNAL_BRIDGE, cidr: topology.bigip.external.cidr, mtu: 1500 }] : []),
  ];
  const nodeMounts = flannelAgent(f.agent).nodeMounts();
  const hosts: HostDecl[] = [
    { id: UNDERLAY_HOST, kind: 'switch', segments },
    ...topology.nodes.flatMap((n): HostDecl[] => [{ id: n.name, kind: 'node', ...(nodeMounts.length ? { mounts: nodeMounts } : {}) }, ...n.pods.map((p): HostDecl => ({ id: podHostId(n.name, p.name), kind: 'pod', parent: n.name }))]),
    ...(topology.bigip ? [...new Set(unitAttachments(topology, 'underlay').map((a) => a.id))].map((id): HostDecl => ({ id, kind: 'unit' })) : []),
    ...(topology.bigip ? [{ id: CLIENT_HOST, kind: 'client' as const }] : []),
    ...flannelAgent(topology.flannel.agent).hosts(topology).map((h): HostDecl => ({ id: h.id, kind: 'service' })),
  ];
  const underlay = underlayHosts(topology);
  const b = topology.bigip;
  const steps: PlanStep[] = [];
  steps.push({ id: 'hosts', phase: 'boot', title: `create ${hosts.length} hosts`, dependsOn: [], action: { type: 'create-hosts', hosts } });
  steps.push({
    id: 'wire',
    phase: 'boot',
    title: 'wire underlay and pod links',
    dependsOn: ['hosts'],
    action: {
      type: 'wire',
      links: [
        ...underlay.map((h, i) => ({
          a: { host: UNDERLAY_HOST, ifname: switchPort(i), mac: ipv4.macFromIp(MAC_PREFIX.switchPort, ipv4.parseIp(h.ip)), mtu: topology.underlay.mtu },
          b: { host: h.id, ifname: h.ifname, mac: h.mac, mtu: topology.underlay.mtu, ip: h.ip },
          segment: UNDERLAY_SEGMENT,
        })),
        ...externalHosts(topology).map((h, i) => ({
          a: { host: UNDERLAY_HOST, ifname: externalPort(i), mac: ipv4.macFromIp(MAC_PREFIX.switchPort, ipv4.parseIp(h.ip)), mtu: 1500 },
          b: { host: h.id, ifname: h.ifname, mac: h.mac, mtu: 1500, ip: h.ip },
          segment: EXTERNAL_SEGMENT,
        })),
        ...topology.nodes.flatMap((n) => n.pods.map((p, j) => ({
          a: { host: n.name, ifname: hostVeth(j), mac: ipv4.macFromIp(MAC_PREFIX.hostVeth, ipv4.parseIp(p.ip)), mtu: p.mtu },
          b: { host: podHostId(n.name, p.name), ifname: POD_IF, mac: p.mac, mtu: p.mtu },
        }))),
      ],
    },
  });
  steps.push({
    id: 'underlay',
    phase: 'boot',
    title: `underlay switch ${topology.underlay.cidr}`,
    dependsOn: ['wire'],
    action: {
      type: 'host-config',
      host: UNDERLAY_HOST,
      intent: [
        ...switchIntent(UNDERLAY_BRIDGE, '0e:00:00:00:00:01', topology.underlay.mtu, underlay.map((_, i) => switchPort(i))),
        ...(b ? switchIntent(EXTERNAL_BRIDGE, '0e:00:00:00:00:02', 1500, externalHosts(topology).map((_, i) => externalPort(i))) : []),
      ],
    },
  });
  steps.push({
    id: 'underlay-fdb',
    phase: 'boot',
    title: 'static underlay FDB',
    dependsOn: ['underlay'],
    action: { type: 'host-config', host: UNDERLAY_HOST, intent: underlay.map((h, i) => ({ kind: 'fdb-static', mac: h.mac, port: switchPort(i) })) },
  });
  for (const node of topology.nodes) {
    steps.push({
      id: `sysctl:${node.name}`,
      phase: 'boot',
      title: `${node.name}: forwarding on`,
      dependsOn: ['hosts'],
      action: { type: 'host-config', host: node.name, intent: [{ kind: 'sysctl', settings: nodeSysctls(f) }] },
    });
    steps.push({
      id: `node:${node.name}`,
      phase: 'boot',
      title: `${node.name}: underlay ${node.underlayIp}, ${f.device} (VNI ${f.vni}, ${f.learning ? 'learning' : 'nolearning'}${f.bridged ? ', in cni0' : ''}), cni0 ${node.gatewayIp}`,
      dependsOn: ['wire'],
      action: { type: 'host-config', host: node.name, intent: nodeIntent(topology, node) },
    });
    for (const pod of node.pods) {
      steps.push({
        id: `pod:${podHostId(node.name, pod.name)}`,
        phase: 'boot',
        title: `${node.name}/${pod.name}: ${pod.ip} mtu ${pod.mtu}`,
        dependsOn: ['wire'],
        action: { type: 'host-config', host: podHostId(node.name, pod.name), intent: podIntent(topology, node, pod) },
      });
    }
  }
  // Who programs flannel's state (the routes, neighbours and FDB entries of every peer).
  steps.push(...flannelAgent(f.agent).planSteps(topology));
  if (b) steps.push(...bigipDevice(b.device).planSteps(topology), ...testbedBigipSteps(topology, b));
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

/** Hosts on the external VLAN: each unit's ext0, then the client. */
function externalHosts(topology: Topology): { id: string; ifname: string; ip: string; mac: string }[] {
  const b = topology.bigip;
  if (!b) return [];
  return [...unitAttachments(topology, 'external'), { id: CLIENT_HOST, ifname: CLIENT_IF, ip: b.client.ip, mac: b.client.mac }];
}

/**
 * Pod services: TCP :80 answers minimal HTTP/1.0 with the pod's name as the body (probes/pod-http.ts;
 * -T 5 ends a connection that sends no request), UDP is an echo (socat, ~1 MB a process).
 */
export function podServerArgv(node: string, pod: string, vs: { tcpPort: number; udpPort: number }): string[][] {
  return [
    ['socat', '-T', '5', `TCP4-LISTEN:${vs.tcpPort},fork,reuseaddr`, podHttpAddress(`${node}/${pod}`)],
    // One child per peer (then no fork per datagram); -T ends children idle for 30 s.
    ['socat', '-T', '30', `UDP4-LISTEN:${vs.udpPort},fork,reuseaddr`, 'PIPE'],
  ];
}

/** What the testbed adds around the units: the client on the external VLAN and the pods' servers. */
function testbedBigipSteps(topology: Topology, b: BigipTopology): PlanStep[] {
  const steps: PlanStep[] = [];
  steps.push({
    id: 'client',
    phase: 'boot',
    title: `client ${b.client.ip}`,
    dependsOn: ['wire'],
    action: { type: 'host-config', host: CLIENT_HOST, intent: [up('lo'), { kind: 'ipv6-addrgen-off', dev: CLIENT_IF }, up(CLIENT_IF), address(`${b.client.ip}/${b.external.prefixLength}`, CLIENT_IF)] },
  });
  const vs = b.virtualServers[0];
  const served = new Set(b.virtualServers.flatMap((v) => v.pool.map((m) => podHostId(m.node, m.pod))));
  for (const host of served) {
    const [node, pod] = host.split('.') as [string, string];
    podServerArgv(node, pod, vs ?? { tcpPort: 80, udpPort: 7 }).forEach((argv, i) => {
      steps.push({ id: `serve:${host}:${i}`, phase: 'configure', title: `${host}: ${argv[0]} ${argv[argv.length - 2]}`, dependsOn: [`pod:${host}`], action: { type: 'spawn', host, argv } });
    });
  }
  return steps;
}
