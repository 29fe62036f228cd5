// The netns provider as registered: Linux network namespaces on this machine, real kernel devices.
import type { ProviderModule } from '../types.js';
import { NetnsProvider } from './provider.js';
import { netnsDoctor } from './doctor.js';
import { cleanNetnsRun } from './clean.js';

export const netnsModule: ProviderModule = {
  kind: 'netns',
  summary: 'network namespaces on this machine (root and iproute2)',
  ledgerKinds: ['netns'],
  create: (ctx) => new NetnsProvider(ctx),
  doctor: netnsDoctor,
  clean: cleanNetnsRun,
};
