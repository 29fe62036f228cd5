// Finds processes living in a network namespace by comparing /proc/<pid>/ns/net with the
// namespace's bind mount, without spawning `ip netns pids` once per namespace.
import { readdirSync, readlinkSync, statSync } from 'node:fs';

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
