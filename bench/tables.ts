// The bench's tables: each result against its target.
import { tableLines } from '../harness/core/table.js';
import type { BenchResult } from './boot.js';
import type { ScenarioBench } from './scenario.js';
import type { Stats } from './stats.js';

/** Medians the bench is held to, per topology (written into the JSON too). */
export const TARGETS: Record<string, { boot: number; ready?: number; teardown?: number }> = {
  baseline: { boot: 100, teardown: 50 },
  '50x4': { boot: 1000, ready: 50 },
};

const cell = (s: Stats) => `${s.min} / ${s.median} / ${s.max}`;

export function formatTable(results: readonly BenchResult[]): string {
  const rows = [['topology', 'runs', 'boot ms', 'ready +ms', 'teardown ms', 'kernel cleanup ms', 'targets (median)']];
  for (const r of results) {
    const target = TARGETS[r.name];
    const verdicts: string[] = [];
    if (target) {
      verdicts.push(`boot < ${target.boot} ${r.boot.median < target.boot ? 'ok' : 'MISSED'}`);
      if (target.ready !== undefined) verdicts.push(`ready < ${target.ready} ${r.ready.median < target.ready ? 'ok' : 'MISSED'}`);
      if (target.teardown !== undefined) verdicts.push(`teardown < ${target.teardown} ${r.teardown.median < target.teardown ? 'ok' : 'MISSED'}`);
    }
    rows.push([`${r.name} (${r.nodes}n/${r.pods}p/${r.hosts} ns)`, String(r.runs), cell(r.boot), cell(r.ready), cell(r.teardown), cell(r.kernelCleanup), verdicts.join(', ')]);
  }
  return [...tableLines(rows, { rule: true }), '(min / median / max; ready = from boot done to the first cross-node ping answered)'].join('\n');
}

export function formatScenarioTable(results: readonly ScenarioBench[]): string {
  const rows = [['scenario', 'runs', 'testbed boot ms', 'wall ms', 'wall - waits ms', 'outage ms', 'lost in gap', 'targets (median)']];
  for (const r of results) {
    const verdict = `boot < 150 ${r.testbedBoot.median < 150 ? 'ok' : 'MISSED'}, wall - waits < 5000 ${r.wallWithoutWaits.median < 5000 ? 'ok' : 'MISSED'}`;
    rows.push([r.name, String(r.runs), cell(r.testbedBoot), cell(r.wall), cell(r.wallWithoutWaits), cell(r.outage), cell(r.probesLost), verdict]);
  }
  return [...tableLines(rows, { rule: true }), '(min / median / max; outage resolution = the probe interval, 10 ms)'].join('\n');
}
