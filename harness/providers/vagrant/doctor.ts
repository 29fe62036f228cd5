// `overlab doctor --provider vagrant`: beyond preflight (vagrant, docker, ssh-keygen, the engine),
// what the generated Vagrantfile's other blocks would need here: Vagrant's version, the
// vagrant-libvirt plugin and /dev/kvm for libvirt, VBoxManage for VirtualBox. Only docker is
// driven by the harness; the others are reported, not required (ok either way).
import { accessSync, constants } from 'node:fs';
import { runProcess } from '../../core/process.js';
import { findTool } from '../preflight.js';
import type { Prerequisite } from '../types.js';

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
  return [
    { what: 'vagrant version', ok: version?.exitCode === 0, detail: version?.stdout.trim() || 'vagrant --version failed', fix: 'apt-get install -y --no-install-recommends vagrant' },
    { what: 'libvirt block (not driven)', ok: true, detail: `vagrant-libvirt ${libvirt ? 'installed' : 'missing (apt-get install vagrant-libvirt)'}; /dev/kvm ${kvm ? 'usable' : 'not usable'}; a box: none built yet`, fix: '' },
    { what: 'virtualbox block (not driven)', ok: true, detail: findTool('VBoxManage') ? 'VBoxManage found' : 'no VBoxManage (VirtualBox is not packaged for Debian 12)', fix: '' },
  ];
}
