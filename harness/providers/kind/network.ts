// kind's Docker network, and the scenario's underlay fitted to it. kind puts every node container
// on one bridge network (`kind`, or the name in KIND_EXPERIMENTAL_DOCKER_NETWORK), made with an
// IPv6 ULA subnet only: its IPv4 subnet is whatever Docker's address pools gave it (172.18.0.0/16
// on a typical machine), and Docker hands the node containers their addresses, lowest free first.
// The units and the client join that network, so the plan's underlay must be kind's subnet:
// the nodes get the addresses Docker will likely give them (recorded once the cluster is up,
// never assumed), the units' self IPs the highest free ones, far from Docker's next allocations.
// Reading the network is one inspect; fitting the scenario to it is a pure function (unit-tested).
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import * as ipv4 from '../../core/ipv4.js';
import type { ScenarioSpec } from '../../spec/schema.js';

/** kind's default network name, and the variable kind reads for another one. */
export const KIND_NETWORK = 'kind';
export const KIND_NETWORK_ENV = 'KIND_EXPERIMENTAL_DOCKER_NETWORK';

export const kindNetworkName = (env: NodeJS.ProcessEnv = process.env): string => env[KIND_NETWORK_ENV] || KIND_NETWORK;

/** What the plan must fit: the network's IPv4 subnet, its gateway (the host's bridge) and the addresses taken. */
export interface KindNetwork {
  name: string;
  subnet: string;
  gateway: string;
  mtu: number;
  /** IPv4 addresses of the containers already on it (another cluster's nodes, say). */
  taken: string[];
}

/** The network as `docker network inspect` says (the fields read). */
export interface NetworkInspect {
  Name: string;
  Driver?: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
  Options?: Record<string, string>;
  Containers?: Record<string, { Name?: string; IPv4Address?: string }>;
}

/** Pure: the inspect's IPv4 part, or a HarnessError saying what is wrong with the network. */
export function kindNetworkOf(n: NetworkInspect): KindNetwork {
  if (n.Driver && n.Driver !== 'bridge') throw new HarnessError(`Docker network ${n.Name} is a ${n.Driver} network; kind's is a bridge network (remove it, and kind makes its own)`);
  const v4 = (n.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
  if (!v4?.Subnet) throw new HarnessError(`Docker network ${n.Name} has no IPv4 subnet: the units and the client need one beside kind's nodes (remove the network, and kind makes one with Docker's default pools)`);
  const p = ipv4.parsePrefix(v4.Subnet);
  const gateway = v4.Gateway ? v4.Gateway.replace(/\/\d+$/, '') : ipv4.formatIp(ipv4.nth(p, 1));
  const taken = Object.values(n.Containers ?? {}).flatMap((c) => (c.IPv4Address ? [c.IPv4Address.replace(/\/\d+$/, '')] : []));
  return { name: n.Name, subnet: ipv4.formatPrefix(p), gateway, mtu: Number(n.Options?.['com.docker.network.driver.mtu'] ?? 1500), taken };
}

/** kind's network as the engine has it now, or undefined when there is none yet (kind makes it). */
export async function readKindNetwork(docker: Docker, name = kindNetworkName()): Promise<KindNetwork | undefined> {
  let inspect: NetworkInspect;
  try {
    inspect = (await docker.getNetwork(name).inspect()) as NetworkInspect;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw new HarnessError(`cannot read kind's Docker network ${name}: ${(e as Error).message}`, {}, { cause: e });
  }
  return kindNetworkOf(inspect);
}

/**
 * kind's network made as kind makes it (kind's own network.go: a bridge with masquerading, MTU
 * 1500 and the ULA subnet it uses for its default network, IPv4 left to Docker's pools), for a
 * run that must fit its plan to it before kind ever ran here. `kind create cluster` then finds
 * and uses it, and it stays after the run as it stays after `kind delete cluster`: it is kind's.
 */
export async function createKindNetwork(docker: Docker, name = kindNetworkName()): Promise<void> {
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    EnableIPv6: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: KIND_ULA_SUBNET }] },
    Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.driver.mtu': '1500' },
  });
}

/** The IPv6 subnet kind gives its default network. */
export const KIND_ULA_SUBNET = 'fc00:f853:ccd:e793::/64';

/** How each planned underlay address moved: the plan and the report say it. */
export interface FittedUnderlay {
  spec: ScenarioSpec;
  moved: { what: string; from: string; to: string }[];
}

/**
 * Pure: the scenario with its underlay on kind's network. The nodes take the lowest free
 * addresses after the gateway, in the scenario's order: those Docker hands out next, though kind
 * creates its node containers concurrently, so which node gets which is Docker's; the cluster's
 * own Node objects are what the checks read, and cluster.ts records where each node really is
 * (RUNDIR/kind/nodes.json) and says so when it differs.
 * The units' underlay self IPs and the underlay's floating self IPs take the highest free ones,
 * which Docker reaches last. Every other address (pods, tunnel and external VLAN) is the
 * scenario's own and stays. When nothing fits, a HarnessError says so.
 */
export function fitUnderlayToKind(spec: ScenarioSpec, net: KindNetwork): FittedUnderlay {
  const p = ipv4.parsePrefix(net.subnet);
  const used = new Set([net.gateway, ...net.taken]);
  const moved: FittedUnderlay['moved'] = [];
  const hosts = ipv4.size(p) - 2;
  let low = 1;
  let high = hosts;
  const next = (from: 'low' | 'high', what: string): string => {
    for (; low <= high; from === 'low' ? low++ : high--) {
      const candidate = ipv4.formatIp(ipv4.nth(p, from === 'low' ? low : high));
      if (used.has(candidate)) continue;
      used.add(candidate);
      return candidate;
    }
    throw new HarnessError(`kind's Docker network ${net.name} (${net.subnet}) has no free address left for ${what}`);
  };
  const nodes = spec.nodes.map((n) => {
    const to = next('low', `node ${n.name}`);
    moved.push({ what: `node ${n.name}`, from: n.underlayIp ?? '(next free)', to });
    return { ...n, underlayIp: to };
  });
  const bigip = spec.bigip && {
    ...spec.bigip,
    units: spec.bigip.units.map((u) => {
      const to = next('high', `unit ${u.name}`);
      moved.push({ what: `unit ${u.name} underlay self IP`, from: u.underlaySelfIp, to });
      return { ...u, underlaySelfIp: to };
    }),
    floatingSelfIps: spec.bigip.floatingSelfIps?.map((f) => {
      if (f.vlan !== 'underlay') return f;
      const to = `${next('high', `floating self IP ${f.address}`)}/${p.length}`;
      moved.push({ what: 'floating underlay self IP', from: f.address, to });
      return { ...f, address: to };
    }),
  };
  const fitted: ScenarioSpec = { ...spec, underlay: { ...spec.underlay, cidr: net.subnet, mtu: net.mtu }, nodes, ...(bigip ? { bigip } : {}) };
  return { spec: fitted, moved };
}
