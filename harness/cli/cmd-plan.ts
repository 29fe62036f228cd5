// `overlab plan <scenario>`: every name, address and MAC, and the argv of every step; no root needed.
// With --script, the whole scenario on netns as a bash script (harness/script/).
import type { Argv } from 'yargs';
import { loadScenario } from '../scenario/resolve.js';
import { planScenario } from '../plan/plan.js';
import { createProvider, providerKinds } from '../providers/registry.js';
import { resolveAgent } from '../overlay/flannel/registry.js';
import { ResourceLedger } from '../core/ledger.js';
import { newRunId } from '../core/run-context.js';
import { HarnessError } from '../core/errors.js';
import { formatPlan } from './print-plan.js';
import { AGENT_OPTION, INVENTORY_OPTION, KIND_OPTIONS, OUTPUT_OPTION, SCENARIO_POSITIONAL, providerOptionsOf, withAgent } from './options.js';
import { planOutput, printJson } from './json-output.js';
import { printWarnings, specWarnings } from '../spec/warnings.js';
import { scenarioScript, scriptRefusal, ScriptRefusedError } from '../script/scenario-script.js';

/** A run id as the namespaces carry it: lower-case letters and digits, single dashes, at most 16. */
const RUN_ID = /^[a-z0-9](?:-?[a-z0-9]){0,15}$/;

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
        .option('output', OUTPUT_OPTION)
        .option('script', { type: 'boolean', default: false, describe: 'print the whole scenario on netns as a runnable bash script (emulated flannel agent, sim units): boot, servers, traffic, failover, reachability, teardown on exit' })
        .option('run-id', { type: 'string', describe: 'with --script: the run id in the namespaces\' names (ol-<id>...; default: a new random one)' })
        .options(KIND_OPTIONS),
    (args) => {
      if (args['run-id'] !== undefined && !args.script) throw new HarnessError('--run-id names the namespaces of a script: use it with --script');
      // A script plays flannel's agent with the emulated agent's commands, unless told otherwise.
      const declared = loadScenario(args.scenario);
      const spec = withAgent(declared, args.agent ?? (args.script && !declared.flannel.agent ? 'emulated' : undefined));
      // The agent a run on this provider would use here (flanneld where it is installed, on netns).
      const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: resolveAgent(spec.flannel.agent, args.provider) } });
      printWarnings(spec.name, specWarnings(spec));
      if (args.script) {
        const runId = args['run-id'] ?? newRunId();
        if (!RUN_ID.test(runId)) throw new HarnessError(`--run-id "${runId}" is not allowed: lower-case letters, digits and single dashes, at most 16 characters (the namespaces are ol-<id>.<host>)`);
        const refused = scriptRefusal(plan, spec, args.provider);
        if (refused) throw new ScriptRefusedError(`${spec.name}: no script: ${refused}`);
        const provider = createProvider('netns', { runId, ledger: new ResourceLedger('/nonexistent'), topology: plan.topology });
        process.stdout.write(scenarioScript(plan, spec, { runId, provider }));
        return;
      }
      const provider = createProvider(args.provider, { runId: 'RUN', ledger: new ResourceLedger('/nonexistent'), options: providerOptionsOf(args), topology: plan.topology });
      if (args.output === 'json') printJson(planOutput(plan, provider));
      else console.log(formatPlan(plan, provider));
    },
  );
