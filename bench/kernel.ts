// `ip netns del` returns at once, but the kernel destroys the namespaces and their devices
// afterwards (cleanup_net); while it does, creating namespaces is several times slower. The
// bench waits for it before each run, so every boot is measured on a quiet kernel.
import { readdirSync, readFileSync } from 'node:fs';
import { delay } from '../harness/core/wait.js';

/** True while a kernel worker runs work of the `netns` workqueue (its comm reads `kworker/...+netns`). */
function netnsCleanupBusy(): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8');
      if (comm.startsWith('kworker') && comm.includes('+netns')) return true;
    } catch {
      // exited
    }
  }
  return false;
}

/** Waits until the kernel has finished destroying deleted namespaces (idle 3 polls in a row); returns ms. */
export async function waitKernelCleanup(signal: AbortSignal, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < 3 && performance.now() - started < timeoutMs) {
    quiet = netnsCleanupBusy() ? 0 : quiet + 1;
    if (quiet < 3) await delay(10, signal);
  }
  return performance.now() - started;
}
