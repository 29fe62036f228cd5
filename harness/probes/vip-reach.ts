// reachability[client-to-vip]: probes from the client through each virtual server to its pool,
// TCP and UDP, never ICMP (which the unit holding the virtual address answers itself, pool or no
// pool). A TCP probe counts only when a pod of the pool answered it with its own name (the pods'
// HTTP/1.0 body, pod-http.ts); a UDP probe only when its payload came back (the pods' echo: no
// unit answers UDP :7). The pool round-robins new flows (each probe is one: its own source port),
// each protocol's rule with its own counter. TCP: two probes per pool member, all at once (the
// traffic probe's TCP connects advance the counter too, so two rounds make sure every member is
// asked). UDP: one per member, one after another: nothing else opens UDP flows to the VIP (the
// traffic probe is one flow), and the pods' echo (socat UDP4-LISTEN,fork: a child per peer)
// can hand a datagram that arrives while it forks to the wrong peer's child. A UDP probe waits
// 0.5 s for its echo whatever happens (socat cannot end at the first datagram). A member that is
// down shows as failed probes.
import type { NodeHandle } from '../providers/types.js';
import type { PingResult } from './ping.js';
import { HTTP_REQUEST, isHttpOk, podNameFromHttp } from './pod-http.js';

export interface VipTarget {
  vip: string;
  tcpPort: number;
  udpPort: number;
  /** The pool's members as their servers name themselves: `<node>/<pod>`. */
  members: readonly string[];
}

export type VipProto = 'tcp' | 'udp';

/** The payload of UDP probe `seq`: the echo must return exactly it. */
export const udpPayload = (seq: number): string => `overlab-vip-probe ${seq}\n`;

/** One probe: socat, 1 s to connect and 1 s of silence at most (UDP: 0.5 s for the echo), its request on stdin. */
export function vipProbeCommand(vip: string, port: number, proto: VipProto, seq: number): { argv: string[]; stdin: string } {
  return proto === 'tcp'
    ? { argv: ['socat', '-T', '1', '-', `TCP4:${vip}:${port},connect-timeout=1`], stdin: HTTP_REQUEST }
    : { argv: ['socat', '-T', '1', '-t', '0.5', '-', `UDP4:${vip}:${port}`], stdin: udpPayload(seq) };
}

/** What the probe's output says: answered by a pool member, or why not. */
export function judgeVipAnswer(proto: VipProto, exitCode: number, stdout: string, stderr: string, seq: number, members: readonly string[]): { ok: boolean; detail: string } {
  const failed = () => stderr.trim().split('\n').pop()?.replace(/^\S+ \S+ socat\[\d+\] \w /, '') || `socat exited ${exitCode}`;
  if (proto === 'udp') {
    if (stdout === udpPayload(seq)) return { ok: true, detail: 'echoed' };
    return { ok: false, detail: stdout ? `answered ${JSON.stringify(stdout.slice(0, 60))}, not its payload` : exitCode !== 0 ? failed() : 'no echo within 1 s' };
  }
  if (!stdout) return { ok: false, detail: exitCode !== 0 ? failed() : 'connected, no answer within 1 s' };
  if (!isHttpOk(stdout)) return { ok: false, detail: `not an HTTP 200 answer: ${JSON.stringify(stdout.slice(0, 60))}` };
  const name = podNameFromHttp(stdout);
  return members.includes(name) ? { ok: true, detail: `answered by ${name}` } : { ok: false, detail: `answered by ${name || '(empty body)'}, not a pool member (${members.join(', ')})` };
}

/** How many probes a protocol gets (see the header); an empty pool still gets one, which must fail. */
export const vipProbeCount = (members: number, proto: VipProto): number => Math.max(1, proto === 'tcp' ? members * 2 : members);

/** Every probe of one virtual server from `node` (see the header for how many and why). */
export async function probeVip(node: NodeHandle, target: VipTarget): Promise<PingResult[]> {
  const seqs = (proto: VipProto) => [...Array(vipProbeCount(target.members.length, proto)).keys()];
  const one = async (proto: VipProto, seq: number): Promise<PingResult> => {
    const port = proto === 'tcp' ? target.tcpPort : target.udpPort;
    const c = vipProbeCommand(target.vip, port, proto, seq);
    const r = await node.exec(c.argv, { stdin: c.stdin, allowFailure: true });
    const v = judgeVipAnswer(proto, r.exitCode, r.stdout, r.stderr, seq, target.members);
    return { from: node.id, to: `${target.vip}:${port}/${proto}#${seq + 1}`, size: 0, dontFragment: false, ok: v.ok, detail: v.detail };
  };
  const udpInTurn = async () => {
    const out: PingResult[] = [];
    for (const s of seqs('udp')) out.push(await one('udp', s));
    return out;
  };
  const [tcp, udp] = await Promise.all([Promise.all(seqs('tcp').map((s) => one('tcp', s))), udpInTurn()]);
  return [...tcp, ...udp];
}
