// `overlab list`: the scenarios by group, and the runs that are up (--output json: one document).
import type { Argv } from 'yargs';
import { loadScenario, scenarioNames } from '../scenario/resolve.js';
import { isAlive, listRuns } from '../core/registry.js';
import { OUTPUT_OPTION } from './options.js';
import { printJson, type ListOutput } from './json-output.js';

const GROUPS = ['reference', 'baseline', 'reproduction', 'other'];

/** What `list` shows, as data: every scenario (an invalid one with its first error) and every registered run. */
export function listing(): ListOutput {
  const scenarios = scenarioNames().map((name): ListOutput['scenarios'][number] => {
    try {
      const spec = loadScenario(name);
      return { name, group: spec.group ?? 'other', description: spec.description ?? '', valid: true };
    } catch (e) {
      return { name, group: 'other', description: '', valid: false, error: (e as Error).message.split('\n')[0] };
    }
  });
  const runs = listRuns().map((r): ListOutput['runs'][number] => ({
    runId: r.runId,
    scenario: r.scenario,
    provider: r.provider,
    state: r.kept ? 'kept' : isAlive(r.pid, r.pidStartTicks) ? 'running' : 'dead-owner',
    pid: r.pid,
    startedAt: r.startedAt,
    runDir: r.runDir,
  }));
  return { schemaVersion: 1, scenarios, runs };
}

export const listCommand = (y: Argv): Argv =>
  y.command(
    'list',
    'list the scenarios and the runs that are up',
    (b) => b.option('output', OUTPUT_OPTION),
    (args) => {
      const l = listing();
      if (args.output === 'json') return printJson(l);
      for (const group of GROUPS) {
        const lines = l.scenarios.filter((s) => (GROUPS.includes(s.group) ? s.group : 'other') === group).map((s) => `  ${s.name.padEnd(22)} ${s.valid ? s.description : `(invalid: ${s.error})`}`);
        if (lines.length) console.log(`${group}:\n${lines.join('\n')}`);
      }
      const state = { kept: 'up (kept)', running: '', 'dead-owner': 'dead owner: overlab clean' };
      console.log(l.runs.length ? `\nruns:\n${l.runs.map((r) => `  ${r.runId}  ${r.scenario.padEnd(16)} ${r.state === 'running' ? `running (pid ${r.pid})` : state[r.state]}  ${r.startedAt}`).join('\n')}` : '\nno runs up');
    },
  );
