// A node's VTEP as the faults see it: its MAC, and putting a device that was made again back into
// cni0 with IPv6 address generation off (the field report's step, which an operator repeats after
// any recreation), through the Linux device's rendering.
import type { NodeHandle } from '../../providers/types.js';
import type { Topology } from '../../spec/topology.js';
import type { LinuxIntent } from '../../devices/linux/intent.js';
import { applyIntent } from '../../devices/linux/apply.js';
import { CNI_BRIDGE } from '../../plan/plan.js';

export async function vtepMac(host: NodeHandle, device: string): Promise<string | undefined> {
  const r = await host.exec(['ip', '-j', 'link', 'show', 'dev', device], { allowFailure: true });
  return r.exitCode === 0 ? (JSON.parse(r.stdout || '[]') as { address?: string }[])[0]?.address : undefined;
}

/** `device`: the VTEP flanneld made (flannel.<VNI> of the VNI it now runs with). */
export async function reattachVtep(host: NodeHandle, topology: Topology, device = topology.flannel.device): Promise<void> {
  const f = topology.flannel;
  const intent: LinuxIntent[] = [...(f.ipv6 ? [] : [{ kind: 'ipv6-addrgen-off', dev: device } as const]), ...(f.bridged ? [{ kind: 'master', dev: device, master: CNI_BRIDGE } as const] : [])];
  await applyIntent(host, intent);
}
