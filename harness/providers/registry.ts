// The provider registry: adding a provider is one folder exporting a ProviderModule and one line
// here. The CLI (run, up, exec, down, clean, doctor) works from these modules only.
import type { Provider, ProviderContext, ProviderModule } from './types.js';
import { netnsModule } from './netns/module.js';
import { dockerModule } from './docker/module.js';
import { sshModule } from './ssh/module.js';
import { kindModule } from './kind/module.js';
import { vagrantModule } from './vagrant/module.js';
import { SpecError } from '../core/errors.js';

const MODULES: readonly ProviderModule[] = [
  netnsModule,
  dockerModule,
  // Before ssh: a vagrant run's ledger also holds the ssh provider's entries.
  vagrantModule,
  sshModule,
  kindModule,
];

export const providerKinds = (): string[] => MODULES.map((m) => m.kind);

export const providerModules = (): readonly ProviderModule[] => MODULES;

export function providerModule(kind: string): ProviderModule {
  const module = MODULES.find((m) => m.kind === kind);
  if (!module) throw new SpecError([{ file: '--provider', field: 'provider', message: `unknown provider "${kind}"; available: ${providerKinds().join(', ')}` }]);
  return module;
}

export function createProvider(kind: string, ctx: ProviderContext): Provider {
  return providerModule(kind).create(ctx);
}

/**
 * The provider whose own ledger kinds a run's ledger holds (for runs only known from their
 * ledger): the one that wrote the first such entry, since a provider may use another's parts
 * after its own first entry (kind builds the docker provider's images for its pods).
 */
export function moduleOfLedger(kinds: readonly string[]): ProviderModule | undefined {
  for (const k of kinds) {
    const module = MODULES.find((m) => m.ledgerKinds.includes(k));
    if (module) return module;
  }
  return undefined;
}
