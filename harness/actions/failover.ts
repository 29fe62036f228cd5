// The failover fault: the device's own `run sys failover standby` on the unit that says it is
// active. Who is active is asked of the units themselves (their failover status), never inferred
// from who holds a virtual address.
import type { BigipPair, FailoverTiming } from '../devices/bigip/types.js';
import { HarnessError } from '../core/errors.js';

export type { FailoverTiming } from '../devices/bigip/types.js';

export async function failoverActiveUnit(pair: BigipPair, units: readonly string[]): Promise<FailoverTiming> {
  const statuses = await Promise.all(units.map(async (u) => ({ unit: u, status: await pair.failoverStatus(u) })));
  const active = statuses.filter((s) => s.status === 'ACTIVE');
  if (active.length !== 1) {
    throw new HarnessError(`failover needs exactly one ACTIVE unit; the units say: ${statuses.map((s) => `${s.unit} ${s.status}`).join(', ')}`);
  }
  return pair.failover(active[0]!.unit);
}
