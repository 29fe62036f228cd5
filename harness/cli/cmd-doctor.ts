// `overlab doctor`: every prerequisite, with the fix for what is missing.
import type { Argv } from 'yargs';
import { providerKinds } from '../providers/registry.js';
import { tableLines } from '../core/table.js';
import { doctor } from './doctor.js';
import { ACCEPT_NEW_OPTION, INVENTORY_OPTION, KIND_OPTIONS, providerOptionsOf } from './options.js';
import { setExitCode } from './exit-code.js';

export const doctorCommand = (y: Argv): Argv =>
  y.command(
    'doctor',
    'check every prerequisite and say how to fix what is missing',
    (b) =>
      b
        .option('provider', { type: 'string', default: 'netns', choices: providerKinds(), describe: 'the provider whose prerequisites to check' })
        .option('inventory', INVENTORY_OPTION)
        .option('ssh-accept-new', ACCEPT_NEW_OPTION)
        .options(KIND_OPTIONS),
    async (args) => {
      const checks = await doctor(args.inventory && args.provider === 'netns' ? 'ssh' : args.provider, providerOptionsOf(args));
      const rows = checks.map((c) => [c.ok ? 'ok' : 'MISSING', c.what, c.ok ? c.detail : `${c.detail}\n        fix: ${c.fix}`]);
      for (const line of tableLines(rows, { maxWidth: 60 })) console.log(line);
      setExitCode(checks.every((c) => c.ok) ? 0 : 2);
    },
  );
