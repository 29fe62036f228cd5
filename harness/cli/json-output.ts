// `--output json`: the machine-readable face of `scenario`, `list` and `plan` for CI jobs. Each
// prints one JSON document on stdout; the human lines go to stderr meanwhile. The shapes are
// defined here as schemas (a test validates real output against them) and are a public interface
// like report.json: add fields freely, never rename or remove these (`schemaVersion` says which).
import { Type, type Static } from '@sinclair/typebox';
import { join } from 'node:path';
import type { RunReport } from '../report/types.js';
import { expectedFailure, failoverOutcome } from '../report/verdict.js';
import { exitCodeOf } from '../scenario/run.js';
import type { Plan } from '../plan/types.js';
import type { Provider } from '../providers/types.js';
import { hostActions } from '../plan/host-actions.js';

const STATUS = Type.Union(['passed', 'failed', 'reproduced', 'not-reproducible', 'kept', 'error'].map((s) => Type.Literal(s)));

export const RunSummarySchema = Type.Object(
  {
    scenario: Type.String(),
    provider: Type.String(),
    status: STATUS,
    exitCode: Type.Integer({ description: 'what this run alone would exit with' }),
    runId: Type.String({ description: '"-" for a run that never started' }),
    runDir: Type.String({ description: 'empty for a run that never started' }),
    report: Type.Optional(Type.String({ description: 'report.json, absolute' })),
    junit: Type.Optional(Type.String({ description: "the run directory's junit.xml, absolute" })),
    html: Type.Optional(Type.String({ description: 'report.html, absolute' })),
    durationMs: Type.Number({ minimum: 0 }),
    counts: Type.Object({
      assertions: Type.Integer({ minimum: 0 }),
      passed: Type.Integer({ minimum: 0 }),
      failed: Type.Integer({ minimum: 0, description: 'failed and not part of a declared symptom' }),
      expectedFailures: Type.Integer({ minimum: 0, description: "failed as the reproduction declares (XFAIL)" }),
    }),
    metrics: Type.Record(Type.String(), Type.Number(), { description: "report.json's metrics" }),
    failover: Type.Optional(Type.Object({ recovered: Type.Boolean(), outageMs: Type.Optional(Type.Number({ minimum: 0 })) })),
    reproduction: Type.Optional(Type.Object({ verdict: Type.String() })),
    error: Type.Optional(Type.Object({ name: Type.String(), message: Type.String() })),
  },
  { additionalProperties: false },
);
export type RunSummary = Static<typeof RunSummarySchema>;

/** `overlab scenario <s> --output json` prints `{ schemaVersion, kind: "run", ...RunSummary }`; --all and --matrix print kind "runs". */
export const ScenarioOutputSchema = Type.Union([
  Type.Object({ schemaVersion: Type.Literal(1), kind: Type.Literal('run'), ...RunSummarySchema.properties }, { additionalProperties: false }),
  Type.Object(
    {
      schemaVersion: Type.Literal(1),
      kind: Type.Literal('runs'),
      exitCode: Type.Integer(),
      counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'runs per status' }),
      junit: Type.Optional(Type.String({ description: '--junit-file, or the matrix directory\'s junit.xml' })),
      dir: Type.Optional(Type.String({ description: 'with --matrix: the summary directory' })),
      runs: Type.Array(Type.Object({ label: Type.Optional(Type.String({ description: 'with --matrix: the combination' })), ...RunSummarySchema.properties }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
]);

export const ListOutputSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    scenarios: Type.Array(Type.Object({ name: Type.String(), group: Type.String(), description: Type.String(), valid: Type.Boolean(), error: Type.Optional(Type.String()) }, { additionalProperties: false })),
    runs: Type.Array(
      Type.Object(
        { runId: Type.String(), scenario: Type.String(), provider: Type.String(), state: Type.Union([Type.Literal('kept'), Type.Literal('running'), Type.Literal('dead-owner')]), pid: Type.Integer(), startedAt: Type.String(), runDir: Type.String() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ListOutput = Static<typeof ListOutputSchema>;

export const PlanOutputSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    scenario: Type.String(),
    provider: Type.String(),
    counts: Type.Object({ nodes: Type.Integer(), pods: Type.Integer(), hosts: Type.Integer(), steps: Type.Integer() }),
    nodes: Type.Array(
      Type.Object({
        name: Type.String(),
        role: Type.String(),
        underlayIp: Type.String(),
        underlayMac: Type.String(),
        podCidr: Type.String(),
        vtepIp: Type.String(),
        vtepMac: Type.String(),
        pods: Type.Array(Type.Object({ name: Type.String(), ip: Type.String(), mac: Type.String(), mtu: Type.Number() })),
      }),
    ),
    steps: Type.Array(
      Type.Object({
        id: Type.String(),
        phase: Type.String(),
        title: Type.String(),
        dependsOn: Type.Array(Type.String()),
        argv: Type.Array(Type.Array(Type.String()), { description: 'the commands as `overlab plan` prints them: RUN is the run id, RUNDIR the run directory' }),
      }),
    ),
  },
  { additionalProperties: false },
);

export function runSummary(r: RunReport): RunSummary {
  const failed = r.assertions.filter((a) => a.status === 'failed');
  const xfail = failed.filter((a) => r.reproduction && expectedFailure(r, a.id)).length;
  const failover = failoverOutcome(r);
  return {
    scenario: r.scenario,
    provider: r.provider,
    status: r.status,
    exitCode: exitCodeOf(r.status),
    runId: r.runId,
    runDir: r.runDir,
    ...(r.runDir ? { report: join(r.runDir, 'report.json') } : {}),
    ...(r.artifacts.junit ? { junit: join(r.runDir, r.artifacts.junit) } : {}),
    ...(r.artifacts.html ? { html: join(r.runDir, r.artifacts.html) } : {}),
    durationMs: r.durationMs,
    counts: { assertions: r.assertions.length, passed: r.assertions.length - failed.length, failed: failed.length - xfail, expectedFailures: xfail },
    metrics: r.metrics,
    ...(failover ? { failover } : {}),
    ...(r.reproduction ? { reproduction: { verdict: r.reproduction.verdict } } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

export function runsOutput(reports: readonly RunReport[], code: number, extra: { junit?: string; dir?: string; labels?: readonly string[] } = {}): object {
  const counts: Record<string, number> = {};
  for (const r of reports) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    schemaVersion: 1,
    kind: 'runs',
    exitCode: code,
    counts,
    ...(extra.junit ? { junit: extra.junit } : {}),
    ...(extra.dir ? { dir: extra.dir } : {}),
    runs: reports.map((r, i) => ({ ...(extra.labels ? { label: extra.labels[i] } : {}), ...runSummary(r) })),
  };
}

export function planOutput(plan: Plan, provider: Pick<Provider, 'kind' | 'render'>): object {
  const t = plan.topology;
  const words = (w: string) => w.replaceAll('{runDir}', 'RUNDIR').replaceAll('{run}', 'RUN');
  return {
    schemaVersion: 1,
    scenario: plan.scenario,
    provider: provider.kind,
    counts: { nodes: t.nodes.length, pods: t.nodes.reduce((n, x) => n + x.pods.length, 0), hosts: plan.hosts.length, steps: plan.steps.length },
    nodes: t.nodes.map((n) => ({ name: n.name, role: n.role, underlayIp: n.underlayIp, underlayMac: n.underlayMac, podCidr: n.podCidr, vtepIp: n.vtepIp, vtepMac: n.vtepMac, pods: n.pods.map((p) => ({ name: p.name, ip: p.ip, mac: p.mac, mtu: p.mtu })) })),
    steps: plan.steps.map((s) => ({
      id: s.id,
      phase: s.phase,
      title: words(s.title),
      dependsOn: s.dependsOn,
      // The harness's own files are data, not commands: listed as what `plan` prints for them.
      argv: s.action.type === 'write-files' ? s.action.files.map((f) => ['write', `RUNDIR/${f.path}`]) : hostActions(s.action).flatMap((a) => provider.render(a)).map((argv) => argv.map(words)),
    })),
  };
}

/** Prints the document: the only thing on stdout. */
export function printJson(doc: object): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/**
 * With --output json, stdout carries the JSON alone: what the commands print for people with
 * console.log (phase lines, tables, the summary) goes to stderr until the document is printed.
 */
export function humanLinesToStderr(): () => void {
  const saved = { log: console.log, info: console.info };
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  return () => Object.assign(console, saved);
}
