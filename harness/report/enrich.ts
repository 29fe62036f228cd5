// Adds to a report what the plan decided and the report's readers want to see (the underlay, the
// overlay, the BIG-IP tunnel and virtual servers, pod MTUs), so report.json alone is enough to
// draw the topology and judge MTUs when `overlab report` renders it again later.
import type { Topology } from '../spec/topology.js';
import type { RunReport } from './types.js';

export function enrichReport(report: RunReport, topology: Topology, description?: string): RunReport {
  const t = report.topology;
  t.underlay = { cidr: topology.underlay.cidr, mtu: topology.underlay.mtu };
  const f = topology.flannel;
  t.flannel = { network: f.network, vni: f.vni, port: f.port, device: f.device, learning: f.learning, bridged: f.bridged, mtu: f.mtu };
  for (const node of t.nodes) {
    const planned = topology.nodes.find((n) => n.name === node.name);
    for (const pod of node.pods ?? []) {
      const mtu = planned?.pods.find((p) => p.name === pod.name)?.mtu;
      if (mtu !== undefined) pod.mtu = mtu;
    }
  }
  const b = topology.bigip;
  if (b) {
    for (const unit of t.bigips) {
      const planned = b.units.find((u) => u.name === unit.name);
      if (planned) unit.externalIp = planned.externalIp;
    }
    t.tunnel = { name: b.tunnel.name, key: b.tunnel.key, mtu: b.tunnel.mtu, profile: b.profile.name, floodingType: b.profile.floodingType, localAddress: b.tunnel.localAddress, trafficGroup: b.tunnel.trafficGroup };
    t.floatingSelfIps = b.floatingSelfIps.map((f) => ({ address: f.address, vlan: f.vlan }));
    t.external = { cidr: b.external.cidr };
    t.client = { ip: b.client.ip };
    t.virtualServers = b.virtualServers.map((v) => ({ name: v.name, destination: v.destination, tcpPort: v.tcpPort, udpPort: v.udpPort, pool: v.pool.map((m) => `${m.node}/${m.pod}`) }));
  }
  if (description !== undefined && report.description === undefined) report.description = description;
  return report;
}
