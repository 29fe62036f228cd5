// Checks that need more than the schema: overlaps, duplicates, addresses inside their prefixes,
// and limits of the kernel (interface names fit 15 characters).
import type { ScenarioSpec } from './schema.js';
import * as ip from '../core/ipv4.js';
import { resolveTopology } from './topology.js';

export interface SemanticProblem {
  pointer: string;
  message: string;
}

const IFNAMSIZ = 15;

export function checkSemantics(spec: ScenarioSpec): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });

  const underlay = ip.parsePrefix(spec.underlay.cidr);
  const network = ip.parsePrefix(spec.flannel.network);
  if (ip.hasHostBits(spec.underlay.cidr)) add('/underlay/cidr', `${spec.underlay.cidr} has host bits set; write the network address, ${ip.formatPrefix(underlay)}`);
  if (ip.hasHostBits(spec.flannel.network)) add('/flannel/network', `${spec.flannel.network} has host bits set; write the network address, ${ip.formatPrefix(network)}`);
  if (ip.overlaps(underlay, network)) add('/flannel/network', `${spec.flannel.network} overlaps the underlay ${spec.underlay.cidr}; choose disjoint prefixes`);
  if (underlay.length > 30) add('/underlay/cidr', `${spec.underlay.cidr} is too small for a testbed; use a /30 or larger prefix`);
  const device = `flannel.${spec.flannel.vni}`;
  if (device.length > IFNAMSIZ) add('/flannel/vni', `the VTEP name ${device} is ${device.length} characters and Linux interface names fit ${IFNAMSIZ}; use a VNI below 10000000`);

  const names = new Map<string, number>();
  spec.nodes.forEach((node, i) => {
    const first = names.get(node.name);
    if (first !== undefined) add(`/nodes/${i}/name`, `"${node.name}" is already the name of nodes[${first}]; node names must be unique`);
    else names.set(node.name, i);
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
  return problems;
}
