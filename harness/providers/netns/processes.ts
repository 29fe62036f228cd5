// Finds processes living in a network namespace by comparing /proc/<pid>/ns/net with the
// namespace's bind mount, without spawning `ip netns pids` once per namespace.
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { reapOrphans } from '../../core/reaper.js';

export function netnsInode(name: string): number | undefined {
  try {
    return statSync(`/run/netns/${name}`).ino;
  } catch {
    return undefined;
  }
}

/** pid → namespace inode, for every process we can see. */
export function pidsByNetns(): Map<number, number[]> {
  const byInode = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let link: string;
    try {
      link = readlinkSync(`/proc/${entry}/ns/net`);
    } catch {
      continue; // exited, or a kernel thread
    }
    const m = /^net:\[(\d+)\]$/.exec(link);
    if (!m) continue;
    const inode = Number(m[1]);
    const list = byInode.get(inode) ?? [];
    list.push(Number(entry));
    byInode.set(inode, list);
  }
  return byInode;
}

export function killAll(pids: readonly number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    // Never 0 or -1: kill(0) is our own process group, kill(-1) every process we may signal.
    if (!Number.isInteger(pid) || pid <= 1) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** pid's parent and state letter from /proc/<pid>/stat; undefined when it is gone (reaped). */
export function procStat(pid: number): { ppid: number; state: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const [state = '?', ppid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(ppid), state };
}

/**
 * Ends the processes `scan` finds (and any child of theirs) so that every one of them is reaped,
 * and returns the pids still there after `timeoutMs`.
 *
 * Killing a parent and its children at once (killAll) orphans the children: their zombies go to
 * init, which in a container may never wait for them, and they showed up as defunct socat and
 * tcpdump after failed runs. So the leaves go first: a process with no child of its own left is
 * killed, its parent (socat's listener, flanneld, or this process for what it started) reaps
 * it, and the parent becomes a leaf in its turn. `scan` is asked again every round: a process
 * forked meanwhile (socat accepting one more connection) is found and ended the same way.
 * Zombies do not show in a namespace scan (their namespaces are gone), so the pids already seen
 * are followed until /proc no longer has them.
 */
export async function endProcesses(scan: () => readonly number[], timeoutMs = 3000): Promise<number[]> {
  const mine = (pid: number) => Number.isInteger(pid) && pid > 1 && pid !== process.pid;
  const seen = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const pid of scan()) if (mine(pid)) seen.add(pid);
    // An orphan re-parented to us (core/reaper.ts) is ours to wait for: Node never will.
    reapOrphans();
    const stats = new Map<number, { ppid: number; state: string }>();
    for (const pid of seen) {
      const s = procStat(pid);
      // Gone, or a zombie whose parent is neither one of these nor us: not ours to reap.
      if (!s || (s.state === 'Z' && s.ppid !== process.pid && !seen.has(s.ppid))) seen.delete(pid);
      else stats.set(pid, s);
    }
    if (seen.size === 0) return [];
    if (Date.now() > deadline) {
      // A parent that never reaps: end everything at once, and say what is left.
      killAll([...seen]);
      return [...seen];
    }
    const parents = new Set([...stats.values()].map((s) => s.ppid));
    killAll([...stats].filter(([pid, s]) => !parents.has(pid) && s.state !== 'Z').map(([pid]) => pid));
    // A stopped parent (a fault, a debugger) cannot reap: let it run so it can.
    killAll([...stats].filter(([pid, s]) => parents.has(pid) && s.state === 'T').map(([pid]) => pid), 'SIGCONT');
    await new Promise((r) => setTimeout(r, 5));
  }
}
