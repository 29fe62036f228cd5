// Resolves a validated ScenarioSpec into a Topology: every default filled in (addresses, MACs,
// podCIDRs, pod names). Pure; the planner and the semantic checks both work from it.
import type { SshTarget } from '../ssh/target.js';
import type { PodSpec, ScenarioSpec } from './schema.js';
import * as ip from '../core/ipv4.js';

export interface PodTopology {
  name: string;
  ip: string;
  mac: string;
  mtu: number;
  /** Where in the spec it came from, as a JSON pointer (for error messages). */
  pointer: string;
}

export interface NodeTopology {
  name: string;
  role: 'master' | 'worker';
  underlayIp: string;
  underlayMac: string;
  podCidr: string;
  /** flannel's address on the VTEP and the next hop other nodes use: podCIDR .0 */
  vtepIp: string;
  vtepMac: string;
  /** cni0's address: podCIDR .1 */
  gatewayIp: string;
  gatewayMac: string;
  pods: PodTopology[];
  pointer: string;
}

export interface UnitTopology {
  name: string;
  underlayIp: string;
  underlayMac: string;
  externalIp: string;
  externalMac: string;
  /** The tunnel self IP with its prefix (10.217.31.36/16). */
  tunnelSelfIp: string;
  tunnelIp: string;
  tunnelMac: string;
  flannelNode?: { podCidr: string };
  /**
   * Where a real unit is reached over SSH (its management address, from the BIG-IP inventory of
   * issue 13, not the scenario); absent for a stand-in unit, whose host the testbed makes.
   */
  ssh?: SshTarget;
  pointer: string;
}

export interface PoolMember {
  node: string;
  pod: string;
  ip: string;
  mac: string;
}

export interface VirtualServerTopology {
  name: string;
  destination: string;
  tcpPort: number;
  udpPort: number;
  pool: PoolMember[];
  snat: 'automap';
}

export interface BigipTopology {
  /** The BIG-IP device that realises the units (devices/bigip/registry.ts). */
  device: string;
  external: { cidr: string; prefixLength: number };
  units: UnitTopology[];
  profile: { name: string; floodingType: 'none' | 'multipoint'; port: number };
  tunnel: { name: string; key: number; localAddress: 'self' | 'floating'; trafficGroup: string; mtu: number };
  floatingSelfIps: { address: string; vlan: 'tunnel' | 'underlay' | 'external' }[];
  staticFdb: boolean;
  cisStaticArp: boolean;
  configsync: boolean;
  active: string;
  virtualServers: VirtualServerTopology[];
  client: { ip: string; mac: string };
}

export interface Topology {
  scenario: string;
  bigip?: BigipTopology;
  underlay: { cidr: string; prefixLength: number; mtu: number };
  flannel: { network: string; vni: number; port: number; learning: boolean; bridged: boolean; mtu: number; ipv6: boolean; device: string; agent: string };
  nodes: NodeTopology[];
}

// MAC prefixes (locally administered, two bytes) followed by the IPv4 address they belong to.
// Deterministic MACs let the harness pre-seed neighbours and FDB entries (design.md §5).
/**
 * The first octet of the testbed's own MACs: locally administered and unicast (0x0e: the local
 * bit set, the group bit clear) and a prefix Wireshark names no vendor for. 02:01..02:20 are MS-NLB's in its
 * well-known-address list (tshark printed our underlay NICs as MS-NLB-PhysServer-01), and 0e:
 * appears in neither its manuf nor its wka file (test/integration/mac-vendors.test.ts).
 */
export const LOCAL_MAC_OCTET = 0x0e;

export const MAC_PREFIX = {
  underlay: [LOCAL_MAC_OCTET, 0x01],
  vtep: [LOCAL_MAC_OCTET, 0x0f],
  /** CNI's own convention for cni0 and pod interfaces, as the field report shows (0a:58:0a:d9:00:16). */
  cni: [0x0a, 0x58],
  hostVeth: [LOCAL_MAC_OCTET, 0x0e],
  switchPort: [LOCAL_MAC_OCTET, 0x02],
  external: [LOCAL_MAC_OCTET, 0x03],
} as const;

/** flanneld names its VTEP after the VNI it runs with (a new VNI is a new device: the kernel cannot change one in place). */
export const flannelDevice = (vni: number): string => `flannel.${vni}`;

export function resolveTopology(spec: ScenarioSpec): Topology {
  const underlay = ip.parsePrefix(spec.underlay.cidr);
  const network = ip.parsePrefix(spec.flannel.network);
  const flannelMtu = spec.flannel.mtu ?? 1450;
  const explicitUnderlay = new Set(spec.nodes.flatMap((n) => (n.underlayIp ? [ip.parseIp(n.underlayIp)] : [])));
  let nextUnderlay = 10;
  const takeUnderlay = (): number => {
    for (;;) {
      const candidate = ip.nth(underlay, nextUnderlay++);
      if (!explicitUnderlay.has(candidate)) return candidate;
    }
  };
  const nodes = spec.nodes.map((node, index): NodeTopology => {
    const underlayIp = node.underlayIp ? ip.parseIp(node.underlayIp) : takeUnderlay();
    const podCidr = node.podCidr ? ip.parsePrefix(node.podCidr) : ip.subnet(network, 24, index);
    const podSpecs: PodSpec[] = typeof node.pods === 'number' ? Array.from({ length: node.pods }, (_, i) => ({ name: `pod${i}` })) : (node.pods ?? []);
    const explicitPods = new Set(podSpecs.flatMap((p) => (p.ip ? [ip.parseIp(p.ip)] : [])));
    let nextPod = 2;
    const pods = podSpecs.map((pod, podIndex): PodTopology => {
      let podIp: number;
      if (pod.ip) podIp = ip.parseIp(pod.ip);
      else {
        do podIp = ip.nth(podCidr, nextPod++);
        while (explicitPods.has(podIp));
      }
      return {
        name: pod.name,
        ip: ip.formatIp(podIp),
        mac: pod.mac ?? ip.macFromIp(MAC_PREFIX.cni, podIp),
        mtu: pod.mtu ?? flannelMtu,
        pointer: `/nodes/${index}/pods${typeof node.pods === 'number' ? '' : `/${podIndex}`}`,
      };
    });
    return {
      name: node.name,
      role: node.role ?? (index === 0 ? 'master' : 'worker'),
      underlayIp: ip.formatIp(underlayIp),
      underlayMac: ip.macFromIp(MAC_PREFIX.underlay, underlayIp),
      podCidr: ip.formatPrefix(podCidr),
      vtepIp: ip.formatIp(podCidr.network),
      vtepMac: node.vtepMac ?? ip.macFromIp(MAC_PREFIX.vtep, underlayIp),
      gatewayIp: ip.formatIp(ip.nth(podCidr, 1)),
      gatewayMac: ip.macFromIp(MAC_PREFIX.cni, ip.nth(podCidr, 1)),
      pods,
      pointer: `/nodes/${index}`,
    };
  });
  return {
    scenario: spec.name,
    ...(spec.bigip ? { bigip: resolveBigip(spec, nodes) } : {}),
    underlay: { cidr: ip.formatPrefix(underlay), prefixLength: underlay.length, mtu: spec.underlay.mtu ?? 1500 },
    flannel: {
      network: ip.formatPrefix(network),
      vni: spec.flannel.vni,
      port: spec.flannel.port ?? 8472,
      learning: spec.flannel.learning,
      bridged: spec.flannel.bridged,
      mtu: flannelMtu,
      ipv6: spec.flannel.ipv6 ?? false,
      device: flannelDevice(spec.flannel.vni),
      agent: spec.flannel.agent ?? 'emulated',
    },
    nodes,
  };
}

function resolveBigip(spec: ScenarioSpec, nodes: NodeTopology[]): BigipTopology {
  const b = spec.bigip!;
  const external = ip.parsePrefix(b.external.cidr);
  const units = b.units.map((u, i): UnitTopology => {
    const underlay = ip.parseIp(u.underlaySelfIp);
    return {
      name: u.name,
      underlayIp: u.underlaySelfIp,
      underlayMac: ip.macFromIp(MAC_PREFIX.underlay, underlay),
      externalIp: u.externalSelfIp,
      externalMac: ip.macFromIp(MAC_PREFIX.external, ip.parseIp(u.externalSelfIp)),
      tunnelSelfIp: u.tunnelSelfIp,
      tunnelIp: u.tunnelSelfIp.split('/')[0] ?? u.tunnelSelfIp,
      tunnelMac: u.tunnelMac ?? ip.macFromIp(MAC_PREFIX.vtep, underlay),
      ...(u.flannelNode ? { flannelNode: { podCidr: u.flannelNode.podCidr } } : {}),
      pointer: `/bigip/units/${i}`,
    };
  });
  const clientIp = spec.client?.ip ?? ip.formatIp(ip.nth(external, 10));
  return {
    device: b.device ?? 'sim',
    external: { cidr: ip.formatPrefix(external), prefixLength: external.length },
    units,
    profile: { name: b.profile.name, floodingType: b.profile.floodingType, port: b.profile.port ?? 8472 },
    tunnel: { name: b.tunnel.name, key: b.tunnel.key, localAddress: b.tunnel.localAddress, trafficGroup: b.tunnel.trafficGroup, mtu: b.tunnel.mtu ?? 1450 },
    floatingSelfIps: b.floatingSelfIps ?? [],
    staticFdb: b.staticFdb,
    cisStaticArp: b.cisStaticArp,
    configsync: b.configsync ?? false,
    active: b.ha.active,
    virtualServers: b.virtualServers.map((vs) => ({
      name: vs.name,
      destination: vs.destination,
      tcpPort: vs.tcpPort ?? 80,
      udpPort: vs.udpPort ?? 7,
      snat: 'automap',
      pool: vs.pool.flatMap((ref) => {
        const [nodeName, podName] = ref.split('/');
        const node = nodes.find((n) => n.name === nodeName);
        const pod = node?.pods.find((p) => p.name === podName);
        return node && pod ? [{ node: node.name, pod: pod.name, ip: pod.ip, mac: pod.mac }] : [];
      }),
    })),
    client: { ip: clientIp, mac: ip.macFromIp(MAC_PREFIX.external, ip.parseIp(clientIp)) },
  };
}
