// What the units hold of each kind node, as the cluster has it rather than as the plan guessed:
// the plan's unit steps pre-seed a permanent neighbour for every node (its underlay address and
// NIC MAC) and, as CIS writes them, static FDB records toward every node's VTEP (VtepMAC and
// public IP). On kind a node's address and MAC on kind's network are Docker's and its VtepMAC is
// the one flanneld made and published on its Node object; so once the cluster is up, each of
// those three planned values is swapped for the cluster's in the units' ip and bridge lines.
// Pure functions: the facts from what Docker and the API said, and the swap of whole tokens.
import type { IpLine } from '../../devices/linux/commands.js';
import type { FlannelLease } from '../../overlay/flannel/types.js';
import type { NodeTopology } from '../../spec/topology.js';

/** One node's planned value → the cluster's, for each of the three the units record. */
export type NodeFacts = ReadonlyMap<string, string>;

/** Where Docker put a node on kind's network (cluster.ts records it in RUNDIR/kind/nodes.json). */
export interface NodeAttachment {
  node: string;
  ip: string | null;
  mac: string | null;
}

/**
 * Pure: planned → real for every node whose real values are known. A node's lease is found by
 * its podCIDR (the registry's key); a value that is not known (no lease yet) is left as planned,
 * and listed in `unknown` so the caller can say so.
 */
export function nodeFacts(nodes: readonly Pick<NodeTopology, 'name' | 'underlayIp' | 'underlayMac' | 'vtepMac' | 'podCidr'>[], attached: readonly NodeAttachment[], leases: readonly FlannelLease[]): { facts: NodeFacts; unknown: string[] } {
  const facts = new Map<string, string>();
  const unknown: string[] = [];
  for (const n of nodes) {
    const at = attached.find((a) => a.node === n.name);
    const lease = leases.find((l) => l.subnet === n.podCidr);
    if (at?.ip) facts.set(n.underlayIp, at.ip);
    else unknown.push(`${n.name}'s address on kind's network`);
    if (at?.mac) facts.set(n.underlayMac, at.mac.toLowerCase());
    else unknown.push(`${n.name}'s MAC on kind's network`);
    if (lease) facts.set(n.vtepMac, lease.vtepMac);
    else unknown.push(`${n.name}'s VtepMAC (its Node has no flannel annotations)`);
  }
  for (const [k, v] of [...facts]) if (k === v) facts.delete(k);
  return { facts, unknown };
}

/** Pure: each whole token that is a planned value replaced by the cluster's, in one pass (values may swap). */
export function translateLines(lines: readonly IpLine[], facts: NodeFacts): IpLine[] {
  if (facts.size === 0) return [...lines];
  return lines.map((l) => l.map((tok) => facts.get(tok) ?? tok));
}
