// The stand-in's configuration as plan steps: each unit's interfaces, tunnel and FDB records, the
// rule that a unit never forwards for a virtual address it does not hold, and traffic-group-1 on
// the unit the scenario makes active at boot. Pure: `overlab plan` prints these.
import type { BigipTopology, Topology } from '../../../spec/topology.js';
import type { PlanStep } from '../../../plan/types.js';
import { trafficGroupHeldIntent, trafficGroupRuleset, tunnelFollowsTrafficGroup, unitBaseRuleset, unitBootIntent, unitFdbIntent, unitFdbRecords } from './config.js';

export function simPlanSteps(topology: Topology): PlanStep[] {
  const b = topology.bigip;
  if (!b) return [];
  const steps: PlanStep[] = [];
  for (const unit of b.units) {
    steps.push({ id: `sysctl:${unit.name}`, phase: 'boot', title: `${unit.name}: forwarding on`, dependsOn: ['hosts'], action: { type: 'host-config', host: unit.name, intent: [{ kind: 'sysctl', settings: { 'net.ipv4.ip_forward': '1' } }] } });
    steps.push({
      id: `unit:${unit.name}`,
      phase: 'boot',
      title: `${unit.name}: self IPs ${unit.underlayIp}, ${unit.externalIp}, tunnel ${b.tunnel.name} key ${b.tunnel.key} self ${unit.tunnelSelfIp}`,
      dependsOn: ['wire'],
      action: { type: 'host-config', host: unit.name, intent: unitBootIntent(topology, unit) },
    });
    steps.push({
      id: `unit-fdb:${unit.name}`,
      phase: 'configure',
      title: `${unit.name}: ${fdbTitle(topology, b)}`,
      dependsOn: [`unit:${unit.name}`],
      action: { type: 'host-config', host: unit.name, intent: unitFdbIntent(topology) },
    });
    steps.push({ id: `unit-nft:${unit.name}`, phase: 'boot', title: `${unit.name}: never forward for a virtual address it does not hold`, dependsOn: ['hosts'], action: { type: 'host-config', host: unit.name, intent: [{ kind: 'nft-ruleset', ruleset: unitBaseRuleset(b) }] } });
  }
  const active = b.units.find((u) => u.name === b.active);
  if (active) {
    steps.push({
      id: `ha-active:${active.name}`,
      phase: 'configure',
      title: `${active.name}: active for traffic-group-1 (virtual servers, SNAT automap)`,
      dependsOn: [`unit:${active.name}`, `unit-nft:${active.name}`],
      action: { type: 'host-config', host: active.name, intent: [{ kind: 'nft-ruleset', ruleset: trafficGroupRuleset(b, active) }] },
    });
    steps.push({
      id: `ha-addrs:${active.name}`,
      phase: 'configure',
      title: `${active.name}: traffic-group-1 addresses${tunnelFollowsTrafficGroup(b) ? ` and tunnel ${b.tunnel.name}` : ''}`,
      dependsOn: [`unit:${active.name}`],
      action: { type: 'host-config', host: active.name, intent: trafficGroupHeldIntent(b) },
    });
  }
  return steps;
}

function fdbTitle(topology: Topology, b: BigipTopology): string {
  const records = unitFdbRecords(topology);
  if (b.profile.floodingType === 'none') return `no flooding${records.length ? `, ${records.length} static FDB records for node VTEPs` : ''}`;
  return records.length ? `multipoint flooding to the ${records.length} node VTEPs of its static FDB records` : 'multipoint flooding, but no FDB record: it knows no VTEP to flood to';
}
