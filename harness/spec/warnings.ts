// Warnings, not errors: a scenario whose MTUs do not fit still boots and runs, its large packets
// dropped where they do not fit (which may be what the user wants to see). Outside a
// reproduction `plan` and every run print them on stderr and a run records them in report.json
// (`warnings`); a reproduction breaks such rules on purpose, and gets none.
import type { ScenarioSpec } from './schema.js';
import { resolveTopology } from './topology.js';
import { pointerToField } from './yaml-file.js';

/** VXLAN over IPv4: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8. */
const VXLAN_OVERHEAD = 50;

/** Each warning as `<field>: <what and the fix>`. */
export function specWarnings(spec: ScenarioSpec): string[] {
  if (spec.reproduces) return [];
  const topology = resolveTopology(spec);
  const out: string[] = [];
  const f = topology.flannel;
  // Pods cannot send more than their VTEP carries.
  for (const n of topology.nodes) {
    for (const p of n.pods) {
      if (p.mtu > f.mtu) out.push(`${pointerToField(`${p.pointer}/mtu`)}: pod ${n.name}/${p.name}'s MTU ${p.mtu} is above the overlay's ${f.mtu} (flannel.mtu): its large packets will be dropped; use ${f.mtu} or less, or declare the scenario a reproduction (reproduces:) if that is the bug`);
    }
  }
  const most = topology.underlay.mtu - VXLAN_OVERHEAD;
  if (f.mtu > most) out.push(`flannel.mtu: ${f.mtu} is above what the underlay carries (${topology.underlay.mtu} - ${VXLAN_OVERHEAD} = ${most}): encapsulated frames will be dropped; use ${most}, or declare the scenario a reproduction (reproduces:) if that is the bug`);
  return out;
}

/** Printed as a run or a plan starts. */
export const printWarnings = (scenario: string, warnings: readonly string[]): void => {
  for (const w of warnings) process.stderr.write(`overlab: warning: ${scenario}: ${w}\n`);
};
