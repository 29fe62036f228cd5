// The docker networks of a Vagrant run, made by the harness before `vagrant up` so that they carry
// the run id and the run's labels: Vagrant's docker provider would otherwise name a private
// network `vagrant_network_<subnet>` (no run id, no label) or silently join any network that has
// the subnet. The Vagrantfile names them (`name:`), which Vagrant accepts only for a network that
// exists. The segments are internal networks with the scenario's subnets, as on the docker
// provider; the SSH network is not internal, since Docker publishes ports (the machines' port 22,
// on 127.0.0.1) only from networks that are not, and this daemon may have no default bridge.
import type Docker from 'dockerode';
import { HarnessError } from '../../core/errors.js';
import type { SegmentDecl } from '../../plan/types.js';
import { gatewayFor } from '../docker/segments.js';
import { isNotFound } from '../docker/engine.js';

/** How long a run waits for another run's network on the same subnet to go (Docker refuses overlaps). */
const NETWORK_WAIT_MS = 10 * 60_000;

export interface RunNetwork {
  name: string;
  /** Absent for the SSH network: Docker picks a free subnet. */
  segment?: SegmentDecl;
  /** Addresses of the machines on it: never the gateway Docker's IPAM insists on. */
  taken: string[];
}

async function createOnce(docker: Docker, nets: readonly RunNetwork[], labels: Record<string, string>): Promise<void> {
  for (const n of nets) {
    await docker.createNetwork({
      Name: n.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: Boolean(n.segment),
      EnableIPv6: false,
      ...(n.segment ? { IPAM: { Driver: 'default', Config: [{ Subnet: n.segment.cidr, Gateway: gatewayFor(n.segment.cidr, new Set(n.taken)) }] } } : {}),
      Options: n.segment
        ? { 'com.docker.network.bridge.inhibit_ipv4': 'true', 'com.docker.network.driver.mtu': String(n.segment.mtu) }
        : {},
      Labels: { ...labels, ...(n.segment ? { 'overlab.segment': n.segment.id } : { 'overlab.segment': 'ssh' }) },
    });
  }
}

/** All of the run's networks or none; another run's overlapping subnet is waited for. */
export async function createNetworks(docker: Docker, nets: readonly RunNetwork[], labels: Record<string, string>): Promise<void> {
  const started = performance.now();
  for (;;) {
    try {
      return await createOnce(docker, nets, labels);
    } catch (e) {
      await removeNetworks(docker, nets.map((n) => n.name));
      if (!/overlaps/i.test((e as Error).message)) throw e;
      if (performance.now() - started > NETWORK_WAIT_MS) throw new HarnessError(`waited ${NETWORK_WAIT_MS / 1000} s for another run's Docker network to go: ${(e as Error).message}`, {}, { cause: e });
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
    }
  }
}

/** Removes networks by name; one already gone is fine. Returns the failures. */
export async function removeNetworks(docker: Docker, names: readonly string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const name of names) {
    await docker.getNetwork(name).remove().catch((e: unknown) => {
      if (!isNotFound(e)) failures.push(`network ${name}: ${(e as Error).message}`);
    });
  }
  return failures;
}
