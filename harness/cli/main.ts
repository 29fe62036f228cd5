#!/usr/bin/env node
// The overlab command line. Exit codes (design.md §4): 0 passed or reproduced, 1 an assertion
// failed, 2 the harness could not run; 130/143 when interrupted (after teardown). Each command
// lives in its own cmd-<name>.ts; this file only puts them together and maps errors to exit codes.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { HarnessError } from '../core/errors.js';
import { planCommand } from './cmd-plan.js';
import { UsageError, scenarioCommand } from './cmd-scenario.js';
import { upCommand } from './cmd-up.js';
import { downCommand, execCommand } from './cmd-exec.js';
import { cleanCommand } from './cmd-clean.js';
import { doctorCommand } from './cmd-doctor.js';
import { listCommand } from './cmd-list.js';
import { pcapCommand } from './cmd-pcap.js';
import { reportCommand } from './cmd-report.js';
import { failoverCommand } from './cmd-failover.js';
import { trafficCommand } from './cmd-traffic.js';
import { snapshotCommand } from './cmd-snapshot.js';
import { checkCommand } from './cmd-check.js';
import { inspectCommand } from './cmd-inspect.js';
import { exitCode } from './exit-code.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS = [scenarioCommand, planCommand, upCommand, execCommand, inspectCommand, trafficCommand, failoverCommand, snapshotCommand, checkCommand, downCommand, cleanCommand, doctorCommand, listCommand];

async function main(argv: string[]): Promise<number> {
  let y = yargs(argv).scriptName('overlab').usage('$0 <command> [options]');
  for (const add of COMMANDS) y = add(y);
  await y
    .command(pcapCommand)
    .command(reportCommand)
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .parserConfiguration({ 'populate--': true })
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help()
    .parseAsync();
  return exitCode();
}

// If the work ever stalls with nothing left to wait on, Node would exit 0 with the promise
// unsettled: a run that did not finish must never look like a pass.
process.on('beforeExit', () => {
  process.stderr.write('overlab: internal error: the command stopped without finishing (nothing left to wait on)\n');
  process.exit(2);
});

main(hideBin(process.argv)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof HarnessError) {
      process.stderr.write(`overlab: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`overlab: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(2);
  },
);
