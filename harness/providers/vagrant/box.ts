// The libvirt box of the vagrant provider, built here from the project's own Debian image (boxes
// cannot be downloaded): images/box/ is built FROM the cached overlab node image (Debian's kernel,
// systemd, sshd, Vagrant's user and key), exported, and written into a bare ext4 file system
// (`mke2fs -d`: no loop device, no mount, no partition table) converted to qcow2. The box boots
// by libvirt's direct kernel boot (its Vagrantfile's libvirt.kernel/initrd/cmd_line, root=/dev/vda)
// rather than a bootloader: no grub to install into a disk image, and nothing between the
// firmware and the kernel to go wrong or take time.
//
// Cached by content like the images: the box is `overlab/debian-bookworm-<hash>`, the hash of
// the node image's tag and every file of images/box/, so a second run builds nothing and a change
// builds a new box. The build's files (kernel, initrd: the run's Vagrantfile points libvirt at
// this copy, which libvirt's QEMU user can read, unlike ~/.vagrant.d under root's 0700 home) stay
// in /var/cache/overlab/box/<hash>/. Only `overlab clean --images` removes boxes.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import { runProcess } from '../../core/process.js';
import { buildContext, ensureImages, IMAGES_DIR } from '../docker/images.js';
import { vagrantArgv } from './cli.js';

const BOX_DIR = join(IMAGES_DIR, 'box');
const CACHE = join(process.env.OVERLAB_CACHE_DIR ?? '/var/cache/overlab', 'box');
/** The disk's size as the guest sees it (qcow2 is sparse: the file holds what is written). */
export const BOX_DISK_GIB = 2;
/** Bumped when the way the box is made changes in a way its inputs do not show. */
const BOX_BUILDER = '1';
export const BOX_PREFIX = 'overlab/debian-bookworm-';
/** The kernel command line: the bare file system, the serial console libvirt logs, eth0/eth1 names. */
export const BOX_CMDLINE = 'root=/dev/vda rw console=ttyS0,115200 net.ifnames=0 biosdevname=0 quiet';

/** Vagrant's public key, from the installed Vagrant (the box's vagrant user logs in with it first). */
export function vagrantPublicKey(): string {
  const gems = '/usr/share/rubygems-integration/all/gems';
  const found = existsSync(gems) ? readdirSync(gems).filter((d) => d.startsWith('vagrant-') && /^vagrant-\d/.test(d)).map((d) => join(gems, d, 'keys', 'vagrant.pub')).find((f) => existsSync(f)) : undefined;
  const file = process.env.OVERLAB_VAGRANT_PUBKEY ?? found;
  if (!file) throw new HarnessError('cannot find Vagrant\'s public key (keys/vagrant.pub of the vagrant gem); install vagrant (bash scripts/setup.sh --docker) or set OVERLAB_VAGRANT_PUBKEY');
  return readFileSync(file, 'utf8');
}

export function boxHash(nodeTag: string): string {
  const h = createHash('sha256').update(`overlab-box ${BOX_BUILDER}\0${nodeTag}\0${BOX_DISK_GIB}\0${BOX_CMDLINE}\0${vagrantPublicKey()}\0`);
  for (const f of readdirSync(BOX_DIR).sort()) h.update(f).update('\0').update(readFileSync(join(BOX_DIR, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

export interface BoxInfo {
  name: string;
  hash: string;
  /** The kernel and initrd the machines boot (this machine's cached copy). */
  kernel: string;
  initrd: string;
  cmdLine: string;
}

export interface BoxBuild extends BoxInfo {
  built: boolean;
  /** Phases of the build, ms. */
  times: Record<string, number>;
}

const boxInfo = (hash: string): BoxInfo => ({ name: `${BOX_PREFIX}${hash}`, hash, kernel: join(CACHE, hash, 'vmlinuz'), initrd: join(CACHE, hash, 'initrd.img'), cmdLine: BOX_CMDLINE });

/** Boxes Vagrant holds (`vagrant box list --machine-readable`: `<ts>,,box-name,<name>` lines). */
export async function boxList(): Promise<string[]> {
  const r = await runProcess(vagrantArgv('/', ['box', 'list', '--machine-readable']), { timeoutMs: 60_000 });
  return r.stdout.split('\n').map((l) => l.split(',')).filter((f) => f[2] === 'box-name').map((f) => f[3]!);
}

/** The box Vagrant starts the libvirt machines from: found, or built and added. */
export async function ensureBox(docker: Docker, log?: (line: string) => void): Promise<BoxBuild> {
  const times: Record<string, number> = {};
  let t = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    times[what] = Math.round(now - t);
    t = now;
  };
  const { tags } = await ensureImages(docker, { log });
  lap('imagesMs');
  const info = boxInfo(boxHash(tags.node));
  if ((await boxList()).includes(info.name) && existsSync(info.kernel) && existsSync(info.initrd)) return { ...info, built: false, times };
  log?.(`building the libvirt box ${info.name}`);
  const work = join(CACHE, `${info.hash}.build`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const rootTag = `overlab/box-root:${info.hash}`;
  try {
    // The build context: images/box plus Vagrant's public key (not kept in the repository).
    const context = mkdtempSync(join(work, 'context-'));
    for (const f of readdirSync(BOX_DIR)) copyFileSync(join(BOX_DIR, f), join(context, f));
    writeFileSync(join(context, 'vagrant.pub'), vagrantPublicKey());
    await buildContext(docker, context, { tag: rootTag, dockerfile: 'Dockerfile', buildargs: { FROM: tags.node, OVERLAB_CACHE: info.hash }, networkmode: 'host', log });
    lap('rootImageMs');
    const root = join(work, 'root');
    mkdirSync(root);
    await exportImage(rootTag, root);
    lap('exportMs');
    const box = join(work, 'box');
    mkdirSync(box);
    const boot = readdirSync(join(root, 'boot'));
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new HarnessError(`the box root ${rootTag} has no /boot/vmlinuz-* and initrd.img-* (linux-image-amd64 in images/box/Dockerfile)`);
    copyFileSync(join(root, 'boot', kernel), join(box, 'vmlinuz'));
    copyFileSync(join(root, 'boot', initrd), join(box, 'initrd.img'));
    // Docker's own files in an exported container: the VM's systemd makes these itself.
    for (const f of ['.dockerenv', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf']) rmSync(join(root, f), { force: true });
    writeFileSync(join(root, 'etc', 'hostname'), 'overlab\n');
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n127.0.1.1 overlab\n');
    const raw = join(work, 'disk.raw');
    await runProcess(['mke2fs', '-q', '-t', 'ext4', '-L', 'overlab-root', '-d', root, raw, `${BOX_DISK_GIB}G`], { timeoutMs: 10 * 60_000 });
    rmSync(root, { recursive: true, force: true });
    await runProcess(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', raw, join(box, 'box.img')], { timeoutMs: 10 * 60_000 });
    rmSync(raw, { force: true });
    lap('diskMs');
    writeFileSync(join(box, 'metadata.json'), JSON.stringify({ provider: 'libvirt', format: 'qcow2', virtual_size: BOX_DISK_GIB }) + '\n');
    writeFileSync(join(box, 'Vagrantfile'), boxVagrantfile(info));
    const file = join(work, `${info.hash}.box`);
    await runProcess(['tar', '-C', box, '-cf', file, 'metadata.json', 'Vagrantfile', 'box.img', 'vmlinuz', 'initrd.img'], { timeoutMs: 10 * 60_000 });
    const sizes = { disk: statSync(join(box, 'box.img')).size, box: statSync(file).size };
    await runProcess(vagrantArgv('/', ['box', 'add', '--force', '--name', info.name, file]), { timeoutMs: 10 * 60_000 });
    lap('boxAddMs');
    // The kernel and initrd the runs point libvirt at; written last, so their presence means a finished box.
    const dest = join(CACHE, info.hash);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true, mode: 0o755 });
    writeFileSync(join(dest, 'box.json'), JSON.stringify({ name: info.name, hash: info.hash, node: tags.node, sizes, times }, null, 1) + '\n');
    renameSync(join(box, 'initrd.img'), info.initrd);
    renameSync(join(box, 'vmlinuz'), info.kernel);
    log?.(`box ${info.name}: disk ${(sizes.disk / 2 ** 20).toFixed(0)} MiB (qcow2), box file ${(sizes.box / 2 ** 20).toFixed(0)} MiB`);
    return { ...info, built: true, times };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await docker.getImage(rootTag).remove({}).catch(() => undefined);
  }
}

/** `docker export` of a container made (never started) from the image, unpacked as root. */
async function exportImage(tag: string, dir: string): Promise<void> {
  const created = await runProcess(['docker', 'create', '--network=none', tag, '/bin/true'], { timeoutMs: 60_000 });
  const id = created.stdout.trim();
  try {
    await runProcess(['sh', '-c', 'docker export "$1" | tar --numeric-owner --xattrs --xattrs-include="*" -C "$2" -xf -', 'sh', id, dir], { timeoutMs: 10 * 60_000 });
  } finally {
    await runProcess(['docker', 'rm', '-f', id], { timeoutMs: 60_000, allowFailure: true });
  }
}

/** The box's own Vagrantfile: direct kernel boot from the kernel and initrd inside the box. */
function boxVagrantfile(info: BoxInfo): string {
  return `# overlab's libvirt box ${info.name}: a bare ext4 root file system (no partition table,
# no bootloader), booted by libvirt's direct kernel boot from the kernel and initrd in this box.
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |lv|
    lv.driver = "kvm"
    lv.kernel = File.join(File.dirname(__FILE__), "vmlinuz")
    lv.initrd = File.join(File.dirname(__FILE__), "initrd.img")
    lv.cmd_line = ${JSON.stringify(info.cmdLine)}
    lv.disk_bus = "virtio"
  end
end
`;
}

/** Our boxes Vagrant holds and the build cache: for `overlab clean --images` only. */
export async function removeBoxes(): Promise<{ removed: string[]; errors: string[] }> {
  const removed: string[] = [];
  const errors: string[] = [];
  let names: string[] = [];
  try {
    names = (await boxList()).filter((n) => n.startsWith(BOX_PREFIX));
  } catch {
    // No vagrant here: no box of ours either; the volumes and cache below still go.
  }
  for (const name of names) {
    const r = await runProcess(vagrantArgv('/', ['box', 'remove', '--force', '--all', name]), { timeoutMs: 120_000, allowFailure: true });
    if (r.exitCode === 0) removed.push(name);
    else errors.push(`vagrant box remove ${name}: exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
  }
  // vagrant-libvirt uploads a box into the default pool on first use; box remove leaves it there.
  const volumes = await runProcess(['virsh', '-c', 'qemu:///system', 'vol-list', 'default'], { timeoutMs: 60_000, allowFailure: true }).catch(() => undefined);
  const ours = (volumes?.stdout ?? '').split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0] ?? '').filter((v) => v.startsWith(BOX_PREFIX.replace('/', '-VAGRANTSLASH-')));
  for (const v of ours) {
    const r = await runProcess(['virsh', '-c', 'qemu:///system', 'vol-delete', '--pool', 'default', v], { timeoutMs: 60_000, allowFailure: true });
    if (r.exitCode === 0) removed.push(`libvirt volume ${v}`);
    else errors.push(`virsh vol-delete ${v}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  }
  rmSync(CACHE, { recursive: true, force: true });
  return { removed, errors };
}
