// `overlab plan <scenario>`: every name, address and MAC, and the argv of every step; no root needed.
import type { Argv } from 'yargs';
import { loadScenario } from '../scenario/resolve.js';
import { planScenario } from '../plan/plan.js';
import { createProvider, providerKinds } from '../providers/registry.js';
import { resolveAgent } from '../overlay/flannel/registry.js';
import { ResourceLedger } from '../core/ledger.js';
import { formatPlan } from './print-plan.js';
import { AGENT_OPTION, INVENTORY_OPTION, KIND_OPTIONS, OUTPUT_OPTION, SCENARIO_POSITIONAL, providerOptionsOf, withAgent } from './options.js';
import { planOutput, printJson } from './json-output.js';

export const planCommand = (y: Argv): Argv =>
  y.command(
    'plan <scenario>',
    'print the plan: every name, address and MAC, and the argv of every step (no root needed)',
    (b) =>
      b
        .positional('scenario', { ...SCENARIO_POSITIONAL, demandOption: true })
        .option('provider', { type: 'string', default: 'netns', choices: providerKinds(), describe: 'where the hosts would come from' })
        .option('agent', AGENT_OPTION)
        .option('inventory', INVENTORY_OPTION)
        .options(KIND_OPTIONS)
        .option('output', OUTPUT_OPTION),
    (args) => {
      const spec = withAgent(loadScenario(args.scenario), args.agent);
      // The agent a run on this provider would use here (flanneld where it is installed, on netns).
      const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: resolveAgent(spec.flannel.agent, args.provider) } });
      const provider = createProvider(args.provider, { runId: 'RUN', ledger: new ResourceLedger('/nonexistent'), options: providerOptionsOf(args), topology: plan.topology });
      if (args.output === 'json') printJson(planOutput(plan, provider));
      else console.log(formatPlan(plan, provider));
    },
  );
