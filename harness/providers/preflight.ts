// Prerequisite checks shared by providers: each tool, whether it is there, and how to get it.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { Prerequisite } from './types.js';
import { toolEnv } from '../core/command.js';

const PACKAGE_OF: Record<string, string> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  nsenter: 'util-linux',
  ping: 'iputils-ping',
  fping: 'fping',
  arping: 'iputils-arping',
  tcpdump: 'tcpdump',
  nft: 'nftables',
  conntrack: 'conntrack',
  sysctl: 'procps',
  socat: 'socat',
};

/** Looks a program up on PATH and in the sbin directories (root's tools live there). */
export function findTool(tool: string): string | undefined {
  const dirs = (toolEnv().PATH ?? '').split(':').filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function checkTools(tools: readonly string[]): Prerequisite[] {
  const out: Prerequisite[] = tools.map((tool) => {
    const path = findTool(tool);
    return { what: tool, ok: path !== undefined, detail: path ?? 'not found', fix: `apt-get install -y ${PACKAGE_OF[tool] ?? tool}` };
  });
  const root = process.getuid?.() === 0;
  out.push({
    what: 'root',
    ok: root,
    detail: root ? 'running as root' : `running as uid ${process.getuid?.()}`,
    fix: 'run as root (sudo): network namespaces and kernel devices need CAP_NET_ADMIN and CAP_SYS_ADMIN',
  });
  return out;
}
