// The emulated agent: the harness plays flanneld. Its registry is a directory of etcd-shaped
// leases in the run directory (`flannel/subnets/<net>-<len>`, flannel's own key and value), written
// before any node is programmed; each node is then programmed from those leases as flanneld's
// vxlan backend would, and `listNodes` reads the directory back for the checks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Topology } from '../../../spec/topology.js';
import type { PlanStep } from '../../../plan/types.js';
import type { FlannelAgent, FlannelLease } from '../types.js';
import { decodeLease, encodeLease, subnetKey } from '../lease.js';
import { nodeLeases, programIntent, unitLeases } from './program.js';

export const REGISTRY_DIR = 'flannel/subnets';

const files = (leases: readonly FlannelLease[]) => leases.map((l) => ({ path: `${REGISTRY_DIR}/${subnetKey(l.subnet)}`, content: encodeLease(l) + '\n' }));

function planSteps(topology: Topology): PlanStep[] {
  const f = topology.flannel;
  const nodes = nodeLeases(topology);
  const units = unitLeases(topology);
  const leases = [...nodes, ...units];
  const steps: PlanStep[] = [
    { id: 'flannel-registry', phase: 'boot', title: `flannel registry (emulated etcd): ${nodes.length} node leases`, dependsOn: [], action: { type: 'write-files', files: files(nodes) } },
  ];
  if (units.length > 0) {
    steps.push({ id: 'flannel-units', phase: 'boot', title: `register ${topology.bigip!.units.filter((u) => u.flannelNode).map((u) => u.name).join(', ')} as flannel nodes`, dependsOn: ['flannel-registry'], action: { type: 'write-files', files: files(units) } });
  }
  const registry = units.length > 0 ? ['flannel-registry', 'flannel-units'] : ['flannel-registry'];
  for (const node of topology.nodes) {
    const intent = programIntent(node.podCidr, leases, f.device);
    steps.push({
      id: `flannel:${node.name}`,
      phase: 'configure',
      title: `${node.name}: flannel routes and neighbours for ${leases.length - 1} peers`,
      dependsOn: [`node:${node.name}`, ...registry],
      action: { type: 'host-config', host: node.name, intent: intent.routes },
    });
    steps.push({
      id: `flannel-fdb:${node.name}`,
      phase: 'configure',
      title: `${node.name}: flannel FDB for ${leases.length - 1} peers`,
      dependsOn: [`node:${node.name}`, ...registry],
      action: { type: 'host-config', host: node.name, intent: intent.fdb },
    });
  }
  return steps;
}

async function listNodes(ctx: { runDir: string }): Promise<FlannelLease[]> {
  const dir = join(ctx.runDir, REGISTRY_DIR);
  let keys: string[];
  try {
    keys = readdirSync(dir).sort();
  } catch {
    return []; // no registry written: the agent knows no node
  }
  return keys.map((k) => decodeLease(`${REGISTRY_DIR}/${k}`, readFileSync(join(dir, k), 'utf8')));
}

export const emulatedAgent: FlannelAgent = { kind: 'emulated', nodeMounts: () => [], hosts: () => [], planSteps, listNodes, missing: () => [] };
