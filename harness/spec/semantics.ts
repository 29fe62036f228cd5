// Checks that need more than the schema: overlaps, duplicates, addresses inside their prefixes,
// and limits of the kernel (interface names fit 15 characters).
import type { ScenarioSpec } from './schema.js';
import * as ip from '../core/ipv4.js';
import { flannelDevice, resolveTopology } from './topology.js';
import { bigipDevice, bigipDeviceKinds } from '../devices/bigip/registry.js';
import { flannelAgentKinds } from '../overlay/flannel/registry.js';
import { checkResolved } from './resolved-checks.js';

export interface SemanticProblem {
  pointer: string;
  message: string;
}

const IFNAMSIZ = 15;
/** Hosts the harness makes itself: the underlay switch, the client, flanneld's etcd member. */
const RESERVED_HOSTS = ['underlay', 'client', 'etcd'];

export function checkSemantics(spec: ScenarioSpec): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });

  const underlay = ip.parsePrefix(spec.underlay.cidr);
  const network = ip.parsePrefix(spec.flannel.network);
  if (ip.hasHostBits(spec.underlay.cidr)) add('/underlay/cidr', `${spec.underlay.cidr} has host bits set; write the network address, ${ip.formatPrefix(underlay)}`);
  if (ip.hasHostBits(spec.flannel.network)) add('/flannel/network', `${spec.flannel.network} has host bits set; write the network address, ${ip.formatPrefix(network)}`);
  if (ip.overlaps(underlay, network)) add('/flannel/network', `${spec.flannel.network} overlaps the underlay ${spec.underlay.cidr}; choose disjoint prefixes`);
  if (underlay.length > 30) add('/underlay/cidr', `${spec.underlay.cidr} is too small for a testbed; use a /30 or larger prefix`);
  const device = flannelDevice(spec.flannel.vni);
  if (device.length > IFNAMSIZ) add('/flannel/vni', `the VTEP name ${device} is ${device.length} characters and Linux interface names fit ${IFNAMSIZ}; use a VNI below 10000000`);

  const agent = spec.flannel.agent;
  if (agent !== undefined && !flannelAgentKinds().includes(agent)) add('/flannel/agent', `unknown flannel agent "${agent}"; available: ${flannelAgentKinds().join(', ')}`);
  // A step that names a node must name one of the scenario's.
  const knownNode = (pointer: string, name: string) => {
    if (!spec.nodes.some((n) => n.name === name)) add(pointer, `no node "${name}"; nodes: ${spec.nodes.map((n) => n.name).join(', ')}`);
  };
  (spec.steps ?? []).forEach((step, i) => {
    if (typeof step === 'object' && 'delete-vtep' in step) knownNode(`/steps/${i}/delete-vtep/node`, step['delete-vtep'].node);
    if (typeof step === 'object' && 'exec' in step) {
      // Nodes and pods only: a unit is a device, reached through its own interface, never a shell.
      const [node, pod] = step.exec.host.split('.');
      const n = spec.nodes.find((x) => x.name === node);
      const podOk = pod === undefined || (Array.isArray(n?.pods) ? n.pods.some((p) => p.name === pod) : typeof n?.pods === 'number' && /^pod\d+$/.test(pod) && Number(pod.slice(3)) < n.pods);
      if (!n || !podOk) add(`/steps/${i}/exec/host`, `no node or pod "${step.exec.host}"; exec runs on a node (e.g. ${spec.nodes[0]?.name}) or a pod (node.pod)`);
    }
    if (typeof step === 'object' && 'node-leave' in step) {
      if (agent !== 'flanneld') add(`/steps/${i}/node-leave`, `deletes a lease from flanneld's etcd, so the scenario must say flannel.agent: flanneld (it says ${agent ?? 'nothing, and the default depends on the machine'})`);
      knownNode(`/steps/${i}/node-leave/node`, step['node-leave'].node);
    }
    if (typeof step === 'object' && 'bigip-tunnel-key' in step && !spec.bigip) add(`/steps/${i}/bigip-tunnel-key`, 'changes the BIG-IP units\' tunnel, and the scenario has no bigip section');
    if (typeof step === 'object' && 'bigip-forget-node' in step) {
      if (!spec.bigip) add(`/steps/${i}/bigip-forget-node`, 'removes a node from the BIG-IP units, and the scenario has no bigip section');
      knownNode(`/steps/${i}/bigip-forget-node/node`, step['bigip-forget-node'].node);
    }
    if (typeof step === 'object' && 'flannel-vni' in step && agent !== 'flanneld') {
      add(`/steps/${i}/flannel-vni`, `changes upstream flanneld's config, so the scenario must say flannel.agent: flanneld (it says ${agent ?? 'nothing, and the default depends on the machine'})`);
    }
    if (typeof step === 'object' && 'flannel-vni' in step && flannelDevice(step['flannel-vni'].vni).length > IFNAMSIZ) add(`/steps/${i}/flannel-vni/vni`, `${flannelDevice(step['flannel-vni'].vni)} is longer than ${IFNAMSIZ} characters; use a VNI below 10000000`);
    if (typeof step !== 'object' || !('restart-flanneld' in step)) return;
    // A fault of the daemon itself: only a run of upstream flanneld has one to restart.
    if (agent !== 'flanneld') add(`/steps/${i}/restart-flanneld`, `restarts upstream flanneld, so the scenario must say flannel.agent: flanneld (it says ${agent ?? 'nothing, and the default depends on the machine'})`);
    knownNode(`/steps/${i}/restart-flanneld/node`, step['restart-flanneld'].node);
  });

  const names = new Map<string, number>();
  spec.nodes.forEach((node, i) => {
    const first = names.get(node.name);
    if (first !== undefined) add(`/nodes/${i}/name`, `"${node.name}" is already the name of nodes[${first}]; node names must be unique`);
    else names.set(node.name, i);
    if (RESERVED_HOSTS.includes(node.name)) add(`/nodes/${i}/name`, `"${node.name}" is reserved for a host of the testbed itself (${RESERVED_HOSTS.join(', ')}); choose another name`);
    if (node.underlayIp) {
      const addr = ip.parseIp(node.underlayIp);
      if (!ip.contains(underlay, addr)) add(`/nodes/${i}/underlayIp`, `${node.underlayIp} is outside the underlay ${spec.underlay.cidr}`);
      else if (ip.isNetworkOrBroadcast(underlay, addr)) add(`/nodes/${i}/underlayIp`, `${node.underlayIp} is the network or broadcast address of ${spec.underlay.cidr}`);
    }
    if (node.podCidr) {
      const pc = ip.parsePrefix(node.podCidr);
      if (ip.hasHostBits(node.podCidr)) add(`/nodes/${i}/podCidr`, `${node.podCidr} has host bits set; write ${ip.formatPrefix(pc)}`);
      if (!ip.contains(network, pc.network) || pc.length < network.length) add(`/nodes/${i}/podCidr`, `${node.podCidr} is not inside flannel.network ${spec.flannel.network}`);
      if (pc.length > 29) add(`/nodes/${i}/podCidr`, `${node.podCidr} is too small: a podCIDR needs the .0 VTEP address, the .1 gateway and pod addresses; use /29 or larger`);
    } else if (network.length > 24 || i >= 2 ** (24 - network.length)) {
      add(`/nodes/${i}`, `no podCidr given and flannel.network ${spec.flannel.network} has no /24 number ${i} to assign; set podCidr or widen the network`);
    }
    if (Array.isArray(node.pods)) {
      const podNames = new Map<string, number>();
      node.pods.forEach((pod, j) => {
        const firstPod = podNames.get(pod.name);
        if (firstPod !== undefined) add(`/nodes/${i}/pods/${j}/name`, `"${pod.name}" is already the name of pods[${firstPod}] on this node; pod names must be unique per node`);
        else podNames.set(pod.name, j);
      });
    }
  });
  // Default addresses must fit (resolveTopology hands them out from .10 and .2 and would throw).
  const explicitUnderlay = new Set(spec.nodes.flatMap((n) => (n.underlayIp ? [ip.parseIp(n.underlayIp)] : [])));
  const implicitUnderlay = spec.nodes.filter((n) => !n.underlayIp).length;
  if (implicitUnderlay > freeFrom(underlay, 10, explicitUnderlay)) {
    add('/nodes', `${implicitUnderlay} node(s) without underlayIp get addresses from .10 of the underlay, and ${spec.underlay.cidr} has only ${freeFrom(underlay, 10, explicitUnderlay)} free there; set underlayIp or widen underlay.cidr`);
  }
  spec.nodes.forEach((node, i) => {
    const pc = node.podCidr ? ip.parsePrefix(node.podCidr) : network.length <= 24 && i < 2 ** (24 - network.length) ? ip.subnet(network, 24, i) : undefined;
    if (!pc || pc.length > 29 || node.pods === undefined) return;
    const explicitPods = new Set(Array.isArray(node.pods) ? node.pods.flatMap((p) => (p.ip ? [ip.parseIp(p.ip)] : [])) : []);
    const implicitPods = typeof node.pods === 'number' ? node.pods : node.pods.filter((p) => !p.ip).length;
    const free = freeFrom(pc, 2, explicitPods);
    if (implicitPods > free) add(`/nodes/${i}/pods`, `${implicitPods} pod(s) without an address and the podCIDR ${ip.formatPrefix(pc)} has only ${free} free (from .2, before the broadcast); use fewer pods or a larger podCidr`);
  });
  if (problems.length > 0) return problems; // the topology cannot be resolved reliably

  const topology = resolveTopology(spec);
  const underlayOwners = new Map<string, string>();
  topology.nodes.forEach((node, i) => {
    const owner = underlayOwners.get(node.underlayIp);
    if (owner) add(`/nodes/${i}/underlayIp`, `${node.underlayIp} is already the underlay address of ${owner}; underlay addresses must be unique`);
    underlayOwners.set(node.underlayIp, `node ${node.name}`);
    const pc = ip.parsePrefix(node.podCidr);
    topology.nodes.slice(0, i).forEach((other, j) => {
      if (ip.overlaps(pc, ip.parsePrefix(other.podCidr))) {
        add(`/nodes/${i}/podCidr`, `${node.podCidr} overlaps the podCIDR ${other.podCidr} of nodes[${j}] (${other.name}); each node needs its own podCIDR`);
      }
    });
    const podOwners = new Map<string, string>();
    for (const pod of node.pods) {
      const addr = ip.parseIp(pod.ip);
      if (!ip.contains(pc, addr)) add(pod.pointer, `pod ${pod.name} address ${pod.ip} is outside the node's podCIDR ${node.podCidr}`);
      else if (addr === pc.network || addr === ip.nth(pc, 1) || ip.isNetworkOrBroadcast(pc, addr)) {
        add(pod.pointer, `pod ${pod.name} address ${pod.ip} is reserved (.0 is the VTEP address, .1 the cni0 gateway, the last the broadcast)`);
      }
      const podOwner = podOwners.get(pod.ip);
      if (podOwner) add(pod.pointer, `pod ${pod.name} address ${pod.ip} is already used by pod ${podOwner}`);
      podOwners.set(pod.ip, pod.name);
    }
  });
  if (spec.bigip) checkBigip(spec, topology, add);
  checkResolved(spec, topology, add);
  return problems;
}

function checkBigip(spec: ScenarioSpec, topology: ReturnType<typeof resolveTopology>, add: (pointer: string, message: string) => void): void {
  const b = spec.bigip!;
  const underlay = ip.parsePrefix(spec.underlay.cidr);
  const external = ip.parsePrefix(b.external.cidr);
  const network = ip.parsePrefix(spec.flannel.network);
  if (ip.overlaps(external, underlay) || ip.overlaps(external, network)) add('/bigip/external/cidr', `${b.external.cidr} overlaps the underlay or the pod network; choose a disjoint prefix`);
  const taken = new Map(topology.nodes.map((n) => [n.underlayIp, `node ${n.name}`]));
  const hostNames = new Set([...topology.nodes.map((n) => n.name), ...RESERVED_HOSTS]);
  b.units.forEach((u, i) => {
    const at = `/bigip/units/${i}`;
    if (hostNames.has(u.name)) add(`${at}/name`, `"${u.name}" is already the name of a node (or reserved: ${RESERVED_HOSTS.join(', ')}); unit names must be unique`);
    hostNames.add(u.name);
    if (!ip.contains(underlay, ip.parseIp(u.underlaySelfIp))) add(`${at}/underlaySelfIp`, `${u.underlaySelfIp} is outside the underlay ${spec.underlay.cidr}`);
    const owner = taken.get(u.underlaySelfIp);
    if (owner) add(`${at}/underlaySelfIp`, `${u.underlaySelfIp} is already the underlay address of ${owner}`);
    taken.set(u.underlaySelfIp, `unit ${u.name}`);
    if (!ip.contains(external, ip.parseIp(u.externalSelfIp))) add(`${at}/externalSelfIp`, `${u.externalSelfIp} is outside the external VLAN ${b.external.cidr}`);
    const tunnelIp = ip.parseIp(u.tunnelSelfIp.split('/')[0] ?? '');
    if (!ip.contains(network, tunnelIp)) add(`${at}/tunnelSelfIp`, `${u.tunnelSelfIp} is outside flannel.network ${spec.flannel.network}`);
    if (topology.nodes.some((n) => ip.contains(ip.parsePrefix(n.podCidr), tunnelIp))) add(`${at}/tunnelSelfIp`, `${u.tunnelSelfIp} lies inside a node's podCIDR`);
    if (u.flannelNode) {
      const pc = ip.parsePrefix(u.flannelNode.podCidr);
      const clash = topology.nodes.find((n) => ip.overlaps(pc, ip.parsePrefix(n.podCidr)));
      if (clash) add(`${at}/flannelNode/podCidr`, `${u.flannelNode.podCidr} overlaps the podCIDR ${clash.podCidr} of node ${clash.name}`);
    }
  });
  if (!b.units.some((u) => u.name === b.ha.active)) add('/bigip/ha/active', `"${b.ha.active}" is not a unit; units: ${b.units.map((u) => u.name).join(', ')}`);
  b.virtualServers.forEach((vs, i) => {
    if (!ip.contains(external, ip.parseIp(vs.destination))) add(`/bigip/virtualServers/${i}/destination`, `${vs.destination} is outside the external VLAN ${b.external.cidr}`);
    vs.pool.forEach((ref, j) => {
      const [nodeName, podName] = ref.split('/');
      const node = topology.nodes.find((n) => n.name === nodeName);
      if (!node?.pods.some((p) => p.name === podName)) add(`/bigip/virtualServers/${i}/pool/${j}`, `no pod "${ref}"; pool members are node/pod names from nodes`);
    });
  });
  if (spec.client && !ip.contains(external, ip.parseIp(spec.client.ip))) add('/client/ip', `${spec.client.ip} is outside the external VLAN ${b.external.cidr}`);
  if (b.tunnel.localAddress === 'floating') {
    // BIG-IP itself requires this: a tunnel whose local-address floats belongs to the address's traffic group.
    if (!(b.floatingSelfIps ?? []).some((f) => f.vlan === 'underlay')) add('/bigip/tunnel/localAddress', 'floating needs a floating self IP on the underlay VLAN to be the local-address: add one to bigip.floatingSelfIps with vlan: underlay');
    if (b.tunnel.trafficGroup !== 'traffic-group-1') add('/bigip/tunnel/trafficGroup', `${b.tunnel.trafficGroup} cannot carry a floating local-address: a tunnel with localAddress floating must be in traffic-group-1`);
  }
  (b.floatingSelfIps ?? []).forEach((f, i) => {
    const addr = ip.parseIp(f.address.split('/')[0] ?? '');
    const within = f.vlan === 'underlay' ? underlay : f.vlan === 'external' ? external : network;
    if (!ip.contains(within, addr)) add(`/bigip/floatingSelfIps/${i}/address`, `${f.address} is outside the ${f.vlan} VLAN's prefix ${ip.formatPrefix(within)}`);
    const owner = taken.get(ip.formatIp(addr));
    if (owner) add(`/bigip/floatingSelfIps/${i}/address`, `${f.address} is already the underlay address of ${owner}`);
  });
  // What the device that realises the units cannot honour is refused here, before anything is created.
  const kind = b.device ?? 'sim';
  if (!bigipDeviceKinds().includes(kind)) add('/bigip/device', `unknown BIG-IP device "${kind}"; available: ${bigipDeviceKinds().join(', ')}`);
  else for (const u of bigipDevice(kind).unsupported(topology.bigip!)) add(u.pointer, u.message);
}

/** Host addresses of `p` from offset `first` up to the one before the broadcast, not in `taken`. */
function freeFrom(p: ip.Prefix, first: number, taken: ReadonlySet<number>): number {
  let free = 0;
  for (let offset = first; offset <= ip.size(p) - 2; offset++) if (!taken.has(ip.nth(p, offset))) free++;
  return free;
}
