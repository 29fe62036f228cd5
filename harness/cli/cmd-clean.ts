// `overlab clean`: what killed or kept runs left, found from ledgers and run ids.
import type { Argv } from 'yargs';
import { clean } from './clean.js';
import { raiseExitCode } from './exit-code.js';

export const cleanCommand = (y: Argv): Argv =>
  y.command(
    'clean',
    'remove every namespace and process of ours left by killed or kept runs',
    (b) =>
      b
        .option('force', { type: 'boolean', default: false, describe: 'also runs whose owner process is alive' })
        .option('images', { type: 'boolean', default: false, describe: 'also the docker provider\'s cached images' }),
    async (args) => {
      const results = await clean({ force: args.force, images: args.images });
      let removed = 0;
      for (const r of results) {
        removed += r.removed;
        if (r.skipped) console.log(`run ${r.runId}: skipped, ${r.skipped}`);
        else console.log(`run ${r.runId}: removed ${r.removed} ${r.what}${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
        if (r.errors.length) raiseExitCode(2);
        // A run left alone (its owner still runs) is something left: not a clean exit.
        else if (r.skipped) raiseExitCode(1);
      }
      console.log(removed === 0 && results.length === 0 ? 'nothing of ours to clean' : `clean: ${removed} ${results.every((r) => r.what === 'namespace(s)') ? 'namespace(s)' : 'resource(s)'} removed`);
    },
  );
