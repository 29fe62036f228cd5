// `overlab snapshot <run> [--label L]`: the observation the checks use, written to a kept run's evidence.
import type { Argv } from 'yargs';
import { HarnessError } from '../core/errors.js';
import { attachRun } from '../scenario/attach.js';
import { activeUnit, observe } from '../scenario/observe.js';
import { listFlannelNodes } from '../scenario/steps/context.js';
import { RUN_POSITIONAL, withRun } from './run-arg.js';

export const snapshotCommand = (y: Argv): Argv =>
  y.command(
    'snapshot <run>',
    'write the nodes\' state (links, routes, neighbours, FDB), the units\' own state and the reachability matrices to a kept run\'s evidence/',
    (b) => b.positional('run', RUN_POSITIONAL).option('label', { type: 'string', describe: 'names the files: evidence/snapshot-<label>.json, units-<label>.json, ... (default: the time)' }),
    async (args) => {
      const label = args.label ?? new Date().toISOString().slice(11, 19).replaceAll(':', '');
      if (!/^[a-z0-9][a-z0-9._-]{0,40}$/i.test(label)) throw new HarnessError(`--label ${JSON.stringify(label)}: use letters, digits, dot, dash and underscore (at most 41, starting with a letter or digit); it names files in the run's evidence/`);
      await withRun(attachRun(args.run), async (run) => {
        const obs = await observe(label, run.plan, run.ctx.provider, run.store, () => listFlannelNodes({ agent: run.agent, ctx: run.ctx }), run.units);
        const active = run.units ? activeUnit(obs) : undefined;
        console.log(`snapshot ${label} of run ${run.ctx.runId}${run.units ? ` (active unit: ${active ?? 'none says ACTIVE'})` : ''}:`);
        for (const path of obs.evidence) console.log(`  ${run.ctx.runDir}/${path}`);
      });
    },
  );
