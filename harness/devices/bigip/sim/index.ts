// bigip-sim: the one declared stand-in. A Linux network namespace (or container) per unit that
// realises the scenario's BIG-IP spec with kernel devices, behind the same BigipDevice interface
// as a real VE, so the same scenario and the same checks run on both.
//
// Reproduced: the VXLAN tunnel (key as VNI, the profile's port, learning on, so the unit learns
// pod MAC -> node VTEP from the pods' replies like `Dynamic yes`); local-address `self` (the
// unit's non-floating underlay self IP) or `floating` (traffic-group-1's floating underlay self
// IP: it moves with the group, and only the unit holding it can send from it); the tunnel's
// traffic group (traffic-group-local-only: up on both units; traffic-group-1: up on the active
// unit only, moved at failover); multipoint flooding to the VTEPs of the unit's FDB records (a
// unit with no record floods nowhere, as BIG-IP); static FDB records (`Dynamic no`) as CIS writes
// them; CIS static pod ARP; non-floating and floating self IPs; a virtual server with SNAT
// automap (nftables DNAT to the pool, round robin, SNAT to the floating tunnel self IP when there
// is one, else the unit's own); HA: only the active unit holds traffic-group-1 and forwards for
// it, its failover status is whether it does, and failover moves the group and announces its
// addresses with gratuitous ARP. At runtime: the tunnel's key changed (the device made again with
// everything else it had, tunnel-key.ts) and CIS forgetting a node that left (forget-node.ts).
//
// Not reproduced, and refused when a scenario asks for it (exit 2): iptunnel.configsync enabled
// (nothing syncs between the stand-in's units) and a tunnel in traffic group `none` (the field
// report says it did not work and does not say why, so there is nothing faithful to model).
// Not reproduced, and not part of any scenario: MAC masquerade, the HA heartbeat (failover is
// commanded, never detected), connection mirroring, persistence and health monitors, TMM's own
// ARP/FDB ageing timers, route domains other than 0.
import type { Topology } from '../../../spec/topology.js';
import type { BigipDevice, BigipPair, BigipTransport, UnitAttachment, Unsupported } from '../types.js';
import { simPlanSteps } from './plan.js';
import { readSimFailoverStatus, readSimUnit } from './observe.js';
import { simFailover } from './failover.js';
import { simSetTunnelKey, withTunnelKey } from './tunnel-key.js';
import { simForgetNode, withoutNode } from './forget-node.js';
import { renderUnitTmsh } from '../tmsh-shape/render.js';
import { UNIT_EXTERNAL_IF, UNIT_UNDERLAY_IF } from './config.js';
import { pingMany } from '../../../probes/ping.js';

export const simDevice: BigipDevice = {
  kind: 'sim',
  describes: 'bigip-sim, the Linux stand-in: kernel VXLAN, FDB, ARP, nftables virtual servers and a commanded HA failover (see harness/devices/bigip/sim/index.ts)',
  unsupported(b) {
    const out: Unsupported[] = [];
    if (b.configsync) out.push({ pointer: '/bigip/configsync', message: 'true (iptunnel.configsync enabled) cannot be honoured by the BIG-IP device sim (the Linux stand-in): its units share no configuration; set it to false, as the field report does, or use a real BIG-IP VE' });
    if (b.tunnel.trafficGroup === 'none') {
      out.push({ pointer: '/bigip/tunnel/trafficGroup', message: 'none cannot be honoured by the BIG-IP device sim (the Linux stand-in): the field report says a tunnel without a traffic group did not work and not why, so the stand-in has no faithful model of it; use traffic-group-local-only (the field fix) or traffic-group-1, or a real BIG-IP VE' });
    }
    return out;
  },
  planSteps: simPlanSteps,
  attachments: (topology) =>
    topology.bigip!.units.flatMap((u): UnitAttachment[] => [
      { unit: u.name, segment: 'underlay', ifname: UNIT_UNDERLAY_IF, mac: u.underlayMac, ip: u.underlayIp },
      { unit: u.name, segment: 'external', ifname: UNIT_EXTERNAL_IF, mac: u.externalMac, ip: u.externalIp },
    ]),
  captureInterface: () => UNIT_UNDERLAY_IF,
  open(topology: Topology, transport: BigipTransport): BigipPair {
    // The units' configuration as the run has changed it since the boot (a new tunnel key, a
    // node CIS forgot): what the next change starts from and what a failover takes.
    let config = topology;
    const b = () => config.bigip!;
    return {
      device: 'sim',
      async observe(unit) {
        const state = await readSimUnit(transport.node(unit), b());
        return { state, tmsh: renderUnitTmsh(state) };
      },
      failoverStatus: (unit) => readSimFailoverStatus(transport.node(unit)),
      failover: (from) => simFailover(transport, b(), from),
      reach: (unit, targets) => pingMany(transport.node(unit), targets),
      async setTunnelKey(key) {
        config = withTunnelKey(config, key);
        await simSetTunnelKey(transport, config);
      },
      async forgetNode(node) {
        const before = config;
        config = withoutNode(config, node);
        await simForgetNode(transport, before, config);
      },
      // Everything the stand-in configured lives in hosts the provider created and removes.
      teardown: async () => [],
    };
  },
};
