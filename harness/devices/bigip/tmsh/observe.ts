// A unit's state read with tmsh on the unit itself: `show cm failover-status`, the tunnel's
// all-properties (its MAC) and list (key, local-address, MTU), `show net fdb tunnel`, `show net
// arp`, `list net self`, `list net vlan`. The outputs are kept as the evidence text (one
// `# <command>` section each, the shape tmsh-shape/parse.ts reads) and the state is parsed from
// that very text, then narrowed to the run's own objects under the scenario's names: a VE holds
// other VLANs, self IPs and ARP entries that are not the testbed's.
import type { NodeHandle } from '../../../providers/types.js';
import type { FailoverStatus, UnitObservation, UnitState } from '../types.js';
import { parseFailoverStatus, parseUnitTmsh } from '../tmsh-shape/parse.js';
import { TMSH_COMMANDS } from '../tmsh-shape/render.js';
import { LIST_COMMANDS } from '../tmsh-shape/list.js';
import { tmshArgv } from './render-config.js';
import { objectName, runObject } from './names.js';

/** Runs tmsh commands on a unit (one `tmsh -q -c`); a non-zero exit throws the transport's CommandError. */
export async function runTmsh(node: NodeHandle, commands: readonly string[]): Promise<string> {
  return (await node.exec(tmshArgv(commands))).stdout;
}

/** The reads of one observation, in the order the evidence lists them. */
export function unitReads(prefix: string, tunnelName: string): string[] {
  const tunnel = objectName(prefix, tunnelName);
  return [TMSH_COMMANDS.failoverStatus, TMSH_COMMANDS.tunnel(tunnel), LIST_COMMANDS.tunnel(tunnel), TMSH_COMMANDS.fdb(tunnel), TMSH_COMMANDS.arp, LIST_COMMANDS.self, LIST_COMMANDS.vlan];
}

export async function readTmshFailoverStatus(node: NodeHandle): Promise<FailoverStatus> {
  return parseFailoverStatus(await runTmsh(node, [TMSH_COMMANDS.failoverStatus]));
}

/** Every read at once (each its own tmsh), the text they printed, and the state parsed from that text. */
export async function readTmshUnit(node: NodeHandle, prefix: string, tunnelName: string): Promise<UnitObservation> {
  const commands = unitReads(prefix, tunnelName);
  const outputs = await Promise.all(commands.map((c) => runTmsh(node, [c])));
  const tmsh = commands.map((c, i) => `# ${c}\n${outputs[i]!.replace(/\n*$/, '\n')}`).join('');
  return { state: runUnitState(node.id, prefix, parseUnitTmsh(tmsh)), tmsh };
}

/**
 * The unit's state as the rest of the harness knows it: only objects named with the run's prefix
 * (an ARP entry or a self IP counts when its VLAN or tunnel is the run's), under the scenario's
 * names (`ol_<run>_flannel_vxlan` → `flannel_vxlan`, `ol_<run>_underlay` → `underlay`). A floating
 * self IP is listed on both units' configuration, but held by the one active for its traffic
 * group: it is in the state of the unit that says ACTIVE only, as bigip-sim reports it. Pure.
 */
export function runUnitState(unit: string, prefix: string, read: Omit<UnitState, 'unit'>): UnitState {
  const ours = (name: string) => runObject(prefix, name);
  const rename = <T>(items: readonly T[], field: keyof T & string): T[] =>
    items.flatMap((x) => {
      const name = ours(x[field] as string);
      return name === undefined ? [] : [{ ...x, [field]: name }];
    });
  return {
    unit,
    failoverStatus: read.failoverStatus,
    tunnels: rename(read.tunnels, 'name'),
    vlans: rename(read.vlans, 'name'),
    fdb: rename(read.fdb, 'tunnel'),
    arp: rename(read.arp, 'vlan'),
    selfIps: rename(read.selfIps, 'vlan').filter((s) => !s.floating || read.failoverStatus === 'ACTIVE'),
  };
}
