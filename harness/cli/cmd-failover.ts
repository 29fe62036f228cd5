// `overlab failover <run> [--to unit]`: the BIG-IP pair's own failover on a kept run; the outage
// from the probe's replies when `overlab traffic <run> start` runs.
import type { Argv } from 'yargs';
import { attachRun } from '../scenario/attach.js';
import { liveFailover } from '../scenario/live-failover.js';
import { setExitCode } from './exit-code.js';
import { RUN_POSITIONAL, withRun } from './run-arg.js';

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);

export const failoverCommand = (y: Argv): Argv =>
  y.command(
    'failover <run>',
    'fail the active BIG-IP unit of a kept run over to its peer (`run sys failover standby`); the outage when traffic runs',
    (b) => b.positional('run', RUN_POSITIONAL).option('to', { type: 'string', describe: 'the unit that must end ACTIVE (nothing is done if it already is)' }),
    async (args) => {
      const result = await withRun(attachRun(args.run), (run) => liveFailover(run, args.to));
      console.log(result.message);
      if (result.timing) console.log(`failover command: ${result.timing.durationMs.toFixed(1)} ms`);
      const o = result.outage;
      if (!result.timing) {
        // --to named the active unit: nothing to measure.
      } else if (!o) console.log(`no traffic runs: no outage measured (start it first: overlab traffic ${args.run} start)`);
      else if (!o.recovered) console.log(`outage: never recovered within 3 s (last reply sent at ${o.lastGoodBefore !== undefined ? clock(o.lastGoodBefore) : 'none'})`);
      else console.log(`outage: ${o.outageMs!.toFixed(1)} ms, ${o.lostInGap} probe(s) lost (${o.intervalMs} ms probes; last reply before ${o.lastGoodBefore !== undefined ? clock(o.lastGoodBefore) : '-'}, first after ${clock(o.firstGoodAfter!)})`);
      const expected = result.timing?.to ?? args.to;
      setExitCode(result.after.filter((s) => s.status === 'ACTIVE').map((s) => s.unit).join() === expected ? 0 : 1);
    },
  );
