// Teardown and `overlab clean` of a vagrant run, from its ledger alone (a killed run has no
// provider object left): the machines by `vagrant destroy`, then by label (docker) or by their
// run-id names (libvirt), then the networks.
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { entriesOf, type LedgerEntry } from '../../core/ledger.js';
import { dockerClient } from '../docker/engine.js';
import { sweepDocker } from '../docker/sweep.js';
import { vagrant } from './cli.js';
import { removeNetworks } from './networks.js';
import { removeLibvirtLeft } from './libvirt.js';
import type { VagrantDirEntry, VagrantLibvirtNetworkEntry, VagrantNetworkEntry } from './ledger.js';

/**
 * Teardown and `overlab clean` alike: `vagrant destroy -f --parallel` in the run's Vagrant directory, then
 * the run's networks, then anything else carrying its labels (a container Vagrant lost track of
 * after a kill mid-up), then the directory itself; the Vagrantfile is kept in the run directory.
 */
export async function destroyRun(runId: string, runDir: string, entries: readonly LedgerEntry[], docker: Docker = dockerClient()): Promise<string[]> {
  const failures: string[] = [];
  for (const d of entriesOf<VagrantDirEntry>(entries, 'vagrant-dir', 'dir')) {
    // Only a directory of this run's own (the ledger could name anything).
    if (d.dir !== join(runDir, 'vagrant') || !existsSync(d.dir)) continue;
    if (existsSync(join(d.dir, 'Vagrantfile'))) {
      // vagrant-libvirt's machines share the run's management network, and in parallel each tries to
      // undefine it (one fails: "Network not found"): one machine after another there.
      const r = await vagrant(d.dir, ['destroy', '-f', ...(d.provider === 'libvirt' ? [] : ['--parallel'])], { timeoutMs: 300_000, allowFailure: true });
      if (r.exitCode !== 0) failures.push(`vagrant destroy -f in ${d.dir}: exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
      copyFileSync(join(d.dir, 'Vagrantfile'), join(runDir, 'Vagrantfile'));
    }
  }
  // libvirt: domains, networks and volumes with the run's names that Vagrant did not know (a kill mid-up).
  if (entriesOf<VagrantDirEntry>(entries, 'vagrant-dir', 'dir').some((d) => d.provider === 'libvirt')) {
    failures.push(...(await removeLibvirtLeft(runId, entriesOf<VagrantLibvirtNetworkEntry>(entries, 'vagrant-libvirt-network', 'name').map((n) => n.name))));
  }
  // Containers first (a network with endpoints cannot go): the labelled sweep, then the networks by name.
  const swept = await sweepDocker({ force: true, runId, docker });
  failures.push(...swept.runs.flatMap((r) => r.errors));
  failures.push(...(await removeNetworks(docker, entriesOf<VagrantNetworkEntry>(entries, 'vagrant-network', 'name').map((n) => n.name))));
  if (failures.length === 0) for (const d of entriesOf<VagrantDirEntry>(entries, 'vagrant-dir', 'dir')) if (d.dir === join(runDir, 'vagrant')) rmSync(d.dir, { recursive: true, force: true });
  return failures;
}
