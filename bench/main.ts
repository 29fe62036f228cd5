#!/usr/bin/env node
// `npm run bench`: boot and teardown times (min/median/max over N runs) for the baseline scenario
// and a generated 50-node x 4-pod topology (boot.ts), whole failover scenario runs (testbed boot,
// wall time with and without its waits, outage: scenario.ts), and `overlab pcap` as a command
// against tcpdump -q and tshark on a ~1M-packet VXLAN capture (pcap.ts). Every figure stands next
// to its anchor measured in the same rounds (the boots next to a script of ip -batch files
// building the same topology), as ratios with min/median/max. Prints the tables and writes
// reports/bench/<timestamp>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { flannelAgent } from '../harness/overlay/flannel/registry.js';
import { hideBin } from 'yargs/helpers';
import { HarnessError, PreflightError } from '../harness/core/errors.js';
import { ResourceLedger } from '../harness/core/ledger.js';
import { REPORTS_DIR } from '../harness/core/paths.js';
import { netnsAddon } from '../harness/netlink/addon.js';
import { createProvider } from '../harness/providers/registry.js';
import { loadScenario } from '../harness/scenario/resolve.js';
import type { ScenarioSpec } from '../harness/spec/schema.js';
import { measureBoot, type BenchResult } from './boot.js';
import { makeVxlanCapture } from './capture.js';
import { benchPcap, PCAP_GOAL, type BenchPcapResult } from './pcap.js';
import { measureScenario, type ScenarioBench } from './scenario.js';
import { measureDockerBoot, type DockerBench } from './docker.js';
import { formatDockerTable, formatPcapTable, formatScenarioTable, formatTable, TARGETS } from './tables.js';
import { generatedSpec } from './topology.js';

/** How the netns provider configured the namespaces measured here (OVERLAB_NETNS_CONFIG=iproute2 compares). */
function netnsConfigPath(): string {
  const { addon, why } = netnsAddon();
  return addon ? 'netlink, in-process' : `ip -batch processes (${why})`;
}

async function main(): Promise<number> {
  const args = await yargs(hideBin(process.argv))
    .scriptName('overlab-bench')
    .usage('$0 [options]: boot and teardown times for baseline and a generated 50-node x 4-pod topology')
    .option('runs', { type: 'number', describe: 'runs per topology (default: 7 for baseline, 5 for 50x4)' })
    .option('only', { type: 'string', choices: ['baseline', '50x4', 'failover', 'pcap', 'docker'], describe: 'measure one case only' })
    .option('docker', { type: 'boolean', default: false, describe: 'also the docker provider\'s baseline boot against docker run of the same images (needs dockerd; run under flock /tmp/overlab-docker.lock)' })
    .option('pcap-packets', { type: 'number', default: 1_000_000, describe: 'packets in the capture the pcap reader is measured on' })
    .option('pcap-rounds', { type: 'number', default: 5, describe: 'rounds of `overlab pcap` against tcpdump -q (each round runs both)' })
    .option('tshark-rounds', { type: 'number', default: 3, describe: 'rounds of `overlab pcap` against tshark (~30 s each on a million packets)' })
    .option('concurrency', { type: 'number', describe: 'steps at once (executePlan default: 6)' })
    .option('out', { type: 'string', describe: 'where to write the JSON (default: reports/bench/<timestamp>.json)' })
    .strict()
    .help()
    .parseAsync();

  const probe = createProvider('netns', { runId: 'bench', ledger: new ResourceLedger('/nonexistent') });
  const missing = (await probe.preflight()).filter((p) => !p.ok);
  if (missing.length > 0) throw new PreflightError(missing.map((m) => ({ what: m.what, fix: m.fix })));

  const controller = new AbortController();
  let received: string | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (received) return;
      received = sig;
      process.stderr.write(`bench: ${sig}: stopping after tearing down the current run\n`);
      controller.abort(new Error(sig));
    });
  }

  const runsDir = mkdtempSync(join(tmpdir(), 'overlab-bench-'));
  const startedAt = new Date();
  const results: BenchResult[] = [];
  const scenarioResults: ScenarioBench[] = [];
  const dockerResults: DockerBench[] = [];
  let pcapResult: Omit<BenchPcapResult, 'summary'> | undefined;
  const log = (line: string) => console.log(line);
  try {
    const cases: { name: string; spec: () => ScenarioSpec; runs: number }[] = [
      { name: 'baseline', spec: () => loadScenario('baseline'), runs: args.runs ?? 7 },
      { name: '50x4', spec: () => generatedSpec(50, 4), runs: args.runs ?? 5 },
    ];
    for (const c of cases) {
      if (args.only && args.only !== c.name) continue;
      results.push(await measureBoot(c.name, c.spec(), c.runs, { concurrency: args.concurrency, signal: controller.signal, runsDir, log }));
    }
    if (args.only === 'docker' || (!args.only && args.docker)) dockerResults.push(await measureDockerBoot('baseline', loadScenario('baseline'), args.runs ?? 5, { signal: controller.signal, runsDir, log }));
    if (!args.only || args.only === 'failover') {
      // Both flannel agents, alternating run by run would mix their kernel cleanup; one after the other.
      const agents = ['emulated', ...(flannelAgent('flanneld').missing().length === 0 ? ['flanneld'] : [])];
      for (const agent of agents) scenarioResults.push(await measureScenario('failover', args.runs ?? 5, { signal: controller.signal, log, agent }));
    }
    if (!args.only || args.only === 'pcap') {
      // A capture of real VXLAN traffic made on a throwaway two-namespace testbed, then the same
      // file through our reader (read + decode + summary), tshark and tcpdump -q.
      const file = join(runsDir, 'vxlan.pcap');
      log(`  pcap: capturing ${args.pcapPackets} VXLAN packets...`);
      const made = await makeVxlanCapture(file, args.pcapPackets, { signal: controller.signal });
      log(`  pcap: ${made.packets} packets captured in ${(made.durationMs / 1000).toFixed(1)} s; reading...`);
      const { summary: _summary, ...r } = await benchPcap(file, { rounds: args.pcapRounds, tsharkRounds: args.tsharkRounds });
      pcapResult = r;
    }
  } catch (e) {
    if (received) {
      process.stderr.write(`bench: interrupted by ${received}; every run was torn down\n`);
      return received === 'SIGINT' ? 130 : 143;
    }
    throw e;
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }

  console.log('');
  console.log(`netns configuration: ${netnsConfigPath()}\n`);
  if (results.length) console.log(formatTable(results));
  if (dockerResults.length) console.log('\n' + formatDockerTable(dockerResults));
  if (scenarioResults.length) console.log('\n' + formatScenarioTable(scenarioResults));
  if (pcapResult) console.log('\n' + formatPcapTable(pcapResult));
  const out = args.out ?? join(REPORTS_DIR, 'bench', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  const report = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    host: { cpus: availableParallelism(), kernel: release(), node: process.version },
    netnsConfiguration: netnsConfigPath(),
    concurrency: args.concurrency ?? 6,
    targets: { ...TARGETS, pcapCommandVsTcpdump: PCAP_GOAL },
    results,
    docker: dockerResults,
    scenarios: scenarioResults,
    pcap: pcapResult,
  };
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof HarnessError ? e.message : ((e as Error)?.stack ?? String(e))}\n`);
      process.exit(e instanceof HarnessError ? e.exitCode : 2);
    },
  );
}
