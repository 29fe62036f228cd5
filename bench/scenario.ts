// Whole scenario runs (the failover scenario by default) through runScenario, as a user runs
// them: wall time, the testbed's boot, the outage the scenario measured.
import { loadScenario } from '../harness/scenario/resolve.js';
import { runScenario } from '../harness/scenario/run.js';
import { outageText } from '../harness/report/verdict.js';
import { waitKernelCleanup } from './kernel.js';
import { round, stats, type Stats } from './stats.js';

export interface ScenarioBench {
  name: string;
  runs: number;
  /** boot + configure, until the testbed answers its readiness ping. */
  testbedBoot: Stats;
  wall: Stats;
  /** The waits the scenario file asks for (warm-ups, converge) taken out of the wall time. */
  wallWithoutWaits: Stats;
  outage: Stats;
  probesLost: Stats;
  statuses: string[];
}

/** One scenario with one flannel agent (`failover` on emulated and on flanneld are two rows). */
export async function measureScenario(name: string, runs: number, options: { signal: AbortSignal; log: (line: string) => void; agent?: string }): Promise<ScenarioBench> {
  const label = options.agent ? `${name} (${options.agent})` : name;
  const samples: { boot: number; wall: number; waits: number; outage: number; lost: number; status: string }[] = [];
  for (let i = 0; i < runs; i++) {
    await waitKernelCleanup(options.signal);
    const spec = loadScenario(name);
    const report = await runScenario(options.agent ? { ...spec, flannel: { ...spec.flannel, agent: options.agent } } : spec, { signal: options.signal });
    const waits = report.phases.filter((p) => p.name.startsWith('warmup') || p.name === 'converge').reduce((n, p) => n + p.durationMs, 0);
    samples.push({
      boot: report.metrics.testbedReadyMs ?? NaN,
      wall: report.durationMs,
      waits,
      // A failover that never recovered has no outage figure (report.failover.recovered false): no sample.
      outage: report.metrics.failoverOutageMs ?? NaN,
      lost: report.metrics.probesLostInGap ?? NaN,
      status: report.status,
    });
    options.log(`  ${label} run ${i + 1}/${runs}: ${report.status}, testbed ${report.metrics.testbedReadyMs} ms, wall ${report.durationMs} ms (waits ${waits.toFixed(0)} ms), outage ${outageText(report, (ms) => `${ms} ms`) ?? '-'}`);
  }
  return {
    name: label,
    runs,
    testbedBoot: stats(samples.map((x) => x.boot)),
    wall: stats(samples.map((x) => x.wall)),
    wallWithoutWaits: stats(samples.map((x) => round(x.wall - x.waits))),
    outage: stats(samples.map((x) => x.outage)),
    probesLost: stats(samples.map((x) => x.lost)),
    statuses: samples.map((x) => x.status),
  };
}
