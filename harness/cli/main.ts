#!/usr/bin/env node
// The overlab command line. Exit codes (design.md §4): 0 passed or reproduced, 1 an assertion
// failed, 2 the harness could not run; 130/143 when interrupted (after teardown).
import type { ProviderOptions } from '../providers/types.js';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { HarnessError } from '../core/errors.js';
import { loadScenario, scenarioNames } from '../scenario/resolve.js';
import { planScenario } from '../plan/plan.js';
import { createProvider, providerKinds } from '../providers/registry.js';
import { flannelAgentKinds, resolveAgent } from '../overlay/flannel/registry.js';
import type { ScenarioSpec } from '../spec/schema.js';
import { validateSpec } from '../spec/load.js';
import { ResourceLedger } from '../core/ledger.js';
import { formatPlan } from './print-plan.js';
import { exitCodeOf, runScenario } from '../scenario/run.js';
import { clean } from './clean.js';
import { runAll } from './run-all.js';
import { runMatrix } from './run-matrix.js';
import { soakOptions } from './soak-options.js';
import { doctor } from './doctor.js';
import { findRun, isAlive, listRuns } from '../core/registry.js';
import { closeRun } from '../core/run-context.js';
import { NotFoundError } from '../core/errors.js';
import { runOnTerminal } from '../core/process.js';
import { tableLines } from '../core/table.js';
import { createProgress, plannedPhases, printPhase, printSummary } from './output.js';
import { bundleAfterRun, reportCommand } from './cmd-report.js';
import { pcapCommand } from './cmd-pcap.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Options of the providers that reach existing machines (ssh), and the kind provider's sources. */
interface ProviderArgs {
  inventory?: string;
  'ssh-accept-new'?: boolean;
  'flannel-manifest'?: string;
  'flannel-image'?: string;
  'flannel-cni-plugin-image'?: string;
  'pod-image'?: string;
  'kind-image'?: string;
}
const providerOptionsOf = (args: ProviderArgs): ProviderOptions => ({
  inventory: args.inventory,
  acceptNewHostKeys: args['ssh-accept-new'],
  kind: { flannelManifest: args['flannel-manifest'], flannelImage: args['flannel-image'], cniPluginImage: args['flannel-cni-plugin-image'], podImage: args['pod-image'], nodeImage: args['kind-image'] },
});
/** The kind provider's options (ignored by the others). */
const KIND_OPTIONS = {
  'flannel-manifest': { type: 'string', describe: 'with --provider kind: a kube-flannel.yml (default: the Go module cache\'s flannel@v0.28.9 copy, else the release URL)' },
  'flannel-image': { type: 'string', describe: 'with --provider kind: replaces the manifest\'s ghcr.io/flannel-io/flannel image' },
  'flannel-cni-plugin-image': { type: 'string', describe: 'with --provider kind: replaces the manifest\'s flannel-cni-plugin image' },
  'pod-image': { type: 'string', describe: 'with --provider kind: the pods\' image (needs socat; default: the docker provider\'s node image, loaded into the nodes)' },
  'kind-image': { type: 'string', describe: 'with --provider kind: the kind node image (default kindest/node:v1.37.0, or $OVERLAB_KIND_IMAGE)' },
} as const;
const INVENTORY_OPTION = { type: 'string', describe: 'with --provider ssh: the inventory (YAML) of the machines that play the hosts' } as const;
const BIGIP_INVENTORY_OPTION = { type: 'string', default: process.env.OVERLAB_BIGIP_INVENTORY, describe: 'an inventory of real BIG-IP units (VEs) by the scenario\'s unit names, driven with tmsh over SSH (default $OVERLAB_BIGIP_INVENTORY)' } as const;
const ACCEPT_NEW_OPTION = { type: 'boolean', default: false, describe: 'with --provider ssh: record a machine\'s first host key in known_hosts (a changed key still fails)' } as const;
const AGENT_OPTION = { type: 'string', choices: flannelAgentKinds(), describe: "who programs flannel's state: overrides the scenario's flannel.agent" } as const;

/** The scenario with its flannel agent overridden from the command line, checked again (a fault step may need flanneld). */
function withAgent(spec: ScenarioSpec, agent: string | undefined): ScenarioSpec {
  return agent ? validateSpec({ ...spec, flannel: { ...spec.flannel, agent } }, `${spec.name} with --agent ${agent}`) : spec;
}

/** Ctrl-C and SIGTERM abort the run; the run tears down and then the process exits. */
function abortOnSignals(): { signal: AbortSignal; received: () => string | undefined } {
  const controller = new AbortController();
  let received: string | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (received) {
        process.stderr.write(`overlab: ${sig} again; still tearing down, please wait\n`);
        return;
      }
      received = sig;
      process.stderr.write(`overlab: ${sig}: stopping and tearing down\n`);
      controller.abort(new Error(sig));
    });
  }
  return { signal: controller.signal, received: () => received };
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  await yargs(argv)
    .scriptName('overlab')
    .usage('$0 <command> [options]')
    .command(
      'plan <scenario>',
      'print the plan: every name, address and MAC, and the argv of every step (no root needed)',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'a name from `overlab list` or a path to a .yaml file' })
          .option('provider', { type: 'string', default: 'netns', choices: providerKinds() })
          .option('agent', AGENT_OPTION)
          .option('inventory', INVENTORY_OPTION)
          .options(KIND_OPTIONS),
      (args) => {
        const spec = withAgent(loadScenario(args.scenario), args.agent);
        // The agent a run on this provider would use here (flanneld where it is installed, on netns).
        const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: resolveAgent(spec.flannel.agent, args.provider) } });
        const provider = createProvider(args.provider, { runId: 'RUN', ledger: new ResourceLedger('/nonexistent'), options: providerOptionsOf(args), topology: plan.topology });
        console.log(formatPlan(plan, provider));
      },
    )
    .command(
      ['scenario [scenario]', 'run [scenario]'],
      'boot the testbed, run the checks, tear down, write the report (--all: the whole library)',
      (y) =>
        y
          .positional('scenario', { type: 'string', describe: 'a name from `overlab list` or a path to a .yaml file' })
          .option('provider', { type: 'string', choices: providerKinds() })
          .option('agent', AGENT_OPTION)
          .option('inventory', INVENTORY_OPTION)
          .option('bigip-inventory', BIGIP_INVENTORY_OPTION)
          .option('ssh-accept-new', ACCEPT_NEW_OPTION)
          .options(KIND_OPTIONS)
          .option('all', { type: 'boolean', default: false, describe: 'run every scenario in scenarios/ and print one table' })
          .option('parallel', { type: 'number', default: 1, describe: 'with --all: this many scenarios at once' })
          .option('bundle', { type: 'boolean', default: false, describe: 'also pack the run directory into reports/<scenario>/<run>.tar.gz' })
          .option('soak', { type: 'string', describe: 'keep the testbed up with traffic and fail over again and again for this long (e.g. 5m, 2h): outage percentiles and drift checks' })
          .option('failover-every', { type: 'string', default: '30s', describe: 'with --soak: the time between failovers' })
          .option('failovers', { type: 'number', describe: 'with --soak: stop after this many failovers instead of a duration' })
          .option('matrix', { type: 'string', array: true, describe: 'cross parameters: path=v1,v2 ... (e.g. flannel.vni=0,1 flannel.learning=true,false nodes=2,5); one run per combination, one table, one junit.xml' }),
      async (args) => {
        const { signal, received } = abortOnSignals();
        if (args.all) {
          code = (await runAll({ parallel: args.parallel, provider: args.provider, agent: args.agent, signal })).code;
        } else {
          if (!args.scenario) throw new UsageError('name a scenario (see `overlab list`), or use --all');
          const spec = withAgent(loadScenario(args.scenario), args.agent);
          if (args.matrix?.length) {
            code = (await runMatrix(spec, args.matrix, { provider: args.provider, providerOptions: providerOptionsOf(args), signal, parallel: args.parallel })).code;
            const sig = received();
            if (sig) code = SIGNAL_EXIT[sig] ?? 2;
            return;
          }
          const providerKind = args.provider ?? spec.provider ?? 'netns';
          const progress = createProgress(`${spec.name} on ${providerKind}, flannel ${resolveAgent(spec.flannel.agent, providerKind)}`, plannedPhases(spec));
          const soak = args.soak !== undefined || args.failovers !== undefined ? soakOptions(args.soak, args['failover-every'], args.failovers) : undefined;
          const report = await runScenario(spec, { provider: args.provider, providerOptions: providerOptionsOf(args), bigipInventory: args['bigip-inventory'], soak, signal, onPhase: progress.phase, onAssertion: progress.assertion }).finally(() => progress.stop());
          code = exitCodeOf(report.status);
          if (args.bundle) {
            await bundleAfterRun(report).catch((e: Error) => {
              process.stderr.write(`overlab: could not bundle ${report.runDir}: ${e.message}\n`);
              code = Math.max(code, 2);
            });
          }
          printSummary(report);
        }
        const sig = received();
        if (sig) code = SIGNAL_EXIT[sig] ?? 2;
      },
    )
    .command(
      'up <scenario>',
      'boot the testbed and keep it (explore with `overlab exec`, remove with `overlab down`)',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true })
          .option('provider', { type: 'string', choices: providerKinds() })
          .option('agent', AGENT_OPTION)
          .option('inventory', INVENTORY_OPTION)
          .option('ssh-accept-new', ACCEPT_NEW_OPTION)
          .options(KIND_OPTIONS),
      async (args) => {
        const spec = withAgent(loadScenario(args.scenario), args.agent);
        const { signal } = abortOnSignals();
        const report = await runScenario(spec, { provider: args.provider, providerOptions: providerOptionsOf(args), keep: true, signal, onPhase: printPhase });
        if (report.status === 'error') {
          printSummary(report);
          code = 2;
          return;
        }
        const record = findRun(report.runId);
        console.log(`run ${report.runId} is up (${report.metrics.bootMs} ms). Hosts:`);
        for (const line of tableLines(Object.entries(record?.hosts ?? {}), { indent: '  ' })) console.log(line);
        console.log(`try:   overlab exec ${report.runId} ${spec.nodes[0]?.name ?? 'NODE'} -- ip -br addr`);
        console.log(`done:  overlab down ${report.runId}`);
      },
    )
    .command(
      'exec <run> <host> [argv..]',
      'run a command in a host of a run that is up (put the command after --)',
      (y) => y.positional('run', { type: 'string', demandOption: true }).positional('host', { type: 'string', demandOption: true }).positional('argv', { type: 'string', array: true }),
      (args) => {
        const record = findRun(args.run);
        if (!record) throw new NotFoundError(`no run ${args.run}; see \`overlab list\``);
        const location = record.hosts[args.host];
        if (!location) throw new NotFoundError(`run ${record.runId} has no host "${args.host}"; hosts: ${Object.keys(record.hosts).join(', ')}`);
        const command = [...(args.argv ?? []), ...((args['--'] as string[] | undefined) ?? [])].map(String);
        const provider = createProvider(record.provider, { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
        const node = provider.node(args.host);
        const full = provider.execArgv(node.location, command.length ? command : ['bash']);
        code = runOnTerminal(full).code ?? 2;
      },
    )
    .command(
      'down <run>',
      'tear down a run that is up',
      (y) => y.positional('run', { type: 'string', demandOption: true }),
      async (args) => {
        const record = findRun(args.run);
        if (!record) throw new NotFoundError(`no run ${args.run}; see \`overlab list\``);
        if (!record.kept && isAlive(record.pid, record.pidStartTicks) && record.pid !== process.pid) throw new HarnessError(`run ${record.runId} is in progress (pid ${record.pid}); stop that process instead`);
        const provider = createProvider(record.provider, { runId: record.runId, ledger: new ResourceLedger(record.runDir) });
        const ms = await closeRun({ runId: record.runId, ledger: new ResourceLedger(record.runDir), provider });
        console.log(`run ${record.runId} is down (${ms.toFixed(1)} ms)`);
      },
    )
    .command(
      'clean',
      'remove every namespace and process of ours left by killed or kept runs',
      (y) =>
        y
          .option('force', { type: 'boolean', default: false, describe: 'also runs whose owner process is alive' })
          .option('images', { type: 'boolean', default: false, describe: 'also the docker provider\'s cached images' }),
      async (args) => {
        const results = await clean({ force: args.force, images: args.images });
        let removed = 0;
        for (const r of results) {
          removed += r.removed;
          if (r.skipped) console.log(`run ${r.runId}: skipped, ${r.skipped}`);
          else console.log(`run ${r.runId}: removed ${r.removed} ${r.what}${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
          if (r.errors.length) code = 2;
          // A run left alone (its owner still runs) is something left: not a clean exit.
          else if (r.skipped) code = Math.max(code, 1);
        }
        console.log(removed === 0 && results.length === 0 ? 'nothing of ours to clean' : `clean: ${removed} ${results.every((r) => r.what === 'namespace(s)') ? 'namespace(s)' : 'resource(s)'} removed`);
      },
    )
    .command(
      'doctor',
      'check every prerequisite and say how to fix what is missing',
      (y) => y.option('provider', { type: 'string', default: 'netns', choices: providerKinds() }).option('inventory', INVENTORY_OPTION).option('ssh-accept-new', ACCEPT_NEW_OPTION).options(KIND_OPTIONS),
      async (args) => {
        const checks = await doctor(args.inventory && args.provider === 'netns' ? 'ssh' : args.provider, providerOptionsOf(args));
        const rows = checks.map((c) => [c.ok ? 'ok' : 'MISSING', c.what, c.ok ? c.detail : `${c.detail}\n        fix: ${c.fix}`]);
        for (const line of tableLines(rows, { maxWidth: 60 })) console.log(line);
        code = checks.every((c) => c.ok) ? 0 : 2;
      },
    )
    .command(
      'list',
      'list the scenarios and the runs that are up',
      (y) => y,
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
    )
    .command(pcapCommand)
    .command(reportCommand)
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .parserConfiguration({ 'populate--': true })
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help()
    .parseAsync();
  return code;
}

class UsageError extends HarnessError {}

// If the work ever stalls with nothing left to wait on, Node would exit 0 with the promise
// unsettled: a run that did not finish must never look like a pass.
process.on('beforeExit', () => {
  process.stderr.write('overlab: internal error: the command stopped without finishing (nothing left to wait on)\n');
  process.exit(2);
});

main(hideBin(process.argv)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof HarnessError) {
      process.stderr.write(`overlab: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`overlab: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(2);
  },
);
