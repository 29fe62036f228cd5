// The bench's tables: each result against its target.
import { tableLines } from '../harness/core/table.js';
import type { BenchResult } from './boot.js';
import type { ScenarioBench } from './scenario.js';
import type { Stats } from './stats.js';
import { PCAP_GOAL, type BenchPcapResult } from './pcap.js';
import type { DockerBench } from './docker.js';

/** Medians the bench is held to, per topology (written into the JSON too). */
export const TARGETS: Record<string, { boot: number; ready?: number; teardown?: number }> = {
  baseline: { boot: 100, teardown: 50 },
  '50x4': { boot: 1000, ready: 50 },
};

const cell = (s: Stats) => `${s.min} / ${s.median} / ${s.max}`;
/** A ratio's min / median / max, as multiples. */
export const times = (s: Stats) => `${s.min}x / ${s.median}x / ${s.max}x`;

export function formatTable(results: readonly BenchResult[]): string {
  const rows = [['topology', 'runs', 'boot ms', 'ip -batch script ms', 'boot speed-up', 'ready +ms', 'teardown ms', 'script teardown ms', 'teardown speed-up', 'kernel cleanup ms', 'targets (median)']];
  for (const r of results) {
    const target = TARGETS[r.name];
    const verdicts: string[] = [];
    if (target) {
      verdicts.push(`boot < ${target.boot} ${r.boot.median < target.boot ? 'ok' : 'MISSED'}`);
      if (target.ready !== undefined) verdicts.push(`ready < ${target.ready} ${r.ready.median < target.ready ? 'ok' : 'MISSED'}`);
      if (target.teardown !== undefined) verdicts.push(`teardown < ${target.teardown} ${r.teardown.median < target.teardown ? 'ok' : 'MISSED'}`);
    }
    rows.push([
      `${r.name} (${r.nodes}n/${r.pods}p/${r.hosts} ns)`,
      String(r.runs),
      cell(r.boot),
      cell(r.anchorBuild),
      times(r.speedup.boot),
      cell(r.ready),
      cell(r.teardown),
      cell(r.anchorTeardown),
      times(r.speedup.teardown),
      cell(r.kernelCleanup),
      verdicts.join(', '),
    ]);
  }
  return [
    ...tableLines(rows, { rule: true }),
    '(min / median / max; ready = from boot done to the first cross-node ping answered; the ip -batch script builds the same',
    " topology from the plan's lines, one ip/bridge -batch process after another, in the same round; speed-up = its time / ours, per round)",
  ].join('\n');
}

export function formatScenarioTable(results: readonly ScenarioBench[]): string {
  const rows = [['scenario', 'runs', 'testbed boot ms', 'wall ms', 'wall - waits ms', 'outage ms', 'lost in gap', 'targets (median)']];
  for (const r of results) {
    const verdict = `boot < 150 ${r.testbedBoot.median < 150 ? 'ok' : 'MISSED'}, wall - waits < 5000 ${r.wallWithoutWaits.median < 5000 ? 'ok' : 'MISSED'}`;
    rows.push([r.name, String(r.runs), cell(r.testbedBoot), cell(r.wall), cell(r.wallWithoutWaits), cell(r.outage), cell(r.probesLost), verdict]);
  }
  return [...tableLines(rows, { rule: true }), '(min / median / max; outage resolution = the probe interval, 10 ms)'].join('\n');
}

export function formatPcapTable(r: Omit<BenchPcapResult, 'summary'>): string {
  const rows = [['on the same capture', 'rounds', 'anchor wall ms', 'overlab pcap wall ms', 'overlab pcap speed-up']];
  for (const [name, a] of [
    ['tcpdump -q -n -r', r.tcpdump],
    ['tshark -n -r', r.tshark],
  ] as const) {
    if (a) rows.push([name, String(a.rounds), cell(a.ms), cell(a.oursMs), times(a.speedup)]);
  }
  const goal = r.tcpdump ? `goal: overlab pcap >= ${PCAP_GOAL}x tcpdump -q's throughput (tcpdump's wall time / ours), median ${r.tcpdump.speedup.median}x: ${r.tcpdump.speedup.median >= PCAP_GOAL ? 'met' : 'NOT met'}` : 'tcpdump not installed: no goal check';
  return [
    `overlab pcap as a command (${r.command.slice(1).join(' ')}) on ${r.packets.toLocaleString('en-US')} packets; each process whole, stdout to /dev/null`,
    ...tableLines(rows, { rule: true }),
    `(min / median / max; speed-up = the anchor's wall time / overlab pcap's, per round; above 1 overlab pcap is faster)`,
    goal,
    `the reader inside one process (no process start, no imports): ${r.inProcessMs} ms${r.tcpdump ? `, ${(r.tcpdump.ms.median / r.inProcessMs).toFixed(1)}x tcpdump's median` : ''}`,
  ].join('\n');
}

export function formatDockerTable(results: readonly DockerBench[]): string {
  const rows = [['docker provider', 'runs', 'boot ms', 'docker run ms', 'docker run / boot', 'teardown ms', 'docker rm -f ms', 'docker rm / teardown']];
  for (const r of results) rows.push([`${r.name} (${r.containers} containers)`, String(r.runs), cell(r.boot), cell(r.dockerRun), times(r.speedup.boot), cell(r.teardown), cell(r.dockerRm), times(r.speedup.teardown)]);
  return [
    ...tableLines(rows, { rule: true }),
    "(min / median / max; docker run = the same images started 3 at a time with the provider's network mode and capabilities, nothing else, in the same round; per-round ratio)",
  ].join('\n');
}
