// The tmsh device's plan steps: each unit's configure transaction as one command on the unit (the
// provider's transport runs it: over SSH to a VE, or into a stand-in unit), then each unit asked
// whether it is what the scenario says (bigip.ha.active ACTIVE, its peer STANDBY): a VE pair is
// the way it is, and configure cannot make it so. `overlab plan` prints the tmsh they send, with
// the run's prefix as ol_RUN_.
import type { PlanStep } from '../../../plan/types.js';
import type { Topology, UnitTopology } from '../../../spec/topology.js';
import { TMSH_COMMANDS } from '../tmsh-shape/render.js';
import { PLAN_PREFIX } from './names.js';
import { renderConfig, tmshArgv } from './render-config.js';
import { standInSteps } from './stand-in.js';

/** A unit the testbed makes (the stand-in), as opposed to one that exists and is reached over SSH. */
export const isStandIn = (u: UnitTopology): boolean => u.ssh === undefined;

const HA_CHECK_TIMEOUT_MS = 5000;

export function tmshPlanSteps(topology: Topology): PlanStep[] {
  const b = topology.bigip;
  if (!b) return [];
  const steps: PlanStep[] = [...standInSteps(topology)];
  for (const { unit: name, configure } of renderConfig(topology, PLAN_PREFIX)) {
    const unit = b.units.find((u) => u.name === name)!;
    const records = b.staticFdb ? topology.nodes.length : 0;
    steps.push({
      id: `unit-tmsh:${name}`,
      phase: 'configure',
      title: `${name}: one tmsh transaction: self IPs ${unit.underlayIp}, ${unit.externalIp}, tunnel ${b.tunnel.name} key ${b.tunnel.key} self ${unit.tunnelSelfIp}, ${records} FDB records, ${b.virtualServers.map((v) => `${v.name} ${v.destination}`).join(', ')}`,
      // A stand-in unit is configured once it answers over SSH; a VE already does.
      dependsOn: isStandIn(unit) ? [`unit-ssh-ready:${name}`] : [],
      action: { type: 'exec', host: name, commands: [configure.argv] },
    });
  }
  for (const unit of b.units) {
    const want = unit.name === b.active ? 'ACTIVE' : 'STANDBY';
    steps.push({
      id: `unit-ha:${unit.name}`,
      phase: 'configure',
      title: `${unit.name}: says ${want} (bigip.ha.active: ${b.active})`,
      dependsOn: [`unit-tmsh:${unit.name}`],
      action: {
        type: 'wait-command',
        host: unit.name,
        argv: tmshArgv([TMSH_COMMANDS.failoverStatus]),
        what: `${unit.name} to say ${want} in show cm failover-status, as bigip.ha.active says (fail the pair over, or change bigip.ha.active)`,
        timeoutMs: HA_CHECK_TIMEOUT_MS,
        expect: `^\\s*Status\\s+${want}\\s*$`,
      },
    });
  }
  return steps;
}
