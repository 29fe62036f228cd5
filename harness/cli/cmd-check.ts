// `overlab check <run>`: the scenario's checks against a kept run's live state; a report in
// <run>/check-<n>/; exit 0 passed (or reproduced), 1 an assertion failed, 2 the checks could not run.
import type { Argv } from 'yargs';
import { attachRun } from '../scenario/attach.js';
import { liveCheck } from '../scenario/live-check.js';
import { exitCodeOf } from '../scenario/run.js';
import { printSummary } from './output.js';
import { setExitCode } from './exit-code.js';
import { RUN_POSITIONAL, withRun } from './run-arg.js';

export const checkCommand = (y: Argv): Argv =>
  y.command(
    'check <run>',
    'run the scenario\'s checks against a kept run as it is now; report in <run>/check-<n>/',
    (b) => b.positional('run', RUN_POSITIONAL),
    async (args) => {
      const { report, leftOut } = await withRun(attachRun(args.run), (run) => liveCheck(run));
      printSummary(report);
      if (leftOut.length) console.log(`not checked live: ${leftOut.join('; ')}`);
      console.log(`run ${report.runId} stays up: overlab down ${report.runId}`);
      setExitCode(exitCodeOf(report.status));
    },
  );
