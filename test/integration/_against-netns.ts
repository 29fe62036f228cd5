// A scenario run on another provider judged against the same scenario on netns: both exit 0, the
// other run passed, and every assertion has the same id and status on both. The vagrant tests
// (docker path and libvirt VMs) use it; their own checks of what is left come after.
import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { cli, type CliResult } from './_env.js';

export type Report = { provider: string; status: string; runDir: string; assertions: { id: string; status: string }[] };

/** report.json of the run whose report path the CLI printed. */
export const reportOf = (stdout: string): Report => JSON.parse(readFileSync(/report: (\S+)/.exec(stdout)![1]!, 'utf8')) as Report;

const summary = (r: Report) => r.assertions.map((a) => `${a.id} ${a.status}`).sort();

export async function againstNetns(
  t: ExecutionContext,
  scenarioArgs: readonly string[],
  provider: string,
  options: { env: NodeJS.ProcessEnv; netnsEnv?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ run: CliResult; report: Report }> {
  const run = await cli([...scenarioArgs, '--provider', provider], { env: options.env, timeoutMs: options.timeoutMs });
  t.is(run.code, 0, run.stdout + run.stderr);
  const n = await cli([...scenarioArgs, '--provider', 'netns'], { env: options.netnsEnv ?? options.env, timeoutMs: 120_000 });
  t.is(n.code, 0, n.stdout + n.stderr);
  const report = reportOf(run.stdout);
  t.is(report.provider, provider);
  t.is(report.status, 'passed');
  t.deepEqual(summary(report), summary(reportOf(n.stdout)));
  return { run, report };
}
