// `overlab scenario <s>` (alias `run`): boot, check, tear down, report; --all, --matrix and --soak.
import type { Argv } from 'yargs';
import { HarnessError } from '../core/errors.js';
import { loadScenario } from '../scenario/resolve.js';
import { resolveAgent } from '../overlay/flannel/registry.js';
import { exitCodeOf, runScenario } from '../scenario/run.js';
import { runAll } from './run-all.js';
import { runMatrix } from './run-matrix.js';
import { soakOptions } from './soak-options.js';
import { createProgress, plannedPhases, printSummary } from './output.js';
import { bundleAfterRun } from './cmd-report.js';
import { ACCEPT_NEW_OPTION, AGENT_OPTION, BIGIP_INVENTORY_OPTION, INVENTORY_OPTION, KIND_OPTIONS, PROVIDER_OPTION, SCENARIO_POSITIONAL, providerOptionsOf, withAgent } from './options.js';
import { SIGNAL_EXIT, abortOnSignals } from './signals.js';
import { setExitCode } from './exit-code.js';
import { printKept } from './kept.js';

export class UsageError extends HarnessError {}

export const scenarioCommand = (y: Argv): Argv =>
  y.command(
    ['scenario [scenario]', 'run [scenario]'],
    'boot the testbed, run the checks, tear down, write the report (--all: the whole library)',
    (b) =>
      b
        .positional('scenario', SCENARIO_POSITIONAL)
        .option('provider', PROVIDER_OPTION)
        .option('agent', AGENT_OPTION)
        .option('inventory', INVENTORY_OPTION)
        .option('bigip-inventory', BIGIP_INVENTORY_OPTION)
        .option('ssh-accept-new', ACCEPT_NEW_OPTION)
        .options(KIND_OPTIONS)
        .option('all', { type: 'boolean', default: false, describe: 'run every scenario in scenarios/ and print one table' })
        .option('parallel', { type: 'number', default: 1, describe: 'with --all: this many scenarios at once' })
        .option('keep', { type: 'boolean', default: false, describe: 'run every step and check, then leave the testbed up (drive it with overlab failover/traffic/snapshot/check/inspect/exec; remove it with overlab down)' })
        .option('keep-on-failure', { type: 'boolean', default: false, describe: 'like --keep, but only when an assertion failed (a passing run tears down)' })
        .option('bundle', { type: 'boolean', default: false, describe: 'also pack the run directory into reports/<scenario>/<run>.tar.gz' })
        .option('soak', { type: 'string', describe: 'keep the testbed up with traffic and fail over again and again for this long (e.g. 5m, 2h): outage percentiles and drift checks' })
        .option('failover-every', { type: 'string', default: '30s', describe: 'with --soak: the time between failovers' })
        .option('failovers', { type: 'number', describe: 'with --soak: stop after this many failovers instead of a duration' })
        .option('matrix', { type: 'string', array: true, describe: 'cross parameters: path=v1,v2 ... (e.g. flannel.vni=0,1 flannel.learning=true,false nodes=2,5); one run per combination, one table, one junit.xml' }),
    async (args) => {
      if ((args.keep || args['keep-on-failure']) && (args.all || args.matrix?.length || args.soak !== undefined || args.failovers !== undefined)) {
        throw new UsageError('--keep and --keep-on-failure keep one run of one scenario: not with --all, --matrix or --soak (run the scenario alone with --keep)');
      }
      const { signal, received } = abortOnSignals();
      let code = 0;
      if (args.all) {
        code = (await runAll({ parallel: args.parallel, provider: args.provider, agent: args.agent, signal })).code;
      } else {
        if (!args.scenario) throw new UsageError('name a scenario (see `overlab list`), or use --all');
        const spec = withAgent(loadScenario(args.scenario), args.agent);
        if (args.matrix?.length) {
          code = (await runMatrix(spec, args.matrix, { provider: args.provider, providerOptions: providerOptionsOf(args), signal, parallel: args.parallel })).code;
        } else {
          const providerKind = args.provider ?? spec.provider ?? 'netns';
          const progress = createProgress(`${spec.name} on ${providerKind}, flannel ${resolveAgent(spec.flannel.agent, providerKind)}`, plannedPhases(spec));
          const soak = args.soak !== undefined || args.failovers !== undefined ? soakOptions(args.soak, args['failover-every'], args.failovers) : undefined;
          const keepAfter = args.keep ? 'always' : args['keep-on-failure'] ? 'on-failure' : undefined;
          const report = await runScenario(spec, { provider: args.provider, providerOptions: providerOptionsOf(args), bigipInventory: args['bigip-inventory'], soak, keepAfter, signal, onPhase: progress.phase, onAssertion: progress.assertion }).finally(() => progress.stop());
          code = exitCodeOf(report.status);
          if (args.bundle) {
            await bundleAfterRun(report).catch((e: Error) => {
              process.stderr.write(`overlab: could not bundle ${report.runDir}: ${e.message}\n`);
              code = Math.max(code, 2);
            });
          }
          printSummary(report);
          if (report.kept) printKept(report.runId, spec.nodes[0]?.name);
        }
      }
      const sig = received();
      setExitCode(sig ? (SIGNAL_EXIT[sig] ?? 2) : code);
    },
  );
