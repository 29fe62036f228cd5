// Boot and teardown of one topology through the library (planScenario, openRun, executePlan,
// closeRun), N times on the netns provider.
//
// What is measured, per run:
//   boot       executePlan start until every step before `ready` is done (boot + configure)
//   ready      from boot done until the first cross-node ping is answered (the `ready` step)
//   teardown   closeRun: kill the processes in the run's namespaces, `ip netns del` them all
//   kernel     from teardown done until the kernel's `netns` workqueue is idle again (kernel.ts)
//   anchor     the same topology built and deleted by a script of `ip -batch` files
//              (anchor-batch.ts), in the same round right after ours, on a quiet kernel too;
//              each round's speed-up is the anchor's time over ours
import { closeRun, openRun, type RunContext } from '../harness/core/run-context.js';
import { executePlan, type StepTiming } from '../harness/plan/execute.js';
import { planScenario } from '../harness/plan/plan.js';
import type { ScenarioSpec } from '../harness/spec/schema.js';
import { waitKernelCleanup } from './kernel.js';
import { measureBatchBuild } from './anchor-batch.js';
import { ratios, round, stats, type Stats } from './stats.js';
import { join } from 'node:path';

export interface BenchSample {
  bootMs: number;
  readyMs: number;
  teardownMs: number;
  kernelCleanupMs: number;
  /** The ip -batch script: build and delete. */
  anchorBuildMs: number;
  anchorTeardownMs: number;
  /** Per step kind (`hosts`, `wire`, `node`, `pod`, `flannel`, ...): count, summed and last end time. */
  steps: Record<string, { count: number; sumMs: number; lastEndMs: number }>;
}

export interface BenchResult {
  name: string;
  nodes: number;
  pods: number;
  hosts: number;
  steps: number;
  runs: number;
  boot: Stats;
  ready: Stats;
  teardown: Stats;
  kernelCleanup: Stats;
  anchorBuild: Stats;
  anchorTeardown: Stats;
  /** Per round: the anchor's time / ours (above 1: ours is faster). */
  speedup: { boot: Stats; teardown: Stats };
  samples: BenchSample[];
}

/** Boot end (every step before `ready`) and the time from there to the ready step's end. */
export function splitTimings(timings: readonly StepTiming[]): { bootMs: number; readyMs: number } {
  const end = (t: StepTiming) => t.startMs + t.durationMs;
  const boot = Math.max(0, ...timings.filter((t) => t.phase !== 'ready').map(end));
  const ready = timings.find((t) => t.phase === 'ready');
  return { bootMs: boot, readyMs: ready ? end(ready) - boot : NaN };
}

function stepKinds(timings: readonly StepTiming[]): BenchSample['steps'] {
  const out: BenchSample['steps'] = {};
  for (const t of timings) {
    const kind = t.id.split(':')[0] ?? t.id;
    const k = (out[kind] ??= { count: 0, sumMs: 0, lastEndMs: 0 });
    k.count++;
    k.sumMs = round(k.sumMs + t.durationMs);
    k.lastEndMs = round(Math.max(k.lastEndMs, t.startMs + t.durationMs));
  }
  return out;
}

export async function measureBoot(name: string, spec: ScenarioSpec, runs: number, options: { concurrency?: number; signal: AbortSignal; runsDir: string; log: (line: string) => void }): Promise<BenchResult> {
  const plan = planScenario(spec);
  const samples: BenchSample[] = [];
  await waitKernelCleanup(options.signal); // whatever ran before us
  for (let i = 0; i < runs; i++) {
    const ctx: RunContext = openRun(plan, { provider: 'netns', signal: options.signal, reportsDir: options.runsDir });
    let timings: StepTiming[];
    let teardownMs = NaN;
    try {
      timings = await executePlan(plan, ctx.provider, { concurrency: options.concurrency, signal: options.signal, runDir: ctx.runDir });
    } finally {
      teardownMs = await closeRun(ctx);
    }
    const kernelCleanupMs = await waitKernelCleanup(options.signal);
    const anchor = await measureBatchBuild(plan, join(options.runsDir, 'anchor'));
    await waitKernelCleanup(options.signal);
    const { bootMs, readyMs } = splitTimings(timings);
    samples.push({
      bootMs: round(bootMs),
      readyMs: round(readyMs),
      teardownMs: round(teardownMs),
      kernelCleanupMs: round(kernelCleanupMs),
      anchorBuildMs: round(anchor.buildMs),
      anchorTeardownMs: round(anchor.teardownMs),
      steps: stepKinds(timings),
    });
    options.log(
      `  ${name} run ${i + 1}/${runs}: boot ${bootMs.toFixed(1)} ms (ip -batch script ${anchor.buildMs.toFixed(1)} ms), ready +${readyMs.toFixed(1)} ms, teardown ${teardownMs.toFixed(1)} ms (script ${anchor.teardownMs.toFixed(1)} ms), kernel cleanup ${kernelCleanupMs.toFixed(0)} ms`,
    );
  }
  const t = plan.topology;
  return {
    name,
    nodes: t.nodes.length,
    pods: t.nodes.reduce((n, x) => n + x.pods.length, 0),
    hosts: plan.hosts.length,
    steps: plan.steps.length,
    runs,
    boot: stats(samples.map((s) => s.bootMs)),
    ready: stats(samples.map((s) => s.readyMs)),
    teardown: stats(samples.map((s) => s.teardownMs)),
    kernelCleanup: stats(samples.map((s) => s.kernelCleanupMs)),
    anchorBuild: stats(samples.map((s) => s.anchorBuildMs)),
    anchorTeardown: stats(samples.map((s) => s.anchorTeardownMs)),
    speedup: { boot: ratios(samples.map((s) => s.anchorBuildMs / s.bootMs)), teardown: ratios(samples.map((s) => s.anchorTeardownMs / s.teardownMs)) },
    samples,
  };
}
