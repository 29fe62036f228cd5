// Underlay capture: tcpdump inside each host, writing <host>-<interface>.pcap in the run
// directory. libpcap hands packets over in ring blocks with a timeout, so captures run with
// --immediate-mode and -U (design.md §5); a capture is "ready" only when tcpdump says it is
// listening, and it is stopped with SIGINT and waited for, so the last record is whole.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagedProcess, Transport } from '../providers/types.js';
import type { PcapArtifact } from '../report/types.js';
import { waitFor } from '../core/wait.js';
import { HarnessError } from '../core/errors.js';

export interface CaptureTarget {
  host: string;
  ifname: string;
}

export interface RunningCapture {
  target: CaptureTarget;
  file: string;
  process: ManagedProcess;
  stderr: string[];
  exitedWith?: number | string;
  /** Copies the pcap out of the host (providers with HostFiles: containers); runs after tcpdump exits. */
  fetch?: () => Promise<void>;
}

export async function startCaptures(provider: Transport, runDir: string, targets: readonly CaptureTarget[], maxPackets: number, signal?: AbortSignal): Promise<RunningCapture[]> {
  const dir = join(runDir, 'pcaps');
  mkdirSync(dir, { recursive: true });
  const captures = targets.map((target): RunningCapture => {
    const file = join(dir, `${target.host}-${target.ifname}.pcap`);
    // -c bounds the file; -s 0 keeps whole frames (VXLAN headers and the inner packet).
    // -Z root: Debian's tcpdump otherwise drops to user tcpdump, who cannot write the run directory.
    // A container writes inside itself; the file is copied out when the capture stops.
    const files = provider.files;
    const where = files ? files.pathIn(target.host, file) : file;
    const argv = ['tcpdump', '-Z', 'root', '-i', target.ifname, '-n', '-s', '0', '-U', '--immediate-mode', '-c', String(maxPackets), '-w', where];
    const proc = provider.spawn(target.host, argv, { captureStderr: true });
    const capture: RunningCapture = { target, file, process: proc, stderr: [], ...(files ? { fetch: () => files.fetch(target.host, where, file) } : {}) };
    proc.onStderrLine((line) => capture.stderr.push(line));
    void proc.exited.then((code) => (capture.exitedWith = code));
    return capture;
  });
  await waitFor(
    `tcpdump listening on ${captures.length} interfaces`,
    async () => {
      const dead = captures.find((c) => c.exitedWith !== undefined);
      if (dead) throw new CaptureError(`tcpdump on ${dead.target.host}/${dead.target.ifname} exited (${dead.exitedWith}) before it was ready: ${dead.stderr.join(' ').trim() || 'no output'}`);
      const ready = captures.filter((c) => c.stderr.some((l) => l.includes('listening on')));
      return { ok: ready.length === captures.length, seen: `${ready.length} listening; ${captures.filter((c) => !c.stderr.some((l) => l.includes('listening on'))).map((c) => `${c.target.host}/${c.target.ifname}: ${c.stderr.at(-1) ?? 'no output yet'}`).join('; ')}` };
    },
    { timeoutMs: 5000, intervalMs: 5, signal },
  );
  return captures;
}

export class CaptureError extends HarnessError {}

/**
 * Stops every capture with SIGINT and waits for tcpdump to write its last record and exit.
 * tcpdump 4.99 / libpcap 1.10 (TPACKET_V3) takes 1.5-2 s to leave its poll after SIGINT; all
 * captures are stopped at once so the run pays that once.
 */
export async function stopCaptures(captures: readonly RunningCapture[], runDir: string): Promise<PcapArtifact[]> {
  await Promise.all(
    captures.map(async (c) => {
      await c.process.stop('SIGINT', 3000);
      // A pcap that cannot be copied out is missing evidence for the assertions, not a harness error.
      await c.fetch?.().catch((e: Error) => c.stderr.push(`copying the pcap out failed: ${e.message}`));
    }),
  );
  return captures.map((c) => {
    const counted = c.stderr.map((l) => /^(\d+) packets? captured/.exec(l)).find(Boolean);
    return { node: c.target.host, interface: c.target.ifname, path: c.file.slice(runDir.length + 1), packets: counted ? Number(counted[1]) : -1 };
  });
}
