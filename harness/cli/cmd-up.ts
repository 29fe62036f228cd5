// `overlab up <scenario>`: boot and keep the testbed; prints the run id and the hosts.
import type { Argv } from 'yargs';
import { loadScenario } from '../scenario/resolve.js';
import { runScenario } from '../scenario/run.js';
import { findRun } from '../core/registry.js';
import { tableLines } from '../core/table.js';
import { printPhase, printSummary } from './output.js';
import { ACCEPT_NEW_OPTION, AGENT_OPTION, INVENTORY_OPTION, KIND_OPTIONS, PROVIDER_OPTION, providerOptionsOf, withAgent } from './options.js';
import { abortOnSignals } from './signals.js';
import { setExitCode } from './exit-code.js';
import { printKept } from './kept.js';

export const upCommand = (y: Argv): Argv =>
  y.command(
    'up <scenario>',
    'boot the testbed and keep it (explore with `overlab exec`, remove with `overlab down`)',
    (b) =>
      b
        .positional('scenario', { type: 'string', demandOption: true, describe: 'a name from `overlab list` or a path to a .yaml file' })
        .option('provider', PROVIDER_OPTION)
        .option('agent', AGENT_OPTION)
        .option('inventory', INVENTORY_OPTION)
        .option('ssh-accept-new', ACCEPT_NEW_OPTION)
        .options(KIND_OPTIONS),
    async (args) => {
      const spec = withAgent(loadScenario(args.scenario), args.agent);
      const { signal } = abortOnSignals();
      const report = await runScenario(spec, { provider: args.provider, providerOptions: providerOptionsOf(args), keep: true, signal, onPhase: printPhase });
      if (report.status === 'error') {
        printSummary(report);
        setExitCode(2);
        return;
      }
      const record = findRun(report.runId);
      console.log(`run ${report.runId} is up (${report.metrics.bootMs} ms). Hosts:`);
      for (const line of tableLines(Object.entries(record?.hosts ?? {}), { indent: '  ' })) console.log(line);
      printKept(report.runId, spec.nodes[0]?.name);
    },
  );
