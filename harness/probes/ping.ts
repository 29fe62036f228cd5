// ICMP probes with iputils ping, inside a host of the testbed, to a testbed address.
import type { NodeHandle } from '../providers/types.js';

export interface PingResult {
  from: string;
  to: string;
  /** ICMP payload bytes (`ping -s`). */
  size: number;
  dontFragment: boolean;
  ok: boolean;
  rttMs?: number;
  /** ping's own words when it failed (e.g. "message too long"). */
  detail: string;
}

export async function ping(node: NodeHandle, to: string, options: { size?: number; dontFragment?: boolean; timeoutS?: number } = {}): Promise<PingResult> {
  const size = options.size ?? 56;
  // -i 0.02: after a local error (a DF probe over the link MTU: "message too long") ping waits an
  // interval, or -W when that is shorter, before it gives up; at the default 1 s interval every
  // too-big probe of the pmtu check cost 0.5 s. A probe that was sent still waits -W for its
  // reply. Intervals under 0.2 s need root, which every host of a run has.
  const argv = ['ping', '-n', '-c', '1', '-i', '0.02', '-W', String(options.timeoutS ?? 1), '-s', String(size), ...(options.dontFragment ? ['-M', 'do'] : []), to];
  const r = await node.exec(argv, { allowFailure: true });
  const rtt = /time=([\d.]+) ms/.exec(r.stdout);
  const lines = (r.stderr + '\n' + r.stdout).split('\n').map((l) => l.trim()).filter(Boolean);
  const detail = r.exitCode === 0 ? 'reply' : (lines.find((l) => /local error|too long|unreachable|frag needed/i.test(l)) ?? lines.find((l) => /packets transmitted/.test(l)) ?? `exit ${r.exitCode}`);
  return { from: node.id, to, size, dontFragment: options.dontFragment ?? false, ok: r.exitCode === 0, rttMs: rtt ? Number(rtt[1]) : undefined, detail };
}
