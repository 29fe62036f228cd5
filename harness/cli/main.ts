#!/usr/bin/env node
// The overlab command line. Exit codes (design.md §4): 0 passed or reproduced, 1 an assertion
// failed, 2 the harness could not run; 130/143 when interrupted (after teardown). Each command
// lives in its own cmd-<name>.ts; this file only puts them together and maps errors to exit codes.
import type { Argv, CommandModule } from 'yargs';
import { HarnessError } from '../core/errors.js';
import { UsageError } from './usage-error.js';
import { exitCode } from './exit-code.js';
import { setReportsDir } from '../core/paths.js';

type AddCommand = (y: Argv) => Argv;
// yargs' CommandModule is invariant in its arguments type: each module is handed over as is.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const moduleCommand =
  (m: CommandModule<object, any>): AddCommand =>
  (y) =>
    y.command(m);

/**
 * Every command by the names it answers to, in the order `--help` lists them. Each is imported
 * only when it is the one run (all of them for --help, completion or a name we do not know): a
 * command's module pulls in what it needs, and `overlab pcap` has no use for the providers,
 * dockerode, ssh2 or the Kubernetes client, which took most of its time as a command.
 */
export const COMMANDS: [names: readonly string[], load: () => Promise<AddCommand>][] = [
  [['scenario', 'run'], async () => (await import('./cmd-scenario.js')).scenarioCommand],
  [['plan'], async () => (await import('./cmd-plan.js')).planCommand],
  [['up'], async () => (await import('./cmd-up.js')).upCommand],
  [['exec'], async () => (await import('./cmd-exec.js')).execCommand],
  [['inspect'], async () => (await import('./cmd-inspect.js')).inspectCommand],
  [['traffic'], async () => (await import('./cmd-traffic.js')).trafficCommand],
  [['failover'], async () => (await import('./cmd-failover.js')).failoverCommand],
  [['snapshot'], async () => (await import('./cmd-snapshot.js')).snapshotCommand],
  [['check'], async () => (await import('./cmd-check.js')).checkCommand],
  [['down'], async () => (await import('./cmd-exec.js')).downCommand],
  [['clean'], async () => (await import('./cmd-clean.js')).cleanCommand],
  [['doctor'], async () => (await import('./cmd-doctor.js')).doctorCommand],
  [['list'], async () => (await import('./cmd-list.js')).listCommand],
  [['pcap'], async () => moduleCommand((await import('./cmd-pcap.js')).pcapCommand)],
  [['report'], async () => moduleCommand((await import('./cmd-report.js')).reportCommand)],
];

/** Global options that take a value in the next word. */
const GLOBAL_WITH_VALUE = new Set(['--report-dir']);

/** The commands to load for argv: the one it names, or every one. */
export function commandsFor(argv: readonly string[]): (typeof COMMANDS)[number][] {
  // The command is the first word that is neither an option nor a global option's value.
  const named = argv.find((a, i) => !a.startsWith('-') && !(i > 0 && GLOBAL_WITH_VALUE.has(argv[i - 1]!)));
  const one = COMMANDS.filter(([names]) => named !== undefined && names.includes(named));
  return one.length ? one : COMMANDS;
}

async function main(argv: string[]): Promise<number> {
  // `overlab pcap FILE` is timed against tcpdump as a whole process: its plain forms skip yargs.
  if (argv[0] === 'pcap' && (await (await import('./cmd-pcap.js')).runPcapQuickly(argv))) return exitCode();
  const { completeWords, completionShell } = await import('./completion.js');
  completionShell(argv);
  const { default: yargs } = await import('yargs');
  const words = argv[0] === 'exec' ? (await import('./cmd-exec.js')).separateExecCommand(argv) : argv;
  // yargs' completion command takes no word after it (the shell is in the environment now).
  let y = yargs(argv[0] === 'completion' ? ['completion'] : words).scriptName('overlab').usage('$0 <command> [options]');
  for (const add of await Promise.all(commandsFor(argv).map(([, load]) => load()))) y = add(y);
  y = y
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

// What yargs' hideBin does: the arguments after node and the script.
main(process.argv.slice(2)).then(
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
