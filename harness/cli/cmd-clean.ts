// `overlab clean`: what killed or kept runs left, found from ledgers and run ids; with --reports,
// old run directories under the reports directory instead.
import type { Argv } from 'yargs';
import { clean } from './clean.js';
import { raiseExitCode } from './exit-code.js';
import { parseDuration } from './soak-options.js';
import { formatAge, pruneReports } from './prune-reports.js';
import { REPORT_DIR_OPTION } from './options.js';
import { REPORTS_DIR } from '../core/paths.js';
import { UsageError } from './cmd-scenario.js';

export const cleanCommand = (y: Argv): Argv =>
  y.command(
    'clean',
    'remove every namespace and process of ours left by killed or kept runs (--reports --older-than 7d: old run directories)',
    (b) =>
      b
        .option('force', { type: 'boolean', default: false, describe: 'also runs whose owner process is alive' })
        .option('images', { type: 'boolean', default: false, describe: 'also the docker provider\'s cached images' })
        .option('reports', { type: 'boolean', default: false, describe: 'instead: remove run directories (and their bundles) older than --older-than under the reports directory; never a run that is up, running or not torn down' })
        .option('older-than', { type: 'string', describe: 'with --reports: an age such as 12h, 7d (since the run directory last changed)' })
        .option('report-dir', REPORT_DIR_OPTION),
    async (args) => {
      if (args.reports || args['older-than'] !== undefined) {
        if (!args.reports || args['older-than'] === undefined) throw new UsageError('--reports and --older-than go together: overlab clean --reports --older-than 7d');
        if (args.force || args.images) throw new UsageError('--reports prunes run directories only; run `overlab clean` (with --force or --images) on its own');
        const olderThanMs = parseDuration(args['older-than'], '--older-than');
        const { removed, kept } = pruneReports(olderThanMs);
        for (const r of removed) console.log(`removed ${r.path} (${formatAge(r.ageMs)} old)`);
        for (const k of kept) console.log(`kept ${k.path}: ${k.reason}`);
        console.log(`clean --reports: ${removed.length} removed, ${kept.length} old one(s) kept, under ${REPORTS_DIR}`);
        return;
      }
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
