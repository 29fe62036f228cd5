// `overlab doctor --provider vagrant`: beyond preflight (vagrant, docker, ssh-keygen, the engine),
// what the generated Vagrantfile's other blocks would need here: Vagrant's version, the
// vagrant-libvirt plugin, libvirtd, /dev/kvm and the local box for libvirt, VBoxManage for
// VirtualBox. Docker is the default; the others are reported, not required (ok either way).
import { accessSync, constants } from 'node:fs';
import { runProcess } from '../../core/process.js';
import { findTool } from '../preflight.js';
import type { Prerequisite } from '../types.js';
import { BOX_PREFIX, boxList } from './box.js';
import { libvirtPrerequisites } from './libvirt.js';

export async function vagrantDoctor(): Promise<Prerequisite[]> {
  const version = await runProcess(['vagrant', '--version'], { allowFailure: true, timeoutMs: 30_000 }).catch(() => undefined);
  const plugins = await runProcess(['vagrant', 'plugin', 'list'], { allowFailure: true, timeoutMs: 30_000 }).catch(() => undefined);
  const kvm = (() => {
    try {
      accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  })();
  const libvirt = plugins?.stdout.includes('vagrant-libvirt') ?? false;
  const boxes = await boxList().then((b) => b.filter((n) => n.startsWith(BOX_PREFIX)), () => []);
  const libvirtd = libvirt ? await libvirtPrerequisites().catch(() => []) : [];
  const down = libvirtd.filter((p) => !p.ok);
  return [
    { what: 'vagrant version', ok: version?.exitCode === 0, detail: version?.stdout.trim() || 'vagrant --version failed', fix: 'apt-get install -y --no-install-recommends vagrant' },
    // Reported, not required: the docker provider is the default (OVERLAB_VAGRANT_PROVIDER=libvirt).
    { what: 'libvirt machines (OVERLAB_VAGRANT_PROVIDER=libvirt)', ok: true, detail: `vagrant-libvirt ${libvirt ? 'installed' : 'missing (apt-get install vagrant-libvirt)'}; /dev/kvm ${kvm ? 'usable' : 'not usable'}; ${down.length ? `missing: ${down.map((p) => p.what).join(', ')} (bash scripts/setup.sh --libvirt)` : libvirt ? 'libvirtd and its default pool answer' : ''}; box: ${boxes.length ? boxes.join(', ') : 'none built yet (built by the first libvirt run, or node dist/harness/providers/vagrant/build-box.js)'}`, fix: '' },
    { what: 'virtualbox block (not driven)', ok: true, detail: findTool('VBoxManage') ? 'VBoxManage found' : 'no VBoxManage (VirtualBox is not packaged for Debian 12)', fix: '' },
  ];
}
