// Units a device reaches over SSH although the testbed made them (the tmsh device's stand-ins):
// the run's provider, with `node(unit)` answered by an SSH connection to the unit instead of the
// provider's own way in, so every step, probe and device read on a unit goes over real SSH.
import type { Provider, NodeHandle } from '../providers/types.js';
import type { SshTarget } from '../ssh/target.js';
import { SshPool } from '../ssh/pool.js';

export interface UnitAccess {
  provider: Provider;
  close(): Promise<void>;
}

export function unitsOverSsh(provider: Provider, targets: readonly SshTarget[]): UnitAccess {
  if (targets.length === 0) return { provider, close: async () => undefined };
  const pool = new SshPool(targets);
  const names = new Set(targets.map((t) => t.name));
  const node = (id: string): NodeHandle => {
    if (!names.has(id)) return provider.node(id);
    return { id, location: `${provider.locationOf(id)} over SSH`, exec: (argv, options = {}) => pool.exec(id, argv, { node: id, ...options }) };
  };
  const wrapped = new Proxy(provider, {
    get(target, prop) {
      if (prop === 'node') return node;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { provider: wrapped, close: () => pool.close() };
}
