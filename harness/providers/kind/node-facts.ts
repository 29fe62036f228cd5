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

/** An IPv4 address or a MAC, not part of a longer run of digits and dots (or hex digits and colons). */
const VALUE = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)|(?<![0-9a-fA-F:])[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?![0-9a-fA-F:])/g;

/**
 * Pure: every address and MAC in `text` that is a planned value becomes the cluster's, in one pass
 * (values may swap: a pod given another pod's planned address). Found inside any text, so an
 * `10.217.0.22/24`, a `10.217.0.22:80` or an nft set holds the cluster's value too; a longer
 * address that merely starts the same (10.217.0.2 in 10.217.0.22) is another value, left alone.
 */
export function translateText(text: string, facts: NodeFacts): string {
  if (facts.size === 0) return text;
  return text.replace(VALUE, (v) => facts.get(v.toLowerCase()) ?? v);
}

/** Pure: each word of each line translated (translateText). */
export function translateLines(lines: readonly IpLine[], facts: NodeFacts): IpLine[] {
  if (facts.size === 0) return [...lines];
  return lines.map((l) => l.map((tok) => translateText(tok, facts)));
}

/** Pure: where the CNI's IPAM put each scenario pod, as planned address → the pod's. */
export function podFacts(placed: readonly { planned?: string; podIP: string | null }[]): Map<string, string> {
  const facts = new Map<string, string>();
  for (const p of placed) if (p.planned && p.podIP && p.planned !== p.podIP) facts.set(p.planned, p.podIP);
  return facts;
}
