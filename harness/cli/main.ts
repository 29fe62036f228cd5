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
import { downCommand, execCommand, separateExecCommand } from './cmd-exec.js';
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
import { setReportsDir } from '../core/paths.js';
import { completeWords, completionShell } from './completion.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS = [scenarioCommand, planCommand, upCommand, execCommand, inspectCommand, trafficCommand, failoverCommand, snapshotCommand, checkCommand, downCommand, cleanCommand, doctorCommand, listCommand];

async function main(argv: string[]): Promise<number> {
  completionShell(argv);
  // yargs' completion command takes no word after it (the shell is in the environment now).
  let y = yargs(argv[0] === 'completion' ? ['completion'] : separateExecCommand(argv)).scriptName('overlab').usage('$0 <command> [options]');
  for (const add of COMMANDS) y = add(y);
  y = y
    .command(pcapCommand)
    .command(reportCommand)
    .completion('completion', 'print the shell completion script: overlab completion bash|zsh (source it, or add it to ~/.bashrc or ~/.zshrc)', completeWords)
    .demandCommand(1, 'name a command; see --help')
    .recommendCommands()
    .strict()
    .parserConfiguration({ 'populate--': true })
    // --report-dir before any command looks for or writes a run directory.
    .middleware((args) => {
      if (typeof args['report-dir'] === 'string') setReportsDir(args['report-dir']);
    })
    .fail((msg, err) => {
      // yargs' recommendation names only the command it suggests: say which word was unknown.
      if (!err && /^Did you mean /.test(msg ?? '')) throw new UsageError(`unknown command "${argv.find((w) => !w.startsWith('-'))}": ${msg.replace(/^Did/, 'did')} (overlab --help lists the commands)`);
      throw err ?? new UsageError(msg);
    })
    .help()
    .wrap(Math.min(120, process.stdout.columns || 120));
  // Bare `overlab`: the help, on stderr, and exit 2: no command is a usage error, so a script
  // whose command word came out empty does not pass for a success.
  if (argv.length === 0) {
    process.stderr.write(`${await y.getHelp()}\n\noverlab: name a command (above)\n`);
    return 2;
  }
  await y.parseAsync();
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
