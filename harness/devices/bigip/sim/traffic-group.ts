// traffic-group-1 moving on a stand-in unit: releasing it (virtual servers, floating addresses,
// a traffic-group-1 tunnel, and the flows it translated) and taking it, then announcing its
// addresses with gratuitous ARP on every VLAN they live on, at once. Shared by sim's commanded
// failover (failover.ts) and the tmsh face's `run sys failover standby` and heartbeat daemon.
import type { NodeHandle } from '../../../providers/types.js';
import { HarnessError } from '../../../core/errors.js';
import { TG_TABLE } from './rulesets.js';
import type { TrafficGroupAddress } from './config.js';

/** What traffic-group-1 is on one unit, whichever way the unit was configured. */
export interface TrafficGroupPlan {
  /** Virtual addresses and floating self IPs, each on its device. */
  addresses: readonly TrafficGroupAddress[];
  /** Tunnel devices in traffic-group-1: up on the unit that holds the group only. */
  tunnels: readonly string[];
  /** The TG_TABLE ruleset this unit loads when it holds the group. */
  ruleset: string;
  /** The virtual servers' destinations, whose translated flows are flushed on release. */
  virtualAddresses: readonly string[];
}

const batch = (lines: string[][]) => lines.map((l) => l.join(' ')).join('\n') + '\n';

/**
 * What releasing the group runs on the unit, as data (the run carries it out here; `overlab plan
 * --script` prints it): the table deleted first, then the addresses and tunnels as one ip batch
 * beside one conntrack flush a virtual address. Each may find nothing to remove.
 */
export function releaseCommands(tg: TrafficGroupPlan): { first: string[]; batch: string[][]; flushes: string[][] } {
  return {
    first: ['nft', 'delete', 'table', 'ip', TG_TABLE],
    batch: [...tg.addresses.map((a) => ['addr', 'del', a.cidr, 'dev', a.dev]), ...tg.tunnels.map((t) => ['link', 'set', 'dev', t, 'down'])],
    flushes: tg.virtualAddresses.map((vip) => ['conntrack', '-D', '--orig-dst', vip]),
  };
}

/** What taking the group runs besides loading its ruleset: its addresses and tunnels, one ip batch. */
export const takeBatch = (tg: TrafficGroupPlan): string[][] => [...tg.addresses.map((a) => ['addr', 'replace', a.cidr, 'dev', a.dev]), ...tg.tunnels.map((t) => ['link', 'set', 'dev', t, 'up'])];

/** One gratuitous ARP a traffic-group address, on the VLAN it lives on. */
export const announceCommands = (tg: TrafficGroupPlan): string[][] => tg.addresses.map((a) => ['arping', '-q', '-U', '-c', '1', '-I', a.dev, a.ip]);

/** Drops the translation first: with the DNAT gone and conntrack flushed, nothing old keeps flowing. */
export async function releaseTrafficGroup(node: NodeHandle, tg: TrafficGroupPlan): Promise<void> {
  const c = releaseCommands(tg);
  // A table already gone is released; any other failure would leave the unit translating (and
  // answering) for a group it gave away, which no check should mistake for a failover.
  const dropped = await node.exec(c.first, { allowFailure: true });
  if (dropped.exitCode !== 0 && !/No such file or directory/.test(dropped.stderr)) {
    throw new HarnessError(`${node.id}: releasing traffic-group-1 failed, its translation stays: ${c.first.join(' ')}: exit ${dropped.exitCode}: ${dropped.stderr.trim() || '(no stderr)'}`, { node: node.id, argv: c.first });
  }
  await Promise.all([
    node.exec(['ip', '-force', '-batch', '-'], { stdin: batch(c.batch), allowFailure: true }),
    ...c.flushes.map((argv) => node.exec(argv, { allowFailure: true })),
  ]);
}

/** Addresses and tunnels up, and the group's ruleset loaded (by `nft`, the caller's way of loading one). */
export async function takeTrafficGroup(node: NodeHandle, tg: TrafficGroupPlan, nft: (ruleset: string) => Promise<void>): Promise<void> {
  await Promise.all([node.exec(['ip', '-batch', '-'], { stdin: batch(takeBatch(tg)) }), nft(tg.ruleset)]);
}

/** Gratuitous ARP for every traffic-group address, on the VLAN it lives on, all at once. */
export function announceTrafficGroup(tg: TrafficGroupPlan, spawnDetached: (argv: readonly string[]) => void): void {
  // arping -c 1 returns about a second after sending: start them all, do not wait for them.
  for (const argv of announceCommands(tg)) spawnDetached(argv);
}
