// WaitFor: poll a condition until it holds, with a timeout that says what it waited for and what
// it last saw. Never a blind sleep.
import { WaitTimeoutError } from './errors.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/** `check` returns `{ ok, seen }`; `seen` describes the last observation for the timeout error. */
export async function waitFor(what: string, check: () => Promise<{ ok: boolean; seen: string }>, options: WaitOptions): Promise<{ elapsedMs: number; attempts: number }> {
  const started = performance.now();
  let attempts = 0;
  let seen = 'nothing yet';
  for (;;) {
    options.signal?.throwIfAborted();
    attempts++;
    const result = await check();
    seen = result.seen;
    const elapsedMs = performance.now() - started;
    if (result.ok) return { elapsedMs, attempts };
    if (elapsedMs >= options.timeoutMs) throw new WaitTimeoutError(what, options.timeoutMs, seen);
    await delay(Math.min(options.intervalMs ?? 10, Math.max(1, options.timeoutMs - elapsedMs)), options.signal);
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
