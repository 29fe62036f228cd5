// `overlab doctor`: every prerequisite of a provider, whether it is met, and the command that
// fixes it; then the provider's own deeper checks (its kernel, its daemon) once the tools are there;
// then upstream flannel (flanneld and etcd, with their versions), which runs use where installed.
import { createProvider, providerModule } from '../providers/registry.js';
import { ResourceLedger } from '../core/ledger.js';
import type { Prerequisite, ProviderOptions } from '../providers/types.js';
import { flannelBinaries, flannelVersions } from '../overlay/flannel/flanneld/binary.js';
import { readFileSync } from 'node:fs';

export async function doctor(providerKind = 'netns', options?: ProviderOptions): Promise<Prerequisite[]> {
  const module = providerModule(providerKind);
  const checks = await createProvider(providerKind, { runId: 'doctor', ledger: new ResourceLedger('/nonexistent'), options }).preflight();
  if (module.doctor && checks.every((c) => c.ok)) checks.push(...(await module.doctor(options)));
  checks.push(...(await flannelChecks()));
  if (providerKind === 'netns' || providerKind === 'docker') checks.push(neighbourTable());
  return checks;
}

/** The kernel's neighbour table, shared by every namespace and container here. */
function neighbourTable(): Prerequisite {
  const path = '/proc/sys/net/ipv4/neigh/default/gc_thresh3';
  let limit = '?';
  try {
    limit = readFileSync(path, 'utf8').trim();
  } catch {
    // not Linux: nothing to say
  }
  return {
    what: 'neighbour table (net.ipv4.neigh.default.gc_thresh3)',
    ok: true,
    detail: `${limit} entries for every namespace and container together; a run that needs more (harness/plan/neighbours.ts counts it from the scenario) raises it for the run and puts it back, saying so; to raise it for good: sysctl -w net.ipv4.neigh.default.gc_thresh3=32768 net.ipv4.neigh.default.gc_thresh2=16384`,
    fix: '',
  };
}

/**
 * Never fatal: without them runs use the emulated agent. A scenario that asks for
 * `flannel.agent: flanneld` fails its preflight instead, with the same fixes.
 */
async function flannelChecks(): Promise<Prerequisite[]> {
  const b = flannelBinaries();
  const versions = await flannelVersions(b);
  const fallback = 'runs use flannel.agent emulated until it is there';
  return [
    { what: 'flanneld (upstream, the default flannel agent on netns)', ok: true, detail: b.flanneld ? `${versions.flanneld ?? '?'} at ${b.flanneld}` : `absent, optional (${fallback}); fix: ${b.missing.find((m) => m.what.startsWith('flanneld'))?.fix ?? 'bash scripts/build-flanneld.sh'}`, fix: '' },
    { what: 'etcd (flanneld\'s registry)', ok: true, detail: b.etcd && b.etcdctl ? `${versions.etcd ?? '?'} at ${b.etcd}` : `absent, optional (${fallback}); fix: apt-get install etcd-server etcd-client`, fix: '' },
    ...b.missing.filter((m) => /iptables/.test(m.what)).map((m) => ({ what: m.what, ok: true, detail: `absent, optional (${fallback}); fix: ${m.fix}`, fix: '' })),
  ];
}
