// What the units' HA daemons say to each other over UDP 1026 (BIG-IP's network failover port):
// one JSON object a datagram. The active unit asks its peer to take traffic-group-1; the peer
// answers once it holds the group and has sent its gratuitous ARP, or says why it could not.
// Retransmitted requests carry the same id; taking a group the unit already holds is a no-op.
export const HA_PORT = 1026;
export const GROUP = 'traffic-group-1';

export type HaMessage =
  | { v: 1; op: 'take'; group: typeof GROUP; from: string; id: string }
  | { v: 1; op: 'taken'; group: typeof GROUP; unit: string; id: string }
  | { v: 1; op: 'refused'; group: typeof GROUP; unit: string; id: string; message: string };

export const encode = (m: HaMessage): Buffer => Buffer.from(JSON.stringify(m));

/** The message, or a reason it is not one. */
export function decode(data: Buffer): HaMessage | string {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (typeof m !== 'object' || m === null || m.v !== 1) return 'not a version 1 message';
  if (m.group !== GROUP) return `group ${String(m.group)} is not ${GROUP}`;
  if (typeof m.id !== 'string') return 'no id';
  if (m.op === 'take' && typeof m.from === 'string') return m as HaMessage;
  if (m.op === 'taken' && typeof m.unit === 'string') return m as HaMessage;
  if (m.op === 'refused' && typeof m.unit === 'string' && typeof m.message === 'string') return m as HaMessage;
  return `unknown op ${String(m.op)}`;
}
