// A vagrant run on libvirt: the names its objects carry (every one holds the run id, so teardown
// and `overlab clean` remove them by exact name, never by pattern), its management network's
// subnet, what libvirt must answer for such a run to start, and removing what `vagrant destroy`
// left (a kill in the middle of `vagrant up` leaves domains or networks Vagrant does not know yet).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { runProcess } from '../../core/process.js';
import type { Prerequisite } from '../types.js';
import { findTool } from '../preflight.js';

const VIRSH = ['virsh', '-c', 'qemu:///system'];
const virsh = (args: readonly string[]) => runProcess([...VIRSH, ...args], { timeoutMs: 60_000, allowFailure: true });

export const libvirtPrefix = (runId: string): string => `ol-${runId}-`;
export const managementNetwork = (runId: string): string => `ol-${runId}-mgmt`;
/** libvirt network names may not hold the dots the docker provider's names have. */
export const libvirtNetworkName = (dockerStyle: string): string => dockerStyle.replace(/\./g, '-');

/**
 * The run's management subnet: 192.168.<128-247>.0/24 from the run id, skipping any a libvirt
 * network already has (vagrant-libvirt refuses a second network on an address, or joins it).
 */
export async function managementCidr(runId: string): Promise<string> {
  const taken = new Set<string>();
  const list = await virsh(['net-list', '--all', '--name']);
  for (const name of list.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const xml = (await virsh(['net-dumpxml', name])).stdout;
    for (const m of xml.matchAll(/<ip address=['"]192\.168\.(\d+)\./g)) taken.add(m[1]!);
  }
  const start = parseInt(createHash('sha256').update(runId).digest('hex').slice(0, 4), 16) % 120;
  for (let k = 0; k < 120; k++) {
    const third = String(128 + ((start + k) % 120));
    if (!taken.has(third)) return `192.168.${third}.0/24`;
  }
  throw new Error('no free 192.168.128-247.0/24 for the run\'s management network');
}

/**
 * libvirt's domain type for the machines: kvm, or qemu (TCG, emulated) with
 * OVERLAB_VAGRANT_LIBVIRT_DRIVER=qemu, for a machine whose /dev/kvm answers but runs guests
 * slower than emulation (nested KVM without VMX exposed, as on this project's CI VM).
 */
export function libvirtDriver(): 'kvm' | 'qemu' {
  const d = process.env.OVERLAB_VAGRANT_LIBVIRT_DRIVER ?? 'kvm';
  if (d !== 'kvm' && d !== 'qemu') throw new Error(`OVERLAB_VAGRANT_LIBVIRT_DRIVER=${d}: use kvm or qemu`);
  return d;
}

/** Where the run's libvirt machines can be made: KVM, libvirtd answering, its default pool. */
export async function libvirtPrerequisites(): Promise<Prerequisite[]> {
  const out: Prerequisite[] = [];
  const setup = 'bash scripts/setup.sh --libvirt';
  if (libvirtDriver() === 'kvm') out.push(existsSync('/dev/kvm') ? { what: '/dev/kvm', ok: true, detail: 'KVM for the libvirt machines', fix: '' } : { what: '/dev/kvm', ok: false, detail: 'no /dev/kvm: libvirt machines would be emulated', fix: 'run on a machine with KVM (nested virtualisation on a VM), or OVERLAB_VAGRANT_PROVIDER=docker' });
  for (const tool of ['virsh', 'qemu-img', 'mke2fs']) {
    const found = findTool(tool);
    out.push({ what: tool, ok: Boolean(found), detail: found ?? `${tool} not found`, fix: found ? '' : setup });
  }
  if (!findTool('virsh')) return out;
  const version = await virsh(['version']);
  out.push(version.exitCode === 0 ? { what: 'libvirtd', ok: true, detail: version.stdout.split('\n').find((l) => /Running hypervisor/.test(l))?.trim() ?? 'answers', fix: '' } : { what: 'libvirtd', ok: false, detail: `qemu:///system does not answer: ${(version.stderr || version.stdout).trim().split('\n')[0]}`, fix: setup });
  if (version.exitCode !== 0) return out;
  const pool = await virsh(['pool-info', 'default']);
  out.push(pool.exitCode === 0 && /State:\s+running/.test(pool.stdout) ? { what: 'libvirt storage pool default', ok: true, detail: 'running', fix: '' } : { what: 'libvirt storage pool default', ok: false, detail: 'missing or not running (vagrant-libvirt keeps box images and disks there)', fix: setup });
  return out;
}

export interface LibvirtLeft {
  domains: string[];
  networks: string[];
  volumes: string[];
}

/** The run's domains, networks and volumes libvirt still has (by their exact, run-id-carrying names). */
export async function libvirtLeft(runId: string, networks: readonly string[]): Promise<LibvirtLeft> {
  const names = async (args: string[]) => (await virsh(args)).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const prefix = libvirtPrefix(runId);
  const domains = (await names(['list', '--all', '--name'])).filter((d) => d.startsWith(prefix));
  const nets = (await names(['net-list', '--all', '--name'])).filter((n) => networks.includes(n));
  const volumes = (await virsh(['vol-list', 'default'])).stdout.split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0] ?? '').filter((v) => v.startsWith(prefix));
  return { domains, networks: nets, volumes };
}

/** What `vagrant destroy` left of the run: domains (with their disks), then networks, then volumes. */
export async function removeLibvirtLeft(runId: string, networks: readonly string[]): Promise<string[]> {
  if (!findTool('virsh')) return [];
  const failures: string[] = [];
  const left = await libvirtLeft(runId, networks);
  const must = async (args: string[]) => {
    const r = await virsh(args);
    if (r.exitCode !== 0) failures.push(`virsh ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  };
  for (const d of left.domains) {
    await virsh(['destroy', d]);
    await must(['undefine', d, '--remove-all-storage']);
  }
  for (const n of left.networks) {
    await virsh(['net-destroy', n]);
    await must(['net-undefine', n]);
  }
  for (const v of (await libvirtLeft(runId, networks)).volumes) await must(['vol-delete', '--pool', 'default', v]);
  return failures;
}
