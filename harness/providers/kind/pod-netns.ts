// Commands in a kind pod: the probes (ping, fping, socat, curl, ip) are this machine's, run in the
// pod's network namespace, as on netns. The pod's image is the user's choice and need not have
// any of them (nginx has no ping), and `kubectl exec` would go through the API server for every
// probe. containerd keeps each pod sandbox's namespace as a file in the node container's
// /run/netns (cni-<uuid>); this machine reaches it through /proc/<node init pid>/root. Which file
// is which pod is read from the kernel: the namespace that holds the pod's address, as the API
// reported it (status.podIP), and only one.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner, type CommandRunner } from '../../core/command.js';

/** A network namespace file in a kind node, and the IPv4 addresses its interfaces hold. */
export interface NetnsCandidate {
  path: string;
  addrs: string[];
  /** The MAC of the interface holding each address (the pod's eth0 MAC is the CNI's choice). */
  macs?: Record<string, string>;
}

/**
 * Where containerd keeps the sandboxes' namespaces in a node, seen from this machine. /var/run is
 * a symlink to /run in kind's image, and an absolute symlink under /proc/<pid>/root resolves
 * against this machine's root, so /run is named directly; /var/run only when it is a directory.
 */
export function netnsDirs(nodePid: number): string[] {
  const root = `/proc/${nodePid}/root`;
  const dirs = [join(root, 'run/netns')];
  try {
    if (lstatSync(join(root, 'var/run')).isDirectory()) dirs.push(join(root, 'var/run/netns'));
  } catch {
    // no /var/run at all
  }
  return dirs;
}

interface AddrShow {
  address?: string;
  addr_info?: { family?: string; local?: string }[];
}

/** Pure: the IPv4 addresses `ip -j addr show` lists (`-4` would drop the links' MACs). */
export function addressesOf(ipJson: string): string[] {
  return (JSON.parse(ipJson) as AddrShow[]).flatMap((l) => (l.addr_info ?? []).flatMap((a) => (a.local && a.family === 'inet' ? [a.local] : [])));
}

/** Pure: each IPv4 address `ip -j addr show` lists, with its interface's MAC (loopback has none worth keeping). */
export function macsOf(ipJson: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of JSON.parse(ipJson) as AddrShow[]) {
    if (!l.address || l.address === '00:00:00:00:00:00') continue;
    for (const a of l.addr_info ?? []) if (a.local && a.family === 'inet') out[a.local] = l.address.toLowerCase();
  }
  return out;
}

/** Every namespace file of a node with its addresses (a file that cannot be entered is left out). */
export async function netnsCandidates(nodePid: number, runner: CommandRunner = new LocalRunner()): Promise<NetnsCandidate[]> {
  const files = netnsDirs(nodePid).flatMap((d) => {
    try {
      return readdirSync(d).map((f) => join(d, f));
    } catch {
      return [];
    }
  });
  const out: NetnsCandidate[] = [];
  for (const path of files) {
    const r = await runner.run(['nsenter', `--net=${path}`, '--', 'ip', '-j', 'addr', 'show'], { allowFailure: true });
    if (r.exitCode === 0) out.push({ path, addrs: addressesOf(r.stdout), macs: macsOf(r.stdout) });
  }
  return out;
}

/** Pure: the one namespace that holds `ip`, or why there is none to use. */
export function netnsOfAddress(candidates: readonly NetnsCandidate[], ip: string): { path: string; mac?: string } | { problem: string } {
  const holding = candidates.filter((c) => c.addrs.includes(ip));
  const mac = holding[0]?.macs?.[ip];
  if (holding.length === 1) return { path: holding[0]!.path, ...(mac ? { mac } : {}) };
  if (holding.length === 0) return { problem: `no network namespace of its node holds ${ip} (${candidates.length} looked at)` };
  return { problem: `${holding.length} network namespaces of its node hold ${ip}: ${holding.map((c) => c.path).join(', ')}` };
}

/** Pure: the argv that runs `argv` from this machine in the namespace file `path`. */
export function inPodNetns(path: string, argv: readonly string[]): string[] {
  return ['nsenter', `--net=${path}`, '--', ...argv];
}

/** Pure: a namespace file's path reached through the node's current init pid (unchanged without one). */
export function throughPid(path: string, pid: number | undefined): string {
  return pid === undefined ? path : path.replace(/^\/proc\/\d+\/root\//, `/proc/${pid}/root/`);
}

/** Pure: `docker inspect --format '{{.Name}} {{.State.Pid}}'` lines as container name -> pid (a stopped one, pid 0, left out). */
export function nodePidsOf(out: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^\/?(\S+) (\d+)$/.exec(line.trim());
    if (m && Number(m[2]) > 0) pids.set(m[1]!, Number(m[2]));
  }
  return pids;
}
