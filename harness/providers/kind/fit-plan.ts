// The plan as the cluster made it. A kind run's plan is made before the cluster exists, so its
// nodes' addresses and MACs, their VtepMACs and the pods' addresses are guesses (Docker, flanneld
// and the CNI's IPAM choose them). Once the cluster is up and its pods run, the rest of the run
// (the units' configuration, the readiness waits, the checks and what the devices do at runtime)
// must speak of the values the cluster has: every planned value the cluster changed is swapped in
// every string of the plan, topology and steps alike, in one pass (node-facts.ts translateText).
import type { Plan } from '../../plan/types.js';
import { translateText, type NodeFacts } from './node-facts.js';

/** Pure: the plan with the cluster's values in place of the planned ones it changed (every string; keys as they are). */
export function fitPlan(plan: Plan, facts: NodeFacts): Plan {
  if (facts.size === 0) return plan;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return translateText(v, facts);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(plan) as Plan;
}
