// The vagrant provider as registered: machines from a generated multi-machine Vagrantfile, up
// with Vagrant's docker provider, then driven over SSH by the ssh provider. `overlab clean`
// destroys a run's machines from the Vagrant directory its ledger names, then its networks and
// whatever else carries its labels; labelled objects of runs no ledger knows are the docker
// provider's sweep (the same labels).
import type { ProviderModule } from '../types.js';
import { HarnessError } from '../../core/errors.js';
import { VAGRANT_BACKENDS, VagrantProvider, type VagrantBackend } from './provider.js';
import { destroyRun } from './teardown.js';
import { removeBoxes } from './box.js';
import { VAGRANT_LEDGER_KINDS } from './ledger.js';
import { vagrantDoctor } from './doctor.js';

export const vagrantModule: ProviderModule = {
  kind: 'vagrant',
  summary: 'machines from a generated Vagrantfile (Vagrant\'s docker provider), driven over SSH',
  ledgerKinds: VAGRANT_LEDGER_KINDS,
  // OVERLAB_VAGRANT_PROVIDER: Vagrant's provider the machines are made with (docker, the default,
  // or libvirt: VMs from the box built here). OVERLAB_VAGRANT_BOX: the libvirt and VirtualBox
  // machines' box, written into the Vagrantfile (on libvirt the default is the local box).
  create: (ctx) => new VagrantProvider(ctx, { backend: vagrantBackend(), box: process.env.OVERLAB_VAGRANT_BOX }),
  doctor: vagrantDoctor,
  async clean(run) {
    const dirs = run.entries.filter((e) => e.kind === 'vagrant-dir').length;
    const errors = await destroyRun(run.runId, run.runDir, run.entries);
    return { runId: run.runId, removed: dirs, what: 'Vagrant directory(ies) with their machines', errors };
  },
  // `overlab clean --images`: the libvirt boxes built here (the only thing that removes them).
  async sweep(options) {
    if (!options.images) return [];
    const { removed, errors } = await removeBoxes();
    return removed.length > 0 || errors.length > 0 ? [{ runId: 'vagrant boxes', removed: removed.length, what: 'box(es) and box volume(s)', errors }] : [];
  },
};

function vagrantBackend(): VagrantBackend {
  const wanted = process.env.OVERLAB_VAGRANT_PROVIDER ?? 'docker';
  if (!(VAGRANT_BACKENDS as readonly string[]).includes(wanted)) throw new HarnessError(`OVERLAB_VAGRANT_PROVIDER=${wanted} is not a provider the vagrant provider drives; use ${VAGRANT_BACKENDS.join(' or ')}`);
  return wanted as VagrantBackend;
}
