// Ctrl-C and SIGTERM abort the run; the run tears down and then the process exits with 130/143.
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function abortOnSignals(): { signal: AbortSignal; received: () => string | undefined } {
  const controller = new AbortController();
  let received: string | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (received) {
        process.stderr.write(`overlab: ${sig} again; still tearing down, please wait\n`);
        return;
      }
      received = sig;
      process.stderr.write(`overlab: ${sig}: stopping and tearing down\n`);
      controller.abort(new Error(sig));
    });
  }
  return { signal: controller.signal, received: () => received };
}
