// The anchor of the boot figures: the same topology built the way one would by hand, as a script
// of `ip -batch` files run one after the other (one for the namespaces, one for the veth pairs,
// then per namespace one `ip -n NS -batch` or `bridge -n NS -batch` per run of lines of one tool,
// and `nsenter ... sysctl -w` where the plan sets sysctls). The lines are the plan's own, as
// `overlab plan` prints them for the netns provider, so both builds make the same namespaces,
// links, addresses, routes, neighbours and FDB entries; only how they reach the kernel differs.
// What the harness does after that (the readiness ping) is not part of either figure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../harness/core/process.js';
import { newRunId } from '../harness/core/run-context.js';
import { ResourceLedger } from '../harness/core/ledger.js';
import { renderHostConfig } from '../harness/plan/host-actions.js';
import type { Plan } from '../harness/plan/types.js';
import { createProvider } from '../harness/providers/registry.js';

/** One process of the script: argv, and the batch file's lines when it reads one. */
interface ScriptLine {
  argv: string[];
  batch?: string[];
}

/** A batch file line: iproute2 splits on blanks and honours double quotes. */
const batchLine = (words: readonly string[]) => words.map((w) => (/^[^\s"]+$/.test(w) ? w : JSON.stringify(w))).join(' ');

/** The script for `plan` with namespaces named for `runId`, and the one that deletes them. */
export function batchScript(plan: Plan, runId: string): { build: ScriptLine[]; teardown: ScriptLine; namespaces: string[] } {
  const provider = createProvider('netns', { runId, ledger: new ResourceLedger('/nonexistent') });
  const build: ScriptLine[] = [];
  const namespaces: string[] = [];
  // Consecutive lines of one tool in one namespace share a batch file, as a script would have it.
  const append = (key: string, argv: string[], line: string[]) => {
    const last = build.at(-1);
    if (last?.batch && last.argv.join(' ') === argv.join(' ') && key !== 'sysctl') last.batch.push(batchLine(line));
    else build.push({ argv, batch: [batchLine(line)] });
  };
  for (const step of plan.steps) {
    const a = step.action;
    if (a.type === 'create-hosts') {
      for (const argv of provider.render(a)) {
        namespaces.push(argv.at(-1)!);
        append('hosts', ['ip', '-batch'], argv.slice(1));
      }
    } else if (a.type === 'wire') {
      for (const argv of provider.render(a)) append('wire', ['ip', '-batch'], argv.slice(1));
    } else if (a.type === 'host-config') {
      for (const bulk of renderHostConfig(a)) {
        const ns = provider.locationOf(bulk.host);
        if (bulk.type === 'ip' || bulk.type === 'bridge') for (const l of bulk.lines) append(`${bulk.type} ${ns}`, [bulk.type, '-n', ns, '-batch'], [...l]);
        else if (bulk.type === 'sysctl') build.push({ argv: provider.render(bulk)[0]! });
        else throw new Error(`the ip -batch anchor has no nft: ${plan.scenario} is not a topology it can build`);
      }
    }
    // write-files, spawn, exec and waits are the harness's, not the topology's.
  }
  return { build, teardown: { argv: ['ip', '-force', '-batch'], batch: namespaces.map((n) => `netns del ${n}`) }, namespaces };
}

async function runScript(lines: readonly ScriptLine[], dir: string, label: string): Promise<number> {
  // The files are written before the clock starts: a script's files exist before it runs.
  const argvs = lines.map((l, i) => {
    if (!l.batch) return l.argv;
    const file = join(dir, `${label}-${i}.batch`);
    writeFileSync(file, l.batch.join('\n') + '\n');
    return [...l.argv, file];
  });
  const started = performance.now();
  for (const argv of argvs) await runProcess(argv);
  return performance.now() - started;
}

/** Builds `plan`'s topology with the script, then deletes it; ms of each. */
export async function measureBatchBuild(plan: Plan, dir: string): Promise<{ buildMs: number; teardownMs: number; namespaces: number }> {
  const runId = newRunId();
  const script = batchScript(plan, runId);
  mkdirSync(dir, { recursive: true });
  let buildMs: number;
  try {
    buildMs = await runScript(script.build, dir, `build-${runId}`);
  } catch (e) {
    await runScript([script.teardown], dir, `teardown-${runId}`).catch(() => undefined);
    throw e;
  }
  const teardownMs = await runScript([script.teardown], dir, `teardown-${runId}`);
  return { buildMs, teardownMs, namespaces: script.namespaces.length };
}
