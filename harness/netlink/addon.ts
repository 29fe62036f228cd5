// Loads native/netns (see its netns.c): file descriptors opened inside another namespace.
// Absent when it was not built (no compiler); the netns provider then uses iproute2 processes.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { PROJECT_ROOT } from '../core/paths.js';
import { join } from 'node:path';

export interface NetnsAddon {
  /** A NETLINK_ROUTE socket that lives in the namespace at nsPath (extended and capped acks on). */
  netlinkSocketIn(nsPath: string): number;
  /** open(2) of `file` as seen from the namespace at nsPath: /proc/sys/net/... is per namespace. */
  openIn(nsPath: string, file: string, flags: number): number;
}

export const ADDON_PATH = join(PROJECT_ROOT, 'native', 'netns', 'build', 'Release', 'overlab_netns.node');

let loaded: { addon?: NetnsAddon; why?: string } | undefined;

/** The addon, or why it cannot be used. OVERLAB_NETNS_CONFIG=iproute2 turns it off on purpose. */
export function netnsAddon(): { addon?: NetnsAddon; why?: string } {
  if (process.env.OVERLAB_NETNS_CONFIG === 'iproute2') return { why: 'OVERLAB_NETNS_CONFIG=iproute2' };
  if (loaded) return loaded;
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
