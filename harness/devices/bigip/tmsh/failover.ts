// Failover as an operator does it on a VE: `run sys failover standby` on the active unit only,
// after both units have said they are ACTIVE and STANDBY, and then both asked again until they
// say the opposite (bounded: the error names the unit that did not change). The failover status
// is always read from the units, never inferred from who answers for a virtual address.
import { HarnessError, WaitTimeoutError } from '../../../core/errors.js';
import { waitFor } from '../../../core/wait.js';
import type { NodeHandle } from '../../../providers/types.js';
import type { FailoverStatus, FailoverTiming } from '../types.js';
import { readTmshFailoverStatus, runTmsh } from './observe.js';

export interface TmshFailoverOptions {
  /** How long both units may take to swap roles after the command (default 10 s). */
  timeoutMs?: number;
  /** Between two reads of both units (default 20 ms). */
  intervalMs?: number;
}

export const FAILOVER_COMMAND = 'run sys failover standby';

export async function tmshFailover(units: readonly string[], node: (unit: string) => NodeHandle, from: string, options: TmshFailoverOptions = {}): Promise<FailoverTiming> {
  const to = units.find((u) => u !== from);
  if (!units.includes(from) || !to) throw new HarnessError(`failover from ${from}: the pair is ${units.join(', ') || 'empty'}; it needs ${from} and a peer`);
  const both = async (): Promise<{ from: FailoverStatus; to: FailoverStatus }> => {
    const [a, b] = await Promise.all([readTmshFailoverStatus(node(from)), readTmshFailoverStatus(node(to))]);
    return { from: a, to: b };
  };
  const said = (s: { from: FailoverStatus; to: FailoverStatus }) => `${from} says ${s.from}, ${to} says ${s.to}`;
  const before = await both();
  if (before.from !== 'ACTIVE' || before.to !== 'STANDBY') {
    throw new HarnessError(`failover from ${from} refused before anything was sent: ${said(before)} (${FAILOVER_COMMAND} goes to the ACTIVE unit, with its peer STANDBY)`, { node: from });
  }
  const startedAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  await runTmsh(node(from), [FAILOVER_COMMAND]);
  let last = before;
  const timeoutMs = options.timeoutMs ?? 10_000;
  await waitFor(
    `${to} to say ACTIVE and ${from} STANDBY`,
    async () => {
      last = await both();
      return { ok: last.from === 'STANDBY' && last.to === 'ACTIVE', seen: said(last) };
    },
    { timeoutMs, intervalMs: options.intervalMs ?? 20 },
  ).catch((e: unknown) => {
    if (!(e instanceof WaitTimeoutError)) throw e;
    const stuck = [...(last.to !== 'ACTIVE' ? [`${to} says ${last.to} (want ACTIVE)`] : []), ...(last.from !== 'STANDBY' ? [`${from} says ${last.from} (want STANDBY)`] : [])];
    throw new HarnessError(`failover from ${from}: ${FAILOVER_COMMAND} on ${from} returned, but after ${timeoutMs} ms ${stuck.join(' and ')}; check the pair's network failover (show cm failover-status on both units)`, { node: last.to !== 'ACTIVE' ? to : from }, { cause: e });
  });
  return { from, to, startedAt, durationMs: performance.now() - t0 };
}
