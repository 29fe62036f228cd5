// The commands of the tmsh subset's contract (harness/devices/bigip/tmsh/SUBSET.md) for one unit of the
// failover scenario, as the driver sends them: the configure and teardown transactions, and the
// unit.json the harness writes. Shared by the face's unit and integration tests.
import type { UnitConfig } from '../../harness/devices/bigip/tmsh-face/unit.js';

export const PREFIX = 'ol_ab12_';

export interface ContractUnit {
  underlayIp: string;
  externalIp: string;
  tunnelSelfIp: string;
}

export const BIGIP1: ContractUnit = { underlayIp: '10.169.72.36', externalIp: '10.1.10.36', tunnelSelfIp: '10.217.31.36' };
export const BIGIP2: ContractUnit = { underlayIp: '10.169.72.38', externalIp: '10.1.10.38', tunnelSelfIp: '10.217.33.38' };

/** The configure transaction's commands (with a floating tunnel self IP and CIS static ARP, to cover them). */
export function configureCommands(u: ContractUnit, p = PREFIX): string[] {
  return [
    `create net vlan ${p}underlay interfaces add { 1.1 } mtu 1500`,
    `create net vlan ${p}external interfaces add { 1.2 } mtu 1500`,
    `create net self ${p}self_underlay address ${u.underlayIp}/16 vlan ${p}underlay traffic-group traffic-group-local-only allow-service default`,
    `create net self ${p}self_external address ${u.externalIp}/24 vlan ${p}external traffic-group traffic-group-local-only allow-service default`,
    `create net tunnels vxlan ${p}fl-vxlan port 8472 flooding-type multipoint`,
    `create net tunnels tunnel ${p}flannel_vxlan key 0 profile ${p}fl-vxlan local-address ${u.underlayIp} traffic-group traffic-group-local-only mtu 1450`,
    `create net self ${p}self_tunnel address ${u.tunnelSelfIp}/16 vlan ${p}flannel_vxlan traffic-group traffic-group-local-only allow-service none`,
    `create net self ${p}float_tunnel address 10.217.31.1/16 vlan ${p}flannel_vxlan traffic-group traffic-group-1 allow-service none`,
    `modify net fdb tunnel ${p}flannel_vxlan records add { 0a:58:0a:d9:00:01 { endpoint 10.169.72.127 } 0a:58:0a:d9:01:01 { endpoint 10.169.72.128 } }`,
    `create net arp ${p}arp_10.217.0.22 ip-address 10.217.0.22 mac-address 0a:58:0a:d9:00:01`,
    `create ltm pool ${p}pool_vs-nginx members add { 10.217.0.22:any 10.217.1.30:any }`,
    `create ltm virtual ${p}vs-nginx_tcp destination 10.1.10.100:80 ip-protocol tcp pool ${p}pool_vs-nginx source-address-translation { type automap }`,
    `create ltm virtual ${p}vs-nginx_udp destination 10.1.10.100:7 ip-protocol udp pool ${p}pool_vs-nginx source-address-translation { type automap }`,
  ];
}

export function teardownCommands(p = PREFIX): string[] {
  return [
    `delete ltm virtual ${p}vs-nginx_tcp`,
    `delete ltm virtual ${p}vs-nginx_udp`,
    `delete ltm pool ${p}pool_vs-nginx`,
    `delete net arp ${p}arp_10.217.0.22`,
    `modify net fdb tunnel ${p}flannel_vxlan records delete { all }`,
    `delete net self ${p}float_tunnel`,
    `delete net self ${p}self_tunnel`,
    `delete net tunnels tunnel ${p}flannel_vxlan`,
    `delete net tunnels vxlan ${p}fl-vxlan`,
    `delete net self ${p}self_underlay`,
    `delete net self ${p}self_external`,
    `delete net vlan ${p}underlay`,
    `delete net vlan ${p}external`,
  ];
}

/** Commands as one transaction, the way the driver sends them after -c. */
export const transaction = (commands: readonly string[]): string => ['create cli transaction', ...commands, 'submit cli transaction'].join('; ');

export function unitJson(unit: 'bigip1' | 'bigip2', initialStatus: UnitConfig['initialStatus']): UnitConfig {
  const peer = unit === 'bigip1' ? 'bigip2' : 'bigip1';
  const ha = (u: string) => (u === 'bigip1' ? '10.3.72.36' : '10.3.72.38');
  return {
    unit,
    peer: { unit: peer, haAddress: ha(peer) },
    haAddress: ha(unit),
    interfaces: { '1.1': 'eth0', '1.2': 'ext0' },
    tunnelMac: unit === 'bigip1' ? '02:0f:0a:a9:48:24' : '02:0f:0a:a9:48:26',
    initialStatus,
  };
}
