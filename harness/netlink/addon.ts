// Loads native/netns (see its netns.c): file descriptors opened inside another namespace, and
// the subreaper calls of core/reaper.ts.
// Absent when it was not built (no compiler); the netns provider then uses iproute2 processes.
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { existsSync } from 'node:fs';
import { PROJECT_ROOT } from '../core/paths.js';
import { HarnessError } from '../core/errors.js';
import { join } from 'node:path';

export interface NetnsAddon {
  /** A NETLINK_ROUTE socket that lives in the namespace at nsPath (extended and capped acks on). */
  netlinkSocketIn(nsPath: string): number;
  /** open(2) of `file` as seen from the namespace at nsPath: /proc/sys/net/... is per namespace. */
  openIn(nsPath: string, file: string, flags: number): number;
  /** prctl(PR_SET_CHILD_SUBREAPER): our descendants' orphans become our children (core/reaper.ts). */
  becomeSubreaper(): void;
  /** waitpid(pid, WNOHANG) of a zombie Node did not start; true when reaped. */
  reapZombie(pid: number): boolean;
}

export const ADDON_PATH = join(PROJECT_ROOT, 'native', 'netns', 'build', 'Release', 'overlab_netns.node');

let loaded: { addon?: NetnsAddon; why?: string } | undefined;

/**
 * The addon, or why it is not used. OVERLAB_NETNS_CONFIG picks the path: unset, the addon when
 * it is built and iproute2 processes otherwise; `iproute2`, never the addon; `netlink`, the
 * addon or an error saying why not (for CI and benchmarks that must not fall back quietly).
 */
export function netnsAddon(): { addon?: NetnsAddon; why?: string } {
  const wanted = process.env.OVERLAB_NETNS_CONFIG;
  if (wanted !== undefined && wanted !== '' && wanted !== 'netlink' && wanted !== 'iproute2') {
    throw new HarnessError(`OVERLAB_NETNS_CONFIG=${wanted} is not a configuration path: use netlink, iproute2, or leave it unset`);
  }
  if (wanted === 'iproute2') return { why: 'OVERLAB_NETNS_CONFIG=iproute2' };
  const found = load();
  if (wanted === 'netlink' && !found.addon) throw new HarnessError(`OVERLAB_NETNS_CONFIG=netlink, but ${found.why}`);
  return found;
}

function load(): { addon?: NetnsAddon; why?: string } {
  if (loaded) return loaded;
  if (endianness() !== 'LE') return (loaded = { why: 'the netlink encoder writes little-endian and this host is big-endian' });
  if (!existsSync(ADDON_PATH)) {
    loaded = { why: `${ADDON_PATH} is not built (npm run build builds it; it needs g++ and make)` };
  } else {
    try {
      loaded = { addon: createRequire(import.meta.url)(ADDON_PATH) as NetnsAddon };
    } catch (e) {
      loaded = { why: `${ADDON_PATH} does not load: ${(e as Error).message}` };
    }
  }
  return loaded;
}
