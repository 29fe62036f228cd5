// What the flanneld agent writes and runs, as pure functions of the topology: flannel's network
// config at `<prefix>/config`, the nodes' podCIDRs as reservations (leases without a TTL, which
// flanneld takes by PublicIP), the units' leases (etcd mode's dummy Node), and the argv of etcd
// and of flanneld on each node. `{run}` in a path is the run id, filled in when the step runs.
import * as ipv4 from '../../../core/ipv4.js';
import type { Topology } from '../../../spec/topology.js';
import type { FlannelLease } from '../types.js';
import { encodeLease, subnetKey } from '../lease.js';

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;

/** Every run has its own prefix: two runs on one etcd (or one machine) never meet. */
export const etcdPrefix = (): string => '/overlab/{run}/network';
export const etcdDataDir = (): string => '/run/overlab/etcd/{run}';

/**
 * flannel's network config. SubnetMin/SubnetMax span the whole network: flanneld's default
 * SubnetMin skips the network's first subnet, and it deletes a reservation outside the range
 * (seed 000's master has 10.217.0.0/24). Backend MTU is the underlay interface's MTU: flanneld
 * gives the VTEP that minus 50, so it is set only when the scenario's overlay MTU is not the
 * underlay's minus 50.
 */
export function networkConfig(topology: Topology): string {
  const f = topology.flannel;
  const net = ipv4.parsePrefix(f.network);
  const len = subnetLength(topology);
  const last = ipv4.formatIp(ipv4.subnet(net, len, 2 ** (len - net.length) - 1).network);
  const backend: Record<string, unknown> = { Type: 'vxlan', VNI: f.vni, Port: f.port, Learning: f.learning };
  if (f.mtu !== topology.underlay.mtu - 50) backend.MTU = f.mtu + 50;
  return JSON.stringify({ Network: f.network, SubnetLen: len, SubnetMin: ipv4.formatIp(net.network), SubnetMax: last, Backend: backend });
}

/** flannel's SubnetLen: one length for every lease, nodes' and units' (preflight refuses a mix). */
export function subnetLength(topology: Topology): number {
  return ipv4.parsePrefix(topology.nodes[0]?.podCidr ?? '0.0.0.0/24').length;
}

/** Why flanneld cannot run this topology, if it cannot: its leases all have SubnetLen's length. */
export function subnetProblem(topology: Topology): string | undefined {
  const lengths = new Map<string, number>([...topology.nodes.map((n) => [n.name, ipv4.parsePrefix(n.podCidr).length] as const), ...(topology.bigip?.units ?? []).flatMap((u) => (u.flannelNode ? [[u.name, ipv4.parsePrefix(u.flannelNode.podCidr).length] as const] : []))]);
  const distinct = [...new Set(lengths.values())];
  if (distinct.length <= 1) return undefined;
  return `flanneld gives every node a subnet of one length (SubnetLen), and these podCIDRs differ: ${[...lengths].map(([h, l]) => `${h} /${l}`).join(', ')}; give every podCIDR (and flannelNode.podCidr) the same length, or use flannel.agent: emulated`;
}

/** A node's podCIDR as a reservation: no TTL, the node's underlay address; flanneld fills in BackendData. */
export function reservation(subnet: string, publicIp: string): { key: string; value: string } {
  return { key: `${etcdPrefix()}/subnets/${subnetKey(subnet)}`, value: JSON.stringify({ PublicIP: publicIp, BackendType: 'vxlan' }) };
}

/** A unit's lease: PublicIP its underlay self IP, VtepMAC its tunnel MAC (F5's dummy Node, etcd mode). */
export function unitLease(lease: FlannelLease): { key: string; value: string } {
  return { key: `${etcdPrefix()}/subnets/${subnetKey(lease.subnet)}`, value: encodeLease(lease) };
}

export function etcdArgv(etcd: string, ip: string): string[] {
  const client = `http://${ip}:${ETCD_CLIENT_PORT}`;
  const peer = `http://${ip}:${ETCD_PEER_PORT}`;
  return [
    etcd,
    '--name', 'overlab',
    '--data-dir', etcdDataDir(),
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `overlab=${peer}`,
    // A one-member registry on a local segment: it elects itself after one election timeout
    // (1 s by default, ~0.7 s of the boot), so the timeout is short; a small backend for a few keys.
    '--heartbeat-interval', '10',
    '--election-timeout', '100',
    '--quota-backend-bytes', String(64 * 1024 * 1024),
    '--logger', 'zap',
  ];
}

export const etcdEndpoint = (ip: string): string => `http://${ip}:${ETCD_CLIENT_PORT}`;

export function etcdctlArgv(etcdctl: string, ip: string, ...command: string[]): string[] {
  return [etcdctl, '--endpoints', etcdEndpoint(ip), '--dial-timeout', '2s', '--command-timeout', '3s', ...command];
}

/**
 * The readiness probe: a call that gives up fast. Started before etcd listens, a call sits in
 * gRPC's reconnect backoff (about a second) until its timeout, instead of the wait retrying every 20 ms.
 */
export function etcdHealthArgv(etcdctl: string, ip: string): string[] {
  return [etcdctl, '--endpoints', etcdEndpoint(ip), '--dial-timeout', '200ms', '--command-timeout', '200ms', 'endpoint', 'health'];
}

export function flanneldArgv(flanneld: string, etcdIp: string, iface: string, subnetFile: string): string[] {
  return [flanneld, `--etcd-endpoints=${etcdEndpoint(etcdIp)}`, `--etcd-prefix=${etcdPrefix()}`, `--iface=${iface}`, `--subnet-file=${subnetFile}`, '--ip-masq=false'];
}
