// The vagrant provider's own ledger entries, each recorded before what it names is made: the
// run's Vagrant directory (Vagrantfile, .vagrant/, the run's key) and the docker networks the
// harness makes for it, or on libvirt the networks vagrant-libvirt makes (named by the run). `overlab clean` destroys the machines from the directory, then removes
// the networks and whatever else carries the run's labels.
export interface VagrantDirEntry {
  kind: 'vagrant-dir';
  dir: string;
  provider: string;
}

export interface VagrantNetworkEntry {
  kind: 'vagrant-network';
  name: string;
}

/** A libvirt network of a run on libvirt (its segments' and its management network), by exact name. */
export interface VagrantLibvirtNetworkEntry {
  kind: 'vagrant-libvirt-network';
  name: string;
}

export const VAGRANT_LEDGER_KINDS = ['vagrant-dir', 'vagrant-network', 'vagrant-libvirt-network'];
