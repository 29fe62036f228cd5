// `overlab exec <run> <host> -- <argv>` and `overlab down <run>`: a run that is up, by hand.
import type { Argv } from 'yargs';
import { HarnessError, NotFoundError } from '../core/errors.js';
import { findRun, isAlive } from '../core/registry.js';
import { closeRun } from '../core/run-context.js';
import { ResourceLedger } from '../core/ledger.js';
import { createProvider } from '../providers/registry.js';
import { runOnTerminal } from '../core/process.js';
import { setExitCode } from './exit-code.js';
import { unitTmshArgv } from './unit-tmsh.js';

export const execCommand = (y: Argv): Argv =>
  y.command(
    'exec <run> <host> [argv..]',
    'run a command in a host of a run that is up (put the command after --)',
    (b) =>
      b
        .positional('run', { type: 'string', demandOption: true, describe: 'a run id (or its start) from `overlab list`' })
        .positional('host', { type: 'string', demandOption: true, describe: 'a host of the run: a node, a pod, a unit, client' })
        .positional('argv', { type: 'string', array: true, describe: 'the command (default bash)' }),
    (args) => {
      const record = findRun(args.run);
      if (!record) throw new NotFoundError(`no run ${args.run}; see \`overlab list\``);
      const location = record.hosts[args.host];
      if (!location) throw new NotFoundError(`run ${record.runId} has no host "${args.host}"; hosts: ${Object.keys(record.hosts).join(', ')}`);
      const command = [...(args.argv ?? []), ...((args['--'] as string[] | undefined) ?? [])].map(String);
      const provider = createProvider(record.provider, { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
      const node = provider.node(args.host);
      // A stand-in unit's tmsh is the face, as a real unit's tmsh would answer.
      const tmsh = command[0] === 'tmsh' ? unitTmshArgv(record, args.host, command.slice(1), !provider.files) : undefined;
      const full = provider.execArgv(node.location, tmsh ?? (command.length ? command : ['bash']));
      setExitCode(runOnTerminal(full).code ?? 2);
    },
  );

export const downCommand = (y: Argv): Argv =>
  y.command(
    'down <run>',
    'tear down a run that is up',
    (b) => b.positional('run', { type: 'string', demandOption: true, describe: 'a run id (or its start) from `overlab list`' }),
    async (args) => {
      const record = findRun(args.run);
      if (!record) throw new NotFoundError(`no run ${args.run}; see \`overlab list\``);
      if (!record.kept && isAlive(record.pid, record.pidStartTicks) && record.pid !== process.pid) throw new HarnessError(`run ${record.runId} is in progress (pid ${record.pid}); stop that process instead`);
      const provider = createProvider(record.provider, { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
      const ms = await closeRun({ runId: record.runId, ledger: new ResourceLedger(record.runDir), provider });
      console.log(`run ${record.runId} is down (${ms.toFixed(1)} ms)`);
    },
  );
