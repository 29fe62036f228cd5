// The provider registry: adding a provider is one folder and one line here.
import type { Provider, ProviderContext } from './types.js';
import { NetnsProvider } from './netns/provider.js';
import { DockerProvider } from './docker/provider.js';
import { SpecError } from '../core/errors.js';

const PROVIDERS: Record<string, (ctx: ProviderContext) => Provider> = {
  netns: (ctx) => new NetnsProvider(ctx),
  docker: (ctx) => new DockerProvider(ctx),
};

export const providerKinds = (): string[] => Object.keys(PROVIDERS);

export function createProvider(kind: string, ctx: ProviderContext): Provider {
  const make = PROVIDERS[kind];
  if (!make) throw new SpecError([{ file: '--provider', field: 'provider', message: `unknown provider "${kind}"; available: ${providerKinds().join(', ')}` }]);
  return make(ctx);
}
