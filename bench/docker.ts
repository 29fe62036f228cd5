// The docker provider's boot next to its anchor: `docker run -d` of the same images, one
// container per node, unit and client of the plan, three at a time as the provider starts them,
// with the same network mode and capabilities, then `docker rm -f` of them all. The round's
// ratio is the anchor's time over the provider's boot (which also wires the segments, makes the
// pods' namespaces and configures every host, so the anchor is the floor Docker itself sets).
import PQueue from 'p-queue';
import { runProcess } from '../harness/core/process.js';
import { closeRun, newRunId, openRun, type RunContext } from '../harness/core/run-context.js';
import { executePlan, type StepTiming } from '../harness/plan/execute.js';
import { planScenario } from '../harness/plan/plan.js';
import { CAPS, IMAGE_OF } from '../harness/providers/docker/containers.js';
import { dockerClient } from '../harness/providers/docker/engine.js';
import { ensureImages } from '../harness/providers/docker/images.js';
import { runLabels } from '../harness/providers/docker/names.js';
import type { ScenarioSpec } from '../harness/spec/schema.js';
import { splitTimings } from './boot.js';
import { ratios, round, stats, type Stats } from './stats.js';

export interface DockerBench {
  name: string;
  containers: number;
  runs: number;
  boot: Stats;
  teardown: Stats;
  dockerRun: Stats;
  dockerRm: Stats;
  /** Per round: docker run's time / the provider's boot (below 1: the boot costs more than the bare containers). */
  speedup: { boot: Stats; teardown: Stats };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

export async function measureDockerBoot(name: string, spec: ScenarioSpec, runs: number, options: { signal: AbortSignal; runsDir: string; log: (line: string) => void }): Promise<DockerBench> {
  const plan = planScenario(spec);
  const { tags } = await ensureImages(dockerClient());
  const hosts = plan.hosts.filter((h) => h.kind !== 'switch' && !h.parent && h.kind !== 'pod');
  const samples: { boot: number; teardown: number; run: number; rm: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const ctx: RunContext = openRun(plan, { provider: 'docker', signal: options.signal, reportsDir: options.runsDir });
    let timings: StepTiming[];
    let teardown = NaN;
    try {
      timings = await executePlan(plan, ctx.provider, { signal: options.signal, runDir: ctx.runDir });
    } finally {
      teardown = await closeRun(ctx);
    }
    const id = newRunId();
    const names = hosts.map((h) => `ol-${id}-${h.id}`);
    const queue = new PQueue({ concurrency: 3 });
    const labels = Object.entries(runLabels(id)).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    const start = () =>
      Promise.all(
        hosts.map((h, j) =>
          queue.add(() =>
            runProcess(['docker', 'run', '-d', '--name', names[j]!, ...labels, '--network', 'none', ...CAPS.flatMap((c) => ['--cap-add', c]), '--security-opt', 'seccomp=unconfined', tags[IMAGE_OF[h.kind]!]]),
          ),
        ),
      );
    const remove = () => timed(() => runProcess(['docker', 'rm', '-f', ...names], { allowFailure: true }));
    let run: number;
    try {
      run = await timed(start);
    } catch (e) {
      await remove();
      throw e;
    }
    const rm = await remove();
    samples.push({ boot: splitTimings(timings).bootMs, teardown, run, rm });
    options.log(`  docker ${name} run ${i + 1}/${runs}: boot ${splitTimings(timings).bootMs.toFixed(0)} ms (docker run ${run.toFixed(0)} ms), teardown ${teardown.toFixed(0)} ms (docker rm -f ${rm.toFixed(0)} ms)`);
  }
  return {
    name,
    containers: hosts.length,
    runs,
    boot: stats(samples.map((s) => round(s.boot))),
    teardown: stats(samples.map((s) => round(s.teardown))),
    dockerRun: stats(samples.map((s) => round(s.run))),
    dockerRm: stats(samples.map((s) => round(s.rm))),
    speedup: { boot: ratios(samples.map((s) => s.run / s.boot)), teardown: ratios(samples.map((s) => s.rm / s.teardown)) },
  };
}
