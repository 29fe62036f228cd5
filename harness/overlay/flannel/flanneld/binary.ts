// Where upstream flanneld and etcd come from: OVERLAB_FLANNELD, or the binary
// scripts/build-flanneld.sh built at the pinned tag into /var/cache/overlab; etcd and etcdctl
// from Debian's etcd-server and etcd-client. Versions are read from the binaries themselves.
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner } from '../../../core/command.js';
import { PROJECT_ROOT } from '../../../core/paths.js';
import { findTool } from '../../../providers/preflight.js';

const BUILD = join(PROJECT_ROOT, 'tools', 'flanneld');

/** The tag tools/flanneld/go.mod pins (v0.28.9). */
export function pinnedFlannelVersion(): string {
  const m = /^require github\.com\/flannel-io\/flannel (v[0-9.]+)$/m.exec(readFileSync(join(BUILD, 'go.mod'), 'utf8'));
  if (!m) throw new Error(`${join(BUILD, 'go.mod')} pins no github.com/flannel-io/flannel version`);
  return m[1]!;
}

/** The cache path build-flanneld.sh writes: the pin and a hash of the build module's files. */
export function cachedFlanneldPath(): string {
  // The files that make the binary, listed once beside them (build-flanneld.sh hashes the same).
  const files = readFileSync(join(BUILD, 'BUILD_INPUTS'), 'utf8').split('\n').filter(Boolean);
  const key = createHash('sha256').update(files.map((f) => readFileSync(join(BUILD, f))).reduce((a, b) => Buffer.concat([a, b]))).digest('hex').slice(0, 12);
  return join(process.env.OVERLAB_CACHE_DIR ?? '/var/cache/overlab', 'flanneld', `${pinnedFlannelVersion()}-${key}`, 'flanneld');
}

export interface FlannelBinaries {
  flanneld?: string;
  etcd?: string;
  etcdctl?: string;
  /** What is missing, each with the command that fixes it. */
  missing: { what: string; fix: string }[];
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function flannelBinaries(): FlannelBinaries {
  const missing: FlannelBinaries['missing'] = [];
  const wanted = process.env.OVERLAB_FLANNELD;
  const flanneld = wanted ?? cachedFlanneldPath();
  const out: FlannelBinaries = { missing };
  if (executable(flanneld)) out.flanneld = flanneld;
  else missing.push({ what: `flanneld (${wanted ? `OVERLAB_FLANNELD=${wanted} is not executable` : `not built at ${flanneld}`})`, fix: wanted ? 'point OVERLAB_FLANNELD at a flanneld binary' : 'bash scripts/build-flanneld.sh (needs Go; sudo bash scripts/setup.sh does it)' });
  const etcd = findTool('etcd');
  const etcdctl = findTool('etcdctl');
  if (etcd) out.etcd = etcd;
  else missing.push({ what: 'etcd', fix: 'apt-get install etcd-server' });
  if (etcdctl) out.etcdctl = etcdctl;
  else missing.push({ what: 'etcdctl', fix: 'apt-get install etcd-client' });
  if (!findTool('iptables')) missing.push({ what: 'iptables (flanneld writes its FORWARD rules with it)', fix: 'apt-get install iptables' });
  return out;
}

/** `flanneld --version` and `etcd --version`, as the binaries print them. */
export async function flannelVersions(b: FlannelBinaries): Promise<{ flanneld?: string; etcd?: string }> {
  const runner = new LocalRunner();
  const first = async (argv: string[]) => {
    const r = await runner.run(argv, { allowFailure: true, timeoutMs: 5000 });
    return `${r.stdout}${r.stderr}`.trim().split('\n')[0]?.trim();
  };
  const [flanneld, etcd] = await Promise.all([b.flanneld ? first([b.flanneld, '--version']) : undefined, b.etcd ? first([b.etcd, '--version']) : undefined]);
  return { ...(flanneld ? { flanneld } : {}), ...(etcd ? { etcd: etcd.replace(/^etcd Version:\s*/, '') } : {}) };
}
