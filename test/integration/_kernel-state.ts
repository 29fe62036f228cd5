// A namespace's kernel state as iproute2 prints it, normalised for comparing two boots of the same
// testbed (the netns provider's two configuration paths; the two flannel agents): links with
// details, addresses, routes, permanent neighbours, static and permanent FDB entries, forwarding.
import { execFileSync } from 'node:child_process';

export const json = (argv: string[]): unknown => {
  const out = execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
};

/** Fields that differ between two boots of the same thing: timers, indexes, ages, counters. */
const VOLATILE = /(_timer|^ifindex|^link_index|^link_netnsid|^used|^updated|^probes|^stats)$/;

export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise).map((v) => JSON.stringify(v)).sort().map((s) => JSON.parse(s) as unknown);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !VOLATILE.test(k))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

/** What one namespace holds: links with details, addresses, routes, permanent neighbours, static FDB, forwarding. */
export function kernelState(ns: string): Record<string, unknown> {
  const fdb = (json(['bridge', '-n', ns, '-j', '-d', 'fdb', 'show']) as { state?: string }[]).filter((e) => e.state === 'permanent' || e.state === 'static');
  return {
    links: normalise(json(['ip', '-n', ns, '-d', '-j', 'link', 'show'])),
    addresses: normalise(json(['ip', '-n', ns, '-j', 'addr', 'show'])),
    routes: normalise(json(['ip', '-n', ns, '-j', 'route', 'show', 'table', 'all'])),
    neighbours: normalise(json(['ip', '-n', ns, '-j', 'neigh', 'show', 'nud', 'permanent'])),
    fdb: normalise(fdb),
    // Written through /proc/sys opened inside the namespace on the netlink path, by sysctl on the other.
    forwarding: execFileSync('nsenter', [`--net=/run/netns/${ns}`, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim(),
  };
}

/**
 * Both namespaces' states once they agree, or after 3 s. A bridge's carrier follows its ports
 * through the kernel's linkwatch, which may take up to a second after the boot: the run booted
 * last can still show NO-CARRIER for a moment. Anything else that differs stays different.
 */
export async function settledStates(a: string, b: string): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const pair: [Record<string, unknown>, Record<string, unknown>] = [kernelState(a), kernelState(b)];
    if (JSON.stringify(pair[0]) === JSON.stringify(pair[1]) || Date.now() > deadline) return pair;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

