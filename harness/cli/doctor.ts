// `overlab doctor`: every prerequisite of a provider, whether it is met, and the command that
// fixes it; then the provider's own deeper checks (its kernel, its daemon) once the tools are there.
import { createProvider, providerModule } from '../providers/registry.js';
import { ResourceLedger } from '../core/ledger.js';
import type { Prerequisite } from '../providers/types.js';

export async function doctor(providerKind = 'netns'): Promise<Prerequisite[]> {
  const module = providerModule(providerKind);
  const checks = await createProvider(providerKind, { runId: 'doctor', ledger: new ResourceLedger('/nonexistent') }).preflight();
  if (module.doctor && checks.every((c) => c.ok)) checks.push(...(await module.doctor()));
  return checks;
}
