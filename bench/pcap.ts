// Reader benchmark (issue 4, deliverable 5): our reader + decoder + summary against `tshark -r`
// (decode-as VXLAN on 8472) and `tcpdump -q -r` on the same file (made by capture.ts).
import { closeSync, openSync } from 'node:fs';
import { exitError, startProcess } from '../harness/core/process.js';
import { summarizePcap, type PcapSummary } from '../harness/pcap/summary.js';
import { findTool } from '../harness/providers/preflight.js';

/** Runs argv with stdout to /dev/null (so the tool's text output costs it, not us); returns ms. */
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
  /** Runs of our reader; the best counts (default 3). */
  oursRuns?: number;
  /** Run tshark (default true). Measured here at ~35k packets/s: ~30 s for a million packets. */
  tshark?: boolean;
  /** Run tcpdump -q (default true). */
  tcpdump?: boolean;
  /** Give tshark only the first N packets (`-c N`) and rate it on those. */
  tsharkMaxPackets?: number;
  vxlanPort?: number;
}

export interface BenchPcapResult {
  /** Packets per second: our reader + decoder + summary. */
  ours: number;
  /** `tshark -n -r FILE -d udp.port==8472,vxlan` (one summary line per packet, to /dev/null). */
  tshark?: number;
  /** `tcpdump -q -n -r FILE` (to /dev/null). */
  tcpdump?: number;
  packets: number;
  /** Wall-clock ms of each measurement. */
  ms: { ours: number; tshark?: number; tcpdump?: number };
  summary: PcapSummary;
}

/**
 * Packets per second on `file` for our reader (best of `oursRuns`, after a first run that also
 * warms the page cache), tcpdump -q and tshark. Tools that are not installed are left out.
 */
export async function benchPcap(file: string, options: BenchPcapOptions = {}): Promise<BenchPcapResult> {
  const port = options.vxlanPort ?? 8472;
  let best = Infinity;
  let summary: PcapSummary | undefined;
  for (let i = 0; i < Math.max(1, options.oursRuns ?? 3); i++) {
    const t0 = performance.now();
    summary = await summarizePcap(file, { vxlanPorts: [port] });
    best = Math.min(best, performance.now() - t0);
  }
  const packets = summary!.packets;
  const result: BenchPcapResult = { ours: packets / (best / 1000), packets, ms: { ours: best }, summary: summary! };
  if ((options.tcpdump ?? true) && findTool('tcpdump')) {
    const ms = await timeTool(['tcpdump', '-q', '-n', '-r', file]);
    result.tcpdump = packets / (ms / 1000);
    result.ms.tcpdump = ms;
  }
  if ((options.tshark ?? true) && findTool('tshark')) {
    const limit = options.tsharkMaxPackets !== undefined && options.tsharkMaxPackets < packets ? options.tsharkMaxPackets : undefined;
    const ms = await timeTool(['tshark', '-n', '-r', file, '-d', `udp.port==${port},vxlan`, ...(limit !== undefined ? ['-c', String(limit)] : [])]);
    result.tshark = (limit ?? packets) / (ms / 1000);
    result.ms.tshark = ms;
  }
  return result;
}
