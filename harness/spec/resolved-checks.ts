// Problems only the resolved topology shows (defaults filled in): what `plan` used to accept and
// a run found only later, or worse, after seconds of traffic. Each is a spec error, found before
// anything is created. Reproductions may break the rules they reproduce (a VNI the units do not
// share): outside one, that is an error too. MTUs that do not fit (a pod's above its VTEP's, a
// VTEP's above the underlay's minus 50) are warnings instead (warnings.ts): a testbed that drops
// large packets still runs, and may be what the user wants to see.
import type { ScenarioSpec } from './schema.js';
import type { Topology } from './topology.js';
import * as ip from '../core/ipv4.js';

const multicast = (mac: string) => (parseInt(mac.slice(0, 2), 16) & 1) === 1;

export function checkResolved(spec: ScenarioSpec, topology: Topology, add: (pointer: string, message: string) => void): void {
  // Every MAC the testbed gives a device, once, and none a multicast (group) address.
  const macs = new Map<string, string>();
  const mac = (value: string, pointer: string, what: string) => {
    if (multicast(value)) add(pointer, `${what} ${value} is a multicast MAC (its first octet is odd); use a unicast one, e.g. 02:...`);
    const owner = macs.get(value);
    if (owner) add(pointer, `${what} ${value} is already ${owner}; every MAC of the testbed must be unique`);
    else macs.set(value, what);
  };
  topology.nodes.forEach((n) => {
    mac(n.vtepMac, `${n.pointer}/vtepMac`, `${n.name}'s VTEP MAC`);
    for (const p of n.pods) mac(p.mac, `${p.pointer}/mac`, `pod ${n.name}/${p.name}'s MAC`);
  });
  for (const u of topology.bigip?.units ?? []) mac(u.tunnelMac, `${u.pointer}/tunnelMac`, `${u.name}'s tunnel MAC`);

  if (!spec.reproduces) {
    const b = topology.bigip;
    if (b && b.tunnel.key !== topology.flannel.vni) add('/bigip/tunnel/key', `${b.tunnel.key} differs from flannel.vni ${topology.flannel.vni}: the units and the nodes would drop each other's frames; make them equal, or declare the scenario a reproduction (reproduces:)`);
  }

  const b = topology.bigip;
  if (b) {
    // A unit's flannel node podCIDR is a subnet of its own, not a node's.
    b.units.forEach((u) => {
      const own = u.flannelNode?.podCidr;
      if (!own) return;
      const p = ip.parsePrefix(own);
      for (const n of topology.nodes) if (ip.overlaps(p, ip.parsePrefix(n.podCidr))) add(`${u.pointer}/flannelNode/podCidr`, `${own} overlaps node ${n.name}'s podCIDR ${n.podCidr}; the unit's flannel node needs a subnet of its own`);
    });
    // Addresses on the external VLAN and the tunnel: each once.
    const owners = new Map<string, string>();
    const address = (value: string, pointer: string, what: string) => {
      const a = value.split('/')[0]!;
      const owner = owners.get(a);
      if (owner) add(pointer, `${a} (${what}) is already ${owner}; addresses must be unique`);
      else owners.set(a, what);
    };
    b.units.forEach((u) => {
      address(u.externalIp, `${u.pointer}/externalSelfIp`, `${u.name}'s external self IP`);
      address(u.tunnelSelfIp, `${u.pointer}/tunnelSelfIp`, `${u.name}'s tunnel self IP`);
    });
    b.virtualServers.forEach((v, i) => address(v.destination, `/bigip/virtualServers/${i}/destination`, `virtual server ${v.name}'s address`));
    b.floatingSelfIps.forEach((f, i) => address(f.address, `/bigip/floatingSelfIps/${i}/address`, 'a floating self IP'));
    if (spec.client) address(spec.client.ip, '/client/ip', 'the client');
  }

  // Extra captures must name a host the testbed has.
  const hosts = new Set([...topology.nodes.flatMap((n) => [n.name, ...n.pods.map((p) => `${n.name}.${p.name}`)]), ...(b?.units.map((u) => u.name) ?? []), ...(b ? ['client'] : [])]);
  (spec.capture?.extra ?? []).forEach((e, i) => {
    if (!hosts.has(e.host)) add(`/capture/extra/${i}/host`, `no host "${e.host}"; extra captures run on a node, a pod (node.pod), a unit or the client`);
  });
}
