// How many neighbour (ARP) entries a testbed makes the kernel hold at once. The kernel's IPv4
// neighbour table is one for every namespace and container (net.ipv4.neigh.default.gc_thresh3
// caps it, 1024 by default), so a 100-node x 10-pod testbed whose pods all talk to each other
// overflows it and loses replies between pods of one node. Counted generously from the topology.
import type { Topology } from '../spec/topology.js';

export function neighbourEntries(topology: Topology): number {
  const units = topology.bigip?.units ?? [];
  const underlayHosts = topology.nodes.length + units.length + 2; // + etcd's member and slack
  let total = 0;
  for (const node of topology.nodes) {
    const pods = node.pods.length;
    // Each pod: its gateway and every pod of its node (one L2 segment, cni0).
    total += pods * pods;
    // The node: its pods on cni0, its underlay peers, a VTEP neighbour per other flannel node.
    total += pods + underlayHosts + topology.nodes.length + units.length;
  }
  // Each unit: underlay peers, the pods it reaches over the tunnel, the external VLAN.
  const allPods = topology.nodes.reduce((n, node) => n + node.pods.length, 0);
  total += units.length * (underlayHosts + allPods + 4);
  return total + 4; // the client
}
