// flannel's kube subnet manager reads a node's lease from the Node object itself (flannel
// pkg/subnet/kube nodeToLease): the podCIDR, and the annotations flannel.alpha.coreos.com/
// public-ip, backend-type and backend-data ({"VNI":..,"VtepMAC":..}). A pure function from a
// Node as the API returns it to the registry's lease, so a kind cluster's nodes (and the units'
// dummy Nodes) are read back in the same shape as the etcd leases of the other agents.
import { HarnessError } from '../../../core/errors.js';
import type { FlannelLease } from '../types.js';

export const FLANNEL_ANNOTATION = 'flannel.alpha.coreos.com';

/** The fields of a Node this reads (a V1Node of @kubernetes/client-node fits). */
export interface NodeLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

/** The node's lease, or undefined for a node flannel has not annotated yet (it knows none for it either). */
export function leaseOfNode(n: NodeLike): FlannelLease | undefined {
  const a = n.metadata?.annotations ?? {};
  const publicIp = a[`${FLANNEL_ANNOTATION}/public-ip`];
  const data = a[`${FLANNEL_ANNOTATION}/backend-data`];
  const subnet = n.spec?.podCIDRs?.find((c) => c.includes('.')) ?? n.spec?.podCIDR;
  if (!publicIp || !data || !subnet) return undefined;
  let backend: { VNI?: unknown; VtepMAC?: unknown };
  try {
    backend = JSON.parse(data) as typeof backend;
  } catch (e) {
    throw new HarnessError(`node ${n.metadata?.name}: ${FLANNEL_ANNOTATION}/backend-data is not JSON: ${data.slice(0, 200)}`, {}, { cause: e });
  }
  if (typeof backend.VtepMAC !== 'string') throw new HarnessError(`node ${n.metadata?.name}: ${FLANNEL_ANNOTATION}/backend-data has no VtepMAC: ${data.slice(0, 200)}`);
  return {
    subnet,
    publicIp,
    backendType: a[`${FLANNEL_ANNOTATION}/backend-type`] ?? '',
    // flannel's vxlan lease attributes: a VNI left out is 0 (Go's zero value).
    vni: typeof backend.VNI === 'number' ? backend.VNI : 0,
    vtepMac: backend.VtepMAC.toLowerCase(),
  };
}
