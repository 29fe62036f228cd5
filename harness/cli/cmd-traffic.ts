// `overlab traffic <run> start|stop`: the VIP probe running detached in a kept run's client.
import type { Argv } from 'yargs';
import { attachRun } from '../scenario/attach.js';
import { startTraffic, stopTraffic } from '../scenario/live-traffic.js';
import { RUN_POSITIONAL, withRun } from './run-arg.js';

export const trafficCommand = (y: Argv): Argv =>
  y.command(
    'traffic <run> <action>',
    'start or stop the VIP probe (UDP every traffic.intervalMs, TCP connects) in a kept run\'s client',
    (b) => b.positional('run', RUN_POSITIONAL).positional('action', { type: 'string', choices: ['start', 'stop'] as const, demandOption: true, describe: 'start: run it detached, replies in <run>/traffic/; stop: end it and print what it saw' }),
    async (args) => {
      await withRun(attachRun(args.run), async (run) => {
        if (args.action === 'start') {
          const { probe, firstReplyMs } = await startTraffic(run);
          console.log(`traffic runs in ${run.ctx.runId}'s client (pid ${probe.pid}, a UDP probe every ${probe.intervalMs} ms); replies in ${probe.repliesFile}`);
          console.log(firstReplyMs !== undefined ? `first reply after ${firstReplyMs.toFixed(0)} ms` : 'no reply within 3 s: the virtual server does not answer (see overlab check)');
          console.log(`stop:  overlab traffic ${run.ctx.runId} stop`);
        } else {
          const s = await stopTraffic(run);
          console.log(`traffic stopped after ${(s.durationMs / 1000).toFixed(1)} s: UDP sent ${s.udpSent}, received ${s.udpReceived}; TCP ${s.tcpAnswered}/${s.tcpSent} answered; longest gap ${s.longestGapMs} ms (${s.longestGapLost} lost)`);
          console.log(`record: ${s.recordFile}`);
        }
      });
    },
  );
