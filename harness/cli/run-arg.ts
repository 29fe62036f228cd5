// The <run> positional of the commands that drive a kept run (failover, traffic, snapshot, check, inspect).
export const RUN_POSITIONAL = { type: 'string', demandOption: true, describe: 'a kept run\'s id (or its start), from `overlab list`' } as const;

/** Runs `body` on the attached run and lets go of it (SSH connections) however it ends. */
export async function withRun<R, T extends { close(): Promise<void> }>(run: T, body: (run: T) => Promise<R>): Promise<R> {
  try {
    return await body(run);
  } finally {
    await run.close();
  }
}
