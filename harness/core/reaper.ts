// The last line against defunct processes. The netns teardown ends a run's processes leaves
// first so that each is reaped by its own parent (providers/netns/processes.ts), but a parent
// can still die before its children (a fault kills a socat listener, a daemon crashes): its
// orphans then go to init, which in a container may never wait for them. A long-lived overlab
// (--all, --matrix, --soak) becomes their subreaper instead and reaps them after each teardown.
import { readdirSync, readFileSync } from 'node:fs';
import { netnsAddon, type NetnsAddon } from '../netlink/addon.js';
import { unreapedChildren } from './process.js';

let adopted: NetnsAddon | undefined;

/**
 * Makes this process the subreaper of its descendants, when the netns addon is built (Node has
 * no prctl); false without it, and then orphans go to init as before.
 */
export function adoptOrphans(): boolean {
  if (adopted) return true;
  let addon: NetnsAddon | undefined;
  try {
    addon = netnsAddon().addon;
  } catch {
    return false; // a bad OVERLAB_NETNS_CONFIG is reported where the configuration path is chosen
  }
  if (!addon?.becomeSubreaper) return false;
  addon.becomeSubreaper();
  adopted = addon;
  return true;
}

/** Our children as /proc shows them: pid and state letter. */
export function childrenOf(parent: number): { pid: number; state: string; comm: string }[] {
  const out: { pid: number; state: string; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const [state = '?', ppid] = stat.slice(close + 2).split(' ');
    if (Number(ppid) === parent) out.push({ pid: Number(entry), state, comm: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return out;
}

/**
 * Reaps the zombies re-parented to us; the ones Node started are left to Node (waiting for one
 * here would take its exit from it). Returns how many were reaped.
 */
export function reapOrphans(): number {
  if (!adopted) return 0;
  const ours = new Set(unreapedChildren());
  let reaped = 0;
  for (const child of childrenOf(process.pid)) {
    if (child.state === 'Z' && !ours.has(child.pid) && adopted.reapZombie(child.pid)) reaped++;
  }
  return reaped;
}
