// Reader benchmark (issue 16, item 6): `overlab pcap FILE` measured as a user runs it, the whole
// process from spawn to exit, against the whole `tcpdump -q -n -r FILE` and `tshark -n -r FILE`
// processes on the same capture (made by capture.ts). Each round runs ours and its anchor one
// after the other (the order alternating round by round, so a busy moment of the machine does
// not always fall on the same one), and the round's ratio is the anchor's wall time over ours:
// how many times tcpdump's throughput `overlab pcap` has. Our reader inside this process (no
// process start, no module loading) is measured too, as the reader's own ceiling.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { exitError, startProcess } from '../harness/core/process.js';
import { PROJECT_ROOT } from '../harness/core/paths.js';
import { summarizePcap, type PcapSummary } from '../harness/pcap/summary.js';
import { findTool } from '../harness/providers/preflight.js';
import { ratios, round, stats, type Stats } from './stats.js';

/** The goal for `overlab pcap` as a command: at least this many times tcpdump -q's throughput. */
export const PCAP_GOAL = 5;

const CLI = join(PROJECT_ROOT, 'dist', 'harness', 'cli', 'main.js');

/** Runs argv with stdout to /dev/null (its text output costs it, not us); returns wall ms. */
async function timeTool(argv: readonly string[]): Promise<number> {
  const devnull = openSync('/dev/null', 'w');
  const started = performance.now();
  try {
    const p = startProcess(argv, { stdout: devnull, stderr: 'lines' });
    let err = '';
    p.onStderrLine((l) => (err = (err + l + '\n').slice(-4000)));
    const exit = await p.closed;
    if (exit.code !== 0) throw exitError(argv, exit, err);
    return performance.now() - started;
  } finally {
    closeSync(devnull);
  }
}

export interface BenchPcapOptions {
  /** Rounds of ours against tcpdump (default 5). */
  rounds?: number;
  /** Rounds of ours against tshark (default 3; tshark reads ~35k packets/s here, ~30 s a million). */
  tsharkRounds?: number;
  /** Run tshark (default true) and tcpdump (default true) when they are installed. */
  tshark?: boolean;
  tcpdump?: boolean;
  vxlanPort?: number;
}

/** One anchor: its wall times, ours in the same rounds, and the per-round ratio (anchor / ours). */
export interface AnchorFigures {
  argv: string[];
  rounds: number;
  ms: Stats;
  oursMs: Stats;
  /** How many times the anchor's throughput `overlab pcap` has, per round. */
  speedup: Stats;
}

export interface BenchPcapResult {
  packets: number;
  /** `node dist/harness/cli/main.js pcap FILE`. */
  command: string[];
  /** Every round's wall time of the command (all anchors' rounds). */
  commandMs: Stats;
  tcpdump?: AnchorFigures;
  tshark?: AnchorFigures;
  /** summarizePcap in this process, best of 3 (no process start, no imports). */
  inProcessMs: number;
  summary: PcapSummary;
}

async function against(anchor: string[], ours: string[], rounds: number, all: number[]): Promise<AnchorFigures> {
  const a: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      o.push(await timeTool(ours));
      a.push(await timeTool(anchor));
    } else {
      a.push(await timeTool(anchor));
      o.push(await timeTool(ours));
    }
  }
  all.push(...o);
  return { argv: anchor, rounds, ms: stats(a), oursMs: stats(o), speedup: ratios(a.map((ms, i) => ms / o[i]!)) };
}

export async function benchPcap(file: string, options: BenchPcapOptions = {}): Promise<BenchPcapResult> {
  const port = options.vxlanPort ?? 8472;
  const command = [process.execPath, CLI, 'pcap', file, '--vxlan-port', String(port)];
  // The first pass also brings the file into the page cache, for every tool alike.
  let inProcessMs = Infinity;
  let summary: PcapSummary | undefined;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    summary = await summarizePcap(file, { vxlanPorts: [port] });
    inProcessMs = Math.min(inProcessMs, performance.now() - t0);
  }
  const all: number[] = [];
  const result: BenchPcapResult = { packets: summary!.packets, command, commandMs: stats([]), inProcessMs: round(inProcessMs), summary: summary! };
  if ((options.tcpdump ?? true) && findTool('tcpdump')) result.tcpdump = await against(['tcpdump', '-q', '-n', '-r', file], command, options.rounds ?? 5, all);
  if ((options.tshark ?? true) && findTool('tshark')) result.tshark = await against(['tshark', '-n', '-r', file, '-d', `udp.port==${port},vxlan`], command, options.tsharkRounds ?? 3, all);
  if (all.length === 0) all.push(await timeTool(command));
  result.commandMs = stats(all);
  return result;
}
