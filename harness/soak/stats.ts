// Percentiles of a soak's outages (nearest rank), and the drift rules that fail a soak.
export interface Percentiles {
  count: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { count: s.length, min: s[0]!, median: rank(50), p95: rank(95), p99: rank(99), max: s[s.length - 1]! };
}

/** The probe's rates: every probe is a flow of its own, so conntrack fills up to a steady state. */
export interface ProbeRates {
  udpPerSecond: number;
  tcpPerSecond: number;
}

/** Linux's defaults: an unreplied-then-replied UDP flow lives 30 s (120 s once assured), a closed TCP one 120 s in TIME_WAIT. */
const UDP_FLOW_S = 120;
const TCP_TIME_WAIT_S = 120;

/** What may grow between the first and the last failover before the soak fails, per gauge. */
export const DRIFT_LIMITS: Record<string, { what: string; allowed: (first: number, rates: ProbeRates) => number }> = {
  fdb: { what: 'FDB records on the units', allowed: (f) => f * 1.5 + 20 },
  arp: { what: 'ARP entries on the units', allowed: (f) => f * 1.5 + 20 },
  // Churn, not a leak, up to the steady state the probe's own flows reach; beyond it, a leak.
  conntrack: { what: 'conntrack entries on the units (beyond the probe flows\' steady state)', allowed: (f, r) => f + Math.ceil(r.udpPerSecond * UDP_FLOW_S + r.tcpPerSecond * TCP_TIME_WAIT_S) },
  neighbours: { what: 'entries in the kernel\'s neighbour table (every namespace)', allowed: (f) => f * 1.5 + 50 },
  rssMb: { what: 'the harness\'s resident memory (MB)', allowed: (f) => f + 150 },
  openFiles: { what: 'the harness\'s open files', allowed: (f) => f + 32 },
};
