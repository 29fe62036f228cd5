// The failover scenario as a kind cluster made it, shared by the kind unit tests: the plan fitted
// to a kind network (test/fixtures/kind/network-inspect.kind.json), Docker having given the two
// nodes each other's guessed address (kind makes them concurrently), their MACs Docker's, and
// their VtepMACs those flanneld published on the Node objects (test/fixtures/kind/nodes.list.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenarioFile } from '../../harness/spec/load.js';
import { planScenario } from '../../harness/plan/plan.js';
import { fitUnderlayToKind, kindNetworkOf, type NetworkInspect } from '../../harness/providers/kind/network.js';
import { leaseOfNode, type NodeLike } from '../../harness/overlay/flannel/kube-flannel/lease.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/kind', name), 'utf8'));

/** A shipped scenario's plan on kind: its underlay fitted to the fixture's kind network. */
export function kindPlan(scenario: string) {
  const net = kindNetworkOf({ ...(fixture('network-inspect.kind.json') as NetworkInspect), Containers: {} });
  const declared = loadScenarioFile(join(SCENARIOS_DIR, `${scenario}.yaml`));
  return planScenario(fitUnderlayToKind({ ...declared, flannel: { ...declared.flannel, agent: 'kube-flannel' } }, net).spec);
}

export function kindFailover() {
  const plan = kindPlan('failover');
  const leases = (fixture('nodes.list.json') as { items: NodeLike[] }).items.flatMap((n) => leaseOfNode(n) ?? []);
  // The plan guessed master .2 and worker .3; Docker gave them the other way round (as the NodeList says).
  const attached = [
    { node: 'master', ip: '172.18.0.3', mac: '02:42:AC:12:00:03' },
    { node: 'worker', ip: '172.18.0.2', mac: '02:42:ac:12:00:02' },
  ];
  return { plan, leases, attached };
}
