// `overlab list`: the scenarios by group, and the runs that are up.
import type { Argv } from 'yargs';
import { loadScenario, scenarioNames } from '../scenario/resolve.js';
import { isAlive, listRuns } from '../core/registry.js';

export const listCommand = (y: Argv): Argv =>
  y.command(
    'list',
    'list the scenarios and the runs that are up',
    (b) => b,
    () => {
      const groups = new Map<string, string[]>();
      for (const name of scenarioNames()) {
        let line: string;
        let group = 'other';
        try {
          const spec = loadScenario(name);
          group = spec.group ?? 'other';
          line = `  ${name.padEnd(22)} ${spec.description ?? ''}`;
        } catch (e) {
          line = `  ${name.padEnd(22)} (invalid: ${(e as Error).message.split('\n')[0]})`;
        }
        groups.set(group, [...(groups.get(group) ?? []), line]);
      }
      for (const group of ['reference', 'baseline', 'reproduction', 'other']) {
        const lines = groups.get(group);
        if (lines) console.log(`${group}:\n${lines.join('\n')}`);
      }
      const runs = listRuns();
      console.log(runs.length ? `\nruns:\n${runs.map((r) => `  ${r.runId}  ${r.scenario.padEnd(16)} ${r.kept ? 'up (kept)' : isAlive(r.pid, r.pidStartTicks) ? `running (pid ${r.pid})` : 'dead owner: overlab clean'}  ${r.startedAt}`).join('\n')}` : '\nno runs up');
    },
  );
