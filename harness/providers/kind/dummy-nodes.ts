// F5's "dummy Node" for each BIG-IP unit (CIS's flannel integration): a Node object no kubelet
// runs, whose podCIDR and flannel annotations make kube-flannel on every real node program the
// unit as one of its peers (route via <subnet>.0 onlink, permanent neighbour with the VtepMAC,
// permanent FDB entry toward the public-ip): the pods' reply path to the units (design.md §1).
// The same facts the flanneld agent writes as a unit's lease in etcd mode, in kube mode's words.
import type { BigipTopology } from '../../spec/topology.js';
import { FLANNEL_ANNOTATION } from '../../overlay/flannel/kube-flannel/lease.js';
import type { KubeObject } from './flannel-patch.js';

/** The units registered as flannel nodes (those with flannelNode), as Node objects. */
export function dummyNodes(bigip: Pick<BigipTopology, 'units' | 'tunnel'> | undefined, runId: string): KubeObject[] {
  return (bigip?.units ?? []).flatMap((u): KubeObject[] =>
    u.flannelNode
      ? [
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: {
              name: u.name,
              labels: { 'overlab.run': runId, 'overlab.unit': u.name },
              annotations: {
                [`${FLANNEL_ANNOTATION}/public-ip`]: u.underlayIp,
                // The unit's tunnel key is the VNI it speaks; flannel reads the VtepMAC.
                [`${FLANNEL_ANNOTATION}/backend-data`]: JSON.stringify({ VNI: bigip!.tunnel.key, VtepMAC: u.tunnelMac }),
                [`${FLANNEL_ANNOTATION}/backend-type`]: 'vxlan',
                [`${FLANNEL_ANNOTATION}/kube-subnet-manager`]: 'true',
              },
            },
            spec: { podCIDR: u.flannelNode.podCidr, podCIDRs: [u.flannelNode.podCidr] },
          },
        ]
      : [],
  );
}
