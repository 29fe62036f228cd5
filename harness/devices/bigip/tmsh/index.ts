// tmsh: BIG-IP units driven the way an operator drives a VE, with tmsh commands run on the unit
// through the provider's transport (`node(unit).exec(['tmsh', '-q', '-c', ...])`): over SSH to a
// real VE, or into a stand-in unit whose `tmsh` is the project's face (harness/devices/bigip/
// tmsh-face/), which accepts the same subset (harness/devices/bigip/tmsh/SUBSET.md).
//
// Configure: the scenario's BIG-IP spec as one transaction a unit (render-config.ts), every object
// named ol_<run>_<name>; teardown: one transaction that deletes those names, and nothing else.
// State: show cm failover-status, show net tunnels tunnel <t> all-properties (the MAC), list net
// tunnels tunnel <t>, show net fdb tunnel <t>, show net arp, list net self, list net vlan, parsed
// by tmsh-shape/ into the device-neutral unit state (the text kept as evidence). Failover: run sys
// failover standby on the active unit only, both units' status confirmed before and after.
// Reachability from a unit: its own `ping` (a VE's bash has iputils ping; fping it has not).
//
// Refused (exit 2, naming the field): configsync: true (iptunnel.configsync is a setting of the
// whole unit, not an object the run names and removes; the device never changes it) and a tunnel
// in traffic group `none` (not in the subset the stand-in's face honours, for the reason bigip-sim
// refuses it).
import PQueue from 'p-queue';
import type { Topology } from '../../../spec/topology.js';
import type { BigipDevice, BigipPair, BigipTransport, Unsupported } from '../types.js';
import { ping } from '../../../probes/ping.js';
import { simDevice } from '../sim/index.js';
import { runPrefix } from './names.js';
import { isStandIn, tmshPlanSteps } from './plan.js';
import { readTmshFailoverStatus, readTmshUnit } from './observe.js';
import { tmshFailover } from './failover.js';
import { tmshTeardown } from './teardown.js';
import { unitTargets } from './stand-in.js';

/** Pings from one unit at once (each is a command on the unit, over SSH to a VE). */
const REACH_CONCURRENCY = 4;

export const tmshDevice: BigipDevice = {
  kind: 'tmsh',
  describes: 'tmsh: units configured, read and failed over with tmsh over the provider\'s transport (a BIG-IP VE over SSH, or the stand-in\'s tmsh face); one transaction a unit, every object named ol_<run>_ (see harness/devices/bigip/tmsh/index.ts)',
  unsupported(b) {
    const out: Unsupported[] = [];
    if (b.configsync) {
      out.push({ pointer: '/bigip/configsync', message: 'true (iptunnel.configsync enabled) cannot be honoured by the BIG-IP device tmsh: it is a setting of the whole unit (sys db iptunnel.configsync), not an object the run names and removes at teardown, so the device never changes it; set configsync: false, as the field report does, and disable it on the units (modify sys db iptunnel.configsync value disable)' });
    }
    if (b.tunnel.trafficGroup === 'none') {
      out.push({ pointer: '/bigip/tunnel/trafficGroup', message: 'none cannot be honoured by the BIG-IP device tmsh: the tmsh it sends names traffic-group-local-only or traffic-group-1, the only groups its stand-in honours (the field report says a tunnel without a traffic group did not work and not why); use traffic-group-local-only (the field fix) or traffic-group-1' });
    }
    return out;
  },
  planSteps: tmshPlanSteps,
  // Stand-in units are hosts the testbed makes and wires, as bigip-sim's; a VE exists already.
  attachments: (topology) => {
    const standIn = new Set((topology.bigip?.units ?? []).filter(isStandIn).map((u) => u.name));
    return simDevice.attachments(topology).filter((a) => standIn.has(a.unit));
  },
  captureInterface: (unit) => simDevice.captureInterface(unit),
  sshTargets: unitTargets,
  open(topology: Topology, transport: BigipTransport): BigipPair {
    const b = topology.bigip!;
    const prefix = runPrefix(transport.runId);
    const node = (unit: string) => transport.node(unit);
    return {
      device: 'tmsh',
      observe: (unit) => readTmshUnit(node(unit), prefix, b.tunnel.name),
      failoverStatus: (unit) => readTmshFailoverStatus(node(unit)),
      failover: (from) => tmshFailover(b.units.map((u) => u.name), node, from),
      async reach(unit, targets) {
        const queue = new PQueue({ concurrency: REACH_CONCURRENCY });
        return Promise.all(targets.map((to) => queue.add(() => ping(node(unit), to))));
      },
      teardown: () => tmshTeardown(topology, prefix, node),
    };
  },
};
